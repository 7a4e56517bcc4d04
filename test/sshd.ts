// Test helper: Debian's real OpenSSH server, started by a test on a free loopback port with its
// own config and host key. Login is by public key only, and every client key is bound to its own
// forced command (authorized_keys command="…"), a script acting as a device CLI: one sshd serves
// several devices, well-behaved and hostile, side by side, each reached with its own key.

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { findFreeTcpPort } from '../infra/lab/ports.js';

export const SSHD = '/usr/sbin/sshd';
/** For `test(…, { skip })`: false when sshd is there, else why the test cannot run. */
export const sshdMissing: false | string = existsSync(SSHD) ? false : `${SSHD} missing (Debian package openssh-server)`;

export interface TestSshd {
  port: number;
  dir: string; // its config, host key (host_key.pub) and scripts
  /** The private key whose login runs the named CLI script. */
  keyOf(cli: string): string;
  close(): Promise<void>;
}

/** Starts sshd with one forced-command script per entry of `clis` (name → shell script). */
export async function startTestSshd(clis: Record<string, string>): Promise<TestSshd> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'oc-openssh-'));
  let sshd: ChildProcess | undefined;
  const close = async () => {
    if (sshd && sshd.exitCode === null) {
      const exited = new Promise((r) => sshd!.once('exit', r));
      sshd.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'host_key')]);
    const keys = new Map<string, string>();
    const authorized: string[] = [];
    for (const [name, script] of Object.entries(clis)) {
      const file = path.join(dir, `${name}.sh`);
      await writeFile(file, script);
      await chmod(file, 0o755);
      const pair = parsableKeyPair();
      keys.set(name, pair.private);
      authorized.push(`command="${file}" ${pair.public}`);
    }
    await writeFile(path.join(dir, 'authorized_keys'), authorized.join('\n') + '\n', { mode: 0o600 });
    const port = await findFreeTcpPort();
    const config = [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${path.join(dir, 'host_key')}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      'StrictModes no',
      'PrintMotd no',
      'PrintLastLog no',
    ].join('\n');
    await writeFile(path.join(dir, 'sshd_config'), config + '\n');
    // Debian's sshd refuses to start without its privilege-separation directory, which the
    // service unit normally creates; a machine where sshd never ran as a service lacks it.
    if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
    sshd = spawn(SSHD, ['-D', '-e', '-f', path.join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    sshd.stderr!.on('data', (d) => (stderr += d));
    await waitForPort(port, 5_000).catch((err) => {
      throw new Error(`${(err as Error).message}: ${stderr}`);
    });
    return {
      port,
      dir,
      keyOf(cli) {
        const key = keys.get(cli);
        if (!key) throw new Error(`no CLI named ${cli}`);
        return key;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

// ssh2 now and then generates an ed25519 key its own parser rejects: keep one that parses.
function parsableKeyPair(): { private: string; public: string } {
  for (;;) {
    const keys = ssh2.utils.generateKeyPairSync('ed25519');
    if (!(ssh2.utils.parseKey(keys.private) instanceof Error)) return keys;
  }
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
