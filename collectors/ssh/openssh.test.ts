// The SSH poller against Debian's real OpenSSH server: sshd started by the test on a free
// loopback port with its own config and host key (test/sshd.ts), public-key login, and forced
// commands that act as Junos CLIs (prompt, then the fixture for each command they know). This
// proves the client against a real SSH implementation and a real PTY (echo and CR/LF come from
// the kernel's line discipline, not from our own simulator), including devices that answer
// with hostile output.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { createLogger } from '../../common/log.js';
import { labHostKey } from '../../infra/lab/ssh/ssh-lab.js';
import { createSshPoller } from './poller.js';
import { sshdMissing, startTestSshd, type TestSshd } from '../../test/sshd.js';
import type { SshTarget } from './types.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const logger = createLogger({ test: 'ssh-openssh' }, 'error');
const OPTICS = 'show interfaces diagnostics optics | no-more';
const TERSE = 'show interfaces terse | no-more';
let sshd: TestSshd | undefined;

/** A minimal Junos-like CLI; `optics` and `terse` are shell lines printing those replies. */
function junosCli(replies: { optics: string; terse: string }): string {
  return `#!/bin/sh
# Forced command: a minimal Junos-like CLI.
prompt() { printf 'lab@openssh-junos> '; }
# $1 bytes of the character $2 (octal escapes work: '\\010' is a backspace).
run() { head -c "$1" /dev/zero | tr '\\0' "$2"; }
printf '\\n--- JUNOS 23.2R1 (OpenSSH forced command)\\n'
prompt
while IFS= read -r line; do
  case "$line" in
    "set cli screen-length 0") echo "Screen length set to 0" ;;
    "set cli screen-width 0") echo "Screen width set to 0" ;;
    "${OPTICS}") ${replies.optics} ;;
    "${TERSE}") ${replies.terse} ;;
    "") ;;
    *) echo "                    ^"; echo "unknown command." ;;
  esac
  prompt
done
`;
}

const opticsFixture = `cat '${fixtures}junos-diagnostics-optics.txt'`;
const terseFixture = `cat '${fixtures}junos-interfaces-terse.txt'`;

before(async () => {
  if (sshdMissing) return;
  sshd = await startTestSshd({
    junos: junosCli({ optics: opticsFixture, terse: terseFixture }),
    // Each reply carries about 1 MB of hostile text before the real listing (and pauses, so the
    // poll lasts while other polls run): a 1 MB line without a colon under the optics (the
    // pattern of Junos reading lines was quadratic on it), 1 MB of spaces erased by as many
    // backspaces before the terse listing (the session re-cleaned the whole reply per chunk, and
    // the cleaning removed one layer of backspaces per pass).
    hostile: junosCli({
      optics: `printf '    Laser output power'; sleep 0.5; run 998000 ' '; printf '\\n'; ${opticsFixture}`,
      terse: `run 499000 ' '; sleep 0.5; run 499000 '\\010'; ${terseFixture}`,
    }),
    // A reply without end: the collector must stop at its output cap.
    flood: junosCli({ optics: `tr '\\0' x < /dev/zero`, terse: terseFixture }),
  });
});

after(async () => {
  await sshd?.close();
});

const targetOf = (cli: string, deviceId = `openssh-${cli}`): SshTarget => ({
  deviceId,
  address: '127.0.0.1',
  port: sshd!.port,
  platform: 'junos',
  username: os.userInfo().username,
  privateKey: sshd!.keyOf(cli),
});

