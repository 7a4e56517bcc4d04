// The SSH poller against Debian's real OpenSSH server: sshd started by the test on a free
// loopback port with its own config and host key, public-key login, and a ForceCommand that acts
// as a Junos CLI (prompt, then the fixture for each command it knows). This proves the client
// against a real SSH implementation and a real PTY (echo and CR/LF come from the kernel's line
// discipline, not from our own simulator).

import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import ssh2 from 'ssh2';
import { createLogger } from '../../common/log.js';
import { findFreeTcpPort } from '../../infra/lab/ports.js';
import { labHostKey } from '../../infra/lab/ssh/ssh-lab.js';
import { createSshPoller } from './poller.js';
import type { SshTarget } from './types.js';

const SSHD = '/usr/sbin/sshd';
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const logger = createLogger({ test: 'ssh-openssh' }, 'error');
let tmp: string;
let sshd: ChildProcess | undefined;
let port: number;
let clientKey: string;

function fakeJunosCli(): string {
  return `#!/bin/sh
# Forced command: a minimal Junos-like CLI printing fixtures.
prompt() { printf 'lab@openssh-junos> '; }
printf '\\n--- JUNOS 23.2R1 (OpenSSH forced command)\\n'
prompt
while IFS= read -r line; do
  case "$line" in
    "set cli screen-length 0") echo "Screen length set to 0" ;;
    "set cli screen-width 0") echo "Screen width set to 0" ;;
    "show interfaces diagnostics optics | no-more") cat '${fixtures}junos-diagnostics-optics.txt' ;;
    "show interfaces terse | no-more") cat '${fixtures}junos-interfaces-terse.txt' ;;
    "") ;;
    *) echo "                    ^"; echo "unknown command." ;;
  esac
  prompt
done
`;
}

async function waitForPort(p: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(p, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd did not listen on ${p} within ${timeoutMs} ms`);
}

before(async () => {
  if (!existsSync(SSHD)) return;
  tmp = await mkdtemp(path.join(os.tmpdir(), 'oc-openssh-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(tmp, 'host_key')]);
  // ssh2 now and then generates an ed25519 key its own parser rejects: keep one that parses.
  let keys = ssh2.utils.generateKeyPairSync('ed25519');
  while (ssh2.utils.parseKey(keys.private) instanceof Error) keys = ssh2.utils.generateKeyPairSync('ed25519');
  clientKey = keys.private;
  await writeFile(path.join(tmp, 'authorized_keys'), keys.public + '\n', { mode: 0o600 });
  await writeFile(path.join(tmp, 'cli.sh'), fakeJunosCli());
  await chmod(path.join(tmp, 'cli.sh'), 0o755);
  port = await findFreeTcpPort();
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${path.join(tmp, 'host_key')}`,
    `PidFile ${path.join(tmp, 'sshd.pid')}`,
    `AuthorizedKeysFile ${path.join(tmp, 'authorized_keys')}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'UsePAM no',
    'StrictModes no',
    'PrintMotd no',
    'PrintLastLog no',
    `ForceCommand ${path.join(tmp, 'cli.sh')}`,
  ].join('\n');
  await writeFile(path.join(tmp, 'sshd_config'), config + '\n');
  // Debian's sshd refuses to start without its privilege-separation directory, which the
  // service unit normally creates; a machine where sshd never ran as a service lacks it.
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
  sshd = spawn(SSHD, ['-D', '-e', '-f', path.join(tmp, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  sshd.stderr!.on('data', (d) => (stderr += d));
  await waitForPort(port, 5_000).catch((err) => {
    throw new Error(`${(err as Error).message}: ${stderr}`);
  });
});

after(async () => {
  if (sshd && sshd.exitCode === null) {
    const exited = new Promise((r) => sshd!.once('exit', r));
    sshd.kill('SIGTERM');
    await exited;
  }
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('real OpenSSH: host key pinned, PTY shell with a forced Junos-like CLI, values parsed, session reused', { timeout: 30_000, skip: existsSync(SSHD) ? false : `${SSHD} missing (Debian package openssh-server)` }, async () => {
  const knownHostsFile = path.join(tmp, 'known_hosts');
  const poller = createSshPoller({ collectorId: 'c1', logger, knownHostsFile, connectTimeoutMs: 5_000, commandTimeoutMs: 5_000 });
  const target: SshTarget = { deviceId: 'openssh-junos', address: '127.0.0.1', port, platform: 'junos', username: os.userInfo().username, privateKey: clientKey };
  try {
    const first = await poller.poll(target);
    for (const c of first) assert.equal(c.error, null, `${c.command}: ${c.error?.message}`);
    const optics = first[0];
    assert.equal(optics.values.find((v) => v.name === 'rx_power' && v.index === 'xe-0/0/0')?.value, -3.84);
    assert.equal(optics.values.filter((v) => v.index.startsWith('et-0/0/48:lane')).length, 12);
    assert.ok(!optics.output!.includes('\r'), 'CR/LF from the PTY normalised');
    assert.ok(optics.output!.startsWith('Physical interface: xe-0/0/0'), 'echo and prompt removed');
    assert.equal(first[1].values.find((v) => v.name === 'oper_up' && v.index === 'xe-0/0/1')?.value, 0);

    // The pinned key is OpenSSH's own host key, in OpenSSH's known_hosts format.
    const hostPub = (await readFile(path.join(tmp, 'host_key.pub'), 'utf8')).split(' ')[1];
    assert.match(await readFile(knownHostsFile, 'utf8'), new RegExp(`^\\[127\\.0\\.0\\.1\\]:${port} ssh-ed25519 ${hostPub.replace(/[+/]/g, '\\$&')}$`, 'm'));

    const second = await poller.poll(target);
    assert.equal(second[0].error, null);
    const logins = await (await import('prom-client')).default.register.getSingleMetric('oc_ssh_logins_total')!.get();
    assert.equal(logins.values.find((v) => v.labels.result === 'ok')?.value, 1, 'one login for two polls');

    const wrongKey = await poller.poll({ ...target, deviceId: 'openssh-wrong-key', privateKey: labHostKey() });
    assert.equal(wrongKey[0].error?.code, 'SSH_AUTH');
  } finally {
    poller.close();
  }
});
