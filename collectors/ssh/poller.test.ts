// The SSH poller against the lab's simulated devices (ssh2 servers speaking Junos, IOS-XR and
// SAOS CLIs): parsed values that follow the device, session reuse, paging the device will not
// turn off, host keys pinned and a changed one refused, and every failure coded per device.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createLogger } from '../../common/log.js';
import { schemaFor } from '../../schemas/index.js';
import { avroTypeFor } from '../../schemas/logical-types.js';
import { findFreeTcpPort } from '../../infra/lab/ports.js';
import { applySshScenario } from '../../infra/lab/ssh/scenarios.js';
import { startSshLab, type SshLab, type SshLabDevice } from '../../infra/lab/ssh/ssh-lab.js';
import { loadConfig } from '../../common/config.js';
import type { Device } from '../../schemas/types.js';
import { eventually } from '../../test/env.js';
import { generateCredentialKey } from '../../credentials/credential-key.js';
import { runCredentialsCommand } from '../../credentials/credentials-command.js';
import { openCredentialStoreFromEnv } from '../../credentials/open-store.js';
import { buildProtocolPlans } from '../protocols.js';
import { collectorSettings } from '../settings.js';
import { createSshPoller, type SshPoller } from './poller.js';
import type { RawSshCapture, SshTarget } from './types.js';

const logger = createLogger({ test: 'ssh-poller' }, 'error');
const rawSsh = avroTypeFor(schemaFor('telemetry.raw.ssh'));
const roundTrips = (r: object) => assert.deepEqual(JSON.parse(JSON.stringify(rawSsh.fromBuffer(rawSsh.toBuffer(r)))), r);
let lab: SshLab;
let tmp: string;
let poller: SshPoller;
let knownHostsFile: string;

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'oc-ssh-'));
  knownHostsFile = path.join(tmp, 'known_hosts');
  lab = await startSshLab({
    logger,
    devices: [
      { deviceId: 'lab-junos-1', platform: 'junos' },
      { deviceId: 'lab-xr-1', platform: 'ios-xr' },
      { deviceId: 'lab-saos-1', platform: 'saos' },
      { deviceId: 'lab-xr-paging', platform: 'ios-xr', ignorePagingOff: true },
      { deviceId: 'lab-junos-moody', platform: 'junos' },
      { deviceId: 'lab-saos-rekey', platform: 'saos' },
      { deviceId: 'lab-junos-creds', platform: 'junos' },
      { deviceId: 'lab-mirror', platform: 'juniper-junos', ports: ['xe-0/0/5', 'xe-0/0/6'], optics: [{ port: 'xe-0/0/5', rxDbm: -7.5, txDbm: -1 }, { port: 'xe-0/0/6', rxDbm: -40, txDbm: -1, down: true }] },
    ],
  });
  poller = createSshPoller({ collectorId: 'c1', logger, knownHostsFile, connectTimeoutMs: 3_000, commandTimeoutMs: 3_000 });
});