test('real OpenSSH: host key pinned, PTY shell with a forced Junos-like CLI, values parsed, session reused', { timeout: 30_000, skip: sshdMissing }, async () => {
  const knownHostsFile = path.join(sshd!.dir, 'known_hosts');
  const poller = createSshPoller({ collectorId: 'c1', logger, knownHostsFile, connectTimeoutMs: 5_000, commandTimeoutMs: 5_000 });
  const target = targetOf('junos');
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
    const hostPub = (await readFile(path.join(sshd!.dir, 'host_key.pub'), 'utf8')).split(' ')[1];
    assert.match(await readFile(knownHostsFile, 'utf8'), new RegExp(`^\\[127\\.0\\.0\\.1\\]:${sshd!.port} ssh-ed25519 ${hostPub.replace(/[+/]/g, '\\$&')}$`, 'm'));

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

// Linear cleaning and parsing is proven by the unit tests (cli-text, parsers, platforms); this
// proves the whole path on a real PTY without timing the hostile poll itself: the event loop's
// longest stall must stay under a second (the quadratic code blocked it for minutes) and a
// well-behaved device keeps being polled, successfully, while the hostile one answers.
const MAX_EVENT_LOOP_STALL_MS = 1_000;

test('hostile device output (1 MB of spaces and backspaces, a 1 MB line) neither freezes the collector nor stops its other polls', { timeout: 60_000, skip: sshdMissing }, async (t) => {
  const poller = createSshPoller({ collectorId: 'c1', logger, knownHostsFile: path.join(sshd!.dir, 'known_hosts'), connectTimeoutMs: 5_000, commandTimeoutMs: 20_000 });
  try {
    for (const c of await poller.poll(targetOf('junos'))) assert.equal(c.error, null, c.error?.message); // logged in once, before
    const stalls = monitorEventLoopDelay({ resolution: 10 });
    stalls.enable();
    let hostileDone = false;
    const hostile = poller.poll(targetOf('hostile')).finally(() => (hostileDone = true));
    let otherPolls = 0;
    while (!hostileDone) {
      for (const c of await poller.poll(targetOf('junos'))) assert.equal(c.error, null, c.error?.message);
      otherPolls++;
      await sleep(50);
    }
    const caps = await hostile;
    stalls.disable();
    const maxStallMs = stalls.max / 1e6;
    t.diagnostic(`longest event-loop stall ${maxStallMs.toFixed(0)} ms; ${otherPolls} polls of the other device meanwhile`);
    assert.ok(maxStallMs < MAX_EVENT_LOOP_STALL_MS, `event loop blocked for ${maxStallMs.toFixed(0)} ms`);
    assert.ok(otherPolls >= 2, `only ${otherPolls} polls of the other device while the hostile one ran`);

    // The hostile text is read, cleaned and ignored: the listings behind it parse as usual.
    const [optics, terse] = caps;
    assert.equal(optics.error, null, optics.error?.message);
    assert.equal(terse.error, null, terse.error?.message);
    assert.equal(optics.values.find((v) => v.name === 'rx_power' && v.index === 'xe-0/0/0')?.value, -3.84);
    assert.equal(optics.values.length, 24);
    assert.ok(optics.output!.length > 998_000, 'the long line is kept in the record');
    assert.equal(terse.values.find((v) => v.name === 'oper_up' && v.index === 'xe-0/0/1')?.value, 0);
    assert.ok(terse.output!.startsWith('Interface'), 'the spaces were erased by their backspaces');
  } finally {
    poller.close();
  }
});

test('hostile device output without end: a reply over the output cap ends the poll with SSH_OUTPUT_TOO_LARGE', { timeout: 60_000, skip: sshdMissing }, async () => {
  // A command timeout far beyond the time 1 MiB takes: the cap, not the timeout, must end it.
  const poller = createSshPoller({ collectorId: 'c1', logger, knownHostsFile: path.join(sshd!.dir, 'known_hosts'), connectTimeoutMs: 5_000, commandTimeoutMs: 30_000 });
  try {
    const caps = await poller.poll(targetOf('flood'));
    assert.deepEqual(caps.map((c) => [c.command, c.error?.code]), [[OPTICS, 'SSH_OUTPUT_TOO_LARGE'], [TERSE, 'SSH_OUTPUT_TOO_LARGE']]);
    assert.match(caps[0].error!.message, /^device openssh-flood \(127\.0\.0\.1:\d+\): reply to "show interfaces diagnostics optics \| no-more" longer than 1048576 bytes/);
    assert.match(caps[1].error!.message, /device openssh-flood: not run/);
    assert.equal(caps[0].output, null);
    // The next poll logs in again and meets the same wall, no more.
    assert.equal((await poller.poll(targetOf('flood')))[0].error?.code, 'SSH_OUTPUT_TOO_LARGE');
  } finally {
    poller.close();
  }
});