after(async () => {
  poller?.close();
  await lab?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

function targetOf(d: SshLabDevice, over: Partial<SshTarget> = {}): SshTarget {
  return { deviceId: d.deviceId, address: d.address, port: d.port, platform: d.platform, username: d.username, password: d.password, ports: d.ports, ...over };
}
const valueOf = (caps: RawSshCapture[], name: string, index: string) => caps.flatMap((c) => c.values).find((v) => v.name === name && v.index === index)?.value;

test('each platform: every command captured and parsed, values follow the device', { timeout: 20_000 }, async () => {
  for (const id of ['lab-junos-1', 'lab-xr-1', 'lab-saos-1']) {
    const device = lab.device(id)!;
    const caps = await poller.poll(targetOf(device));
    for (const c of caps) {
      assert.equal(c.error, null, `${id} ${c.command}: ${c.error?.message}`);
      assert.equal(c.deviceId, id);
      assert.equal(c.collectorId, 'c1');
      assert.ok(c.output && c.output.length > 0);
      assert.ok(!c.output.includes(c.command), 'echo removed');
      assert.ok(c.values.length > 0);
      roundTrips(c);
    }
    for (const p of device.state.ports) {
      const rx = valueOf(caps, 'rx_power', p.name)!;
      assert.ok(Math.abs(rx - p.baseRxDbm) < 0.5, `${id} ${p.name} rx ${rx} vs base ${p.baseRxDbm}`);
      assert.equal(valueOf(caps, 'oper_up', p.name), 1);
    }
  }
  const junos = await poller.poll(targetOf(lab.device('lab-junos-1')!));
  assert.deepEqual(junos.map((c) => c.command), ['show interfaces diagnostics optics | no-more', 'show interfaces terse | no-more']);
});

test('a lab device can mirror the SNMP lab: its platform ids and optics baselines', { timeout: 10_000 }, async () => {
  const caps = await poller.poll({ ...targetOf(lab.device('lab-mirror')!), platform: 'juniper-junos' });
  assert.equal(caps[0].platform, 'junos');
  assert.ok(Math.abs(valueOf(caps, 'rx_power', 'xe-0/0/5')! + 7.5) < 0.3);
  assert.equal(valueOf(caps, 'rx_power', 'xe-0/0/6'), -40);
  assert.equal(valueOf(caps, 'oper_up', 'xe-0/0/6'), 0);
});

test('sessions are reused across polls; degrading a port and dropping a link show up', { timeout: 20_000 }, async () => {
  const device = lab.device('lab-saos-1')!;
  const before = device.stats();
  const first = await poller.poll(targetOf(device));
  await applySshScenario(lab, { deviceId: device.deviceId, port: '10', degradeDb: 6 });
  await applySshScenario(lab, { deviceId: device.deviceId, port: '11', linkDown: true });
  const second = await poller.poll(targetOf(device));
  assert.deepEqual(device.stats(), before, 'no new connection or shell: the session from the first test was reused');
  const drop = valueOf(first, 'rx_power', '10')! - valueOf(second, 'rx_power', '10')!;
  assert.ok(drop > 5 && drop < 7, `rx dropped by ${drop} dB`);
  assert.equal(valueOf(second, 'rx_power', '11'), -40);
  assert.equal(valueOf(second, 'oper_up', '11'), 0);
  device.degrade('10', 0);
  device.setLinkDown('11', false);
});

test('a device that keeps paging: the --More-- prompts are answered and erased', { timeout: 20_000 }, async () => {
  const caps = await poller.poll(targetOf(lab.device('lab-xr-paging')!));
  for (const c of caps) {
    assert.equal(c.error, null, c.error?.message);
    assert.ok(!/more/i.test(c.output!), 'no pager prompt left in the output');
    assert.match(c.output!, /Transceiver Vendor Details/, 'output after the first page is there');
    assert.equal(c.values.find((v) => v.name === 'module_voltage')?.unit, 'volts');
  }
});

test('host key pinned on first use, a changed key refused with SSH_HOSTKEY_CHANGED', { timeout: 20_000 }, async () => {
  const device = lab.device('lab-saos-rekey')!;
  assert.equal((await poller.poll(targetOf(device)))[0].error, null);
  const pinned = await readFile(knownHostsFile, 'utf8');
  assert.match(pinned, new RegExp(`^\\[127\\.0\\.0\\.1\\]:${device.port} ssh-ed25519 AAAA`, 'm'));
  await applySshScenario(lab, { deviceId: device.deviceId, replaceHostKey: true });
  const caps = await poller.poll(targetOf(device));
  assert.ok(caps.length > 0);
  for (const c of caps) {
    assert.equal(c.error?.code, 'SSH_HOSTKEY_CHANGED');
    assert.match(c.error.message, /device lab-saos-rekey .*SHA256:/);
    assert.equal(c.output, null);
  }
  assert.equal(await readFile(knownHostsFile, 'utf8'), pinned, 'the pinned key is not overwritten');
});

test('bad input: wrong password, silent device, garbage output, rejected command, closed port, unknown platform', { timeout: 30_000 }, async () => {
  const moody = lab.device('lab-junos-moody')!;
  const auth = await poller.poll(targetOf(moody, { password: 'wrong' }));
  assert.equal(auth[0].error?.code, 'SSH_AUTH');
  assert.match(auth[0].error.message, /device lab-junos-moody/);
  assert.ok(!auth[0].error.message.includes('wrong'), 'the password never appears in an error');

  moody.setMode('garbage');
  const garbage = await poller.poll(targetOf(moody));
  assert.equal(garbage[0].error?.code, 'CLI_PARSE');
  [...auth, ...garbage].forEach(roundTrips);
  assert.match(garbage[0].error.message, /device lab-junos-moody command "show interfaces diagnostics optics/);
  assert.match(garbage[0].output!, /backend not responding/, 'the unexpected output is kept for study');

  moody.setMode('silent');
  const silent = await poller.poll(targetOf(moody));
  assert.equal(silent[0].error?.code, 'SSH_COMMAND_TIMEOUT');
  moody.setMode('normal');
  const recovered = await poller.poll(targetOf(moody));
  assert.equal(recovered[0].error, null, 'a timed-out session is replaced by a fresh login');

  const saos = lab.device('lab-saos-1')!;
  const mixed = await poller.poll(targetOf(saos, { ports: ['9', '99'] }));
  assert.equal(mixed.find((c) => c.command.includes('port 9 '))?.error, null);
  const rejected = mixed.find((c) => c.command.includes('port 99 '))!;
  assert.equal(rejected.error?.code, 'CLI_ERROR');
  assert.match(rejected.error.message, /SHELL PARSER FAILURE/);

  const closedPort = await findFreeTcpPort();
  const refused = await poller.poll(targetOf(moody, { deviceId: 'gone', port: closedPort }));
  assert.equal(refused[0].error?.code, 'SSH_CONNECT');
  assert.match(refused[0].error.message, /device gone .*ECONNREFUSED/);

  const unknown = await poller.poll(targetOf(moody, { platform: 'vrp' }));
  assert.equal(unknown[0].error?.code, 'SSH_PLATFORM_UNKNOWN');
  const noPorts = await poller.poll(targetOf(saos, { ports: [] }));
  assert.equal(noPorts[0].error?.code, 'SSH_TARGET_INVALID');
});

test('CLI injection: a port name with a newline never reaches the device', { timeout: 10_000 }, async () => {
  const device = lab.device('lab-saos-1')!;
  const before = device.stats();
  const caps = await poller.poll(targetOf(device, { ports: ['9', '10\nconfiguration reset'] }));
  assert.equal(caps.length, 1);
  assert.equal(caps[0].error?.code, 'SSH_TARGET_INVALID');
  assert.match(caps[0].error.message, /^device lab-saos-1: port name "10\\nconfiguration reset" is not a SAOS port number/);
  assert.equal(caps[0].output, null);
  assert.deepEqual(device.stats(), before, 'refused before any login');
  roundTrips(caps[0]);
});

test('the collector logs in with the stored credential ssh.credential names, uses one stored after it started, and never a password written into the label', { timeout: 30_000 }, async () => {
  const d = lab.device('lab-junos-creds')!;
  const env = { OC_CREDENTIALS_KEY: generateCredentialKey(), OC_CREDENTIALS_FILE: path.join(tmp, 'credentials.enc.json') };
  const credentials = openCredentialStoreFromEnv(env).store; // as the collector role opens it at start
  const config = loadConfig(collectorSettings, { ICMP_ENABLED: 'false', SSH_KNOWN_HOSTS_FILE: path.join(tmp, 'plan_known_hosts'), COLLECTOR_ID: 'c-plan' });
  const plans = buildProtocolPlans(config, { logger, credentials });
  try {
    const ssh = plans.find((p) => p.protocol === 'ssh')!;
    const device: Device = {
      deviceId: d.deviceId, hostname: d.deviceId, address: d.address, site: 'lab', role: 'edge', platform: 'junos', vendor: 'juniper', status: 'active', tags: [],
      labels: { 'ssh.credential': 'lab/junos-creds/ssh', 'ssh.port': String(d.port) }, snmp: null, updatedAt: 0,
    };
    assert.equal(ssh.applies(device), true);
    assert.deepEqual(await ssh.poll(device), [], 'not in the store yet: no login attempted');
    assert.equal(d.stats().connections, 0);

    await runCredentialsCommand(['put', 'lab/junos-creds/ssh'], env, () => undefined, async () => JSON.stringify({ kind: 'ssh-password', username: d.username, password: d.password }));
    const readings = await eventually('the collector polls with the credential stored after it started', async () => {
      const r = await ssh.poll(device);
      return r.length > 0 ? r : undefined;
    }, 10_000, 300);
    for (const r of readings) assert.equal((r.value as RawSshCapture).error, null);
    const connections = d.stats().connections;

    const literal = { ...device, deviceId: 'lab-junos-literal', labels: { ...device.labels, 'ssh.credential': `login:${d.username}:${d.password}` } };
    assert.deepEqual(await ssh.poll(literal), [], 'a password in the label is not used');
    assert.equal(d.stats().connections, connections, 'no login was tried with it');
  } finally {
    plans.forEach((p) => p.close());
  }
});
