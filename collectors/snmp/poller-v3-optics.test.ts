// SNMPv3 at every security level against snmpsim's USM (pysnmp), wrong v3 credentials as coded
// SNMP_AUTH failures, per-device timeout and retries, the optical DOM profile of each lab
// platform, and a recorded walk of a real Linux agent that nobody here modelled.

import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { createLogger } from '../../common/log.js';
import { startLab, type Lab, type LabDevice } from '../../infra/lab/lab.js';
import { NO_LIGHT_DBM } from '../../infra/lab/optics.js';
import { OPTICS_PROFILES } from '../../infra/lab/optics.js';
import { findFreeUdpPort } from '../../infra/lab/ports.js';
import { LAB_V3_USERS, labV3User } from '../../infra/lab/v3-users.js';
import type { SnmpV3Credential } from '../../credentials/credential-types.js';
import { opticalLevels } from '../../devices/optical-dom.js';
import { createSnmpPoller, type SnmpPoller } from './poller.js';
import { PROFILES } from './profiles.js';
import type { SnmpV3Target } from './types.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const logger = createLogger({ test: 'snmp-v3-optics' }, 'error');
let lab: Lab;
let dataDir: string;
let poller: SnmpPoller;

before(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'oc-snmp-v3-'));
  lab = await startLab({ root, dataDir, devices: 3, interfaces: 4, snmpPort: await findFreeUdpPort(), httpPort: 0, venvBin: path.join(root, '.cache/venv/bin'), recordedWalks: ['linux-full-walk'], logger });
  poller = createSnmpPoller({ timeoutMs: 1_500, retries: 0, maxRepetitions: 25, collectorId: 'test-collector', logger });
});

after(async () => {
  poller?.close();
  await lab?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function v3Target(d: LabDevice, c: SnmpV3Credential, deviceId = `${d.deviceId}-${c.user}`): SnmpV3Target {
  const { user, authProtocol, authKey, privProtocol, privKey } = c;
  return { deviceId, address: d.address, port: d.port, version: 'v3', user, authProtocol, authKey, privProtocol, privKey, context: d.v3Context };
}

test('v3: noAuthNoPriv, authNoPriv and authPriv with SHA-1/SHA-2 and AES-128/256 all read the device', { timeout: 30_000 }, async () => {
  assert.ok(LAB_V3_USERS.some((u) => u.level === 'authPriv') && lab.v3Users.length === LAB_V3_USERS.length, 'the lab serves authPriv users (python "cryptography" present)');
  const device = lab.devices[0];
  for (const u of lab.v3Users) {
    const system = await poller.poll(v3Target(device, u.credential), 'system');
    assert.equal(system.error, null, `${u.credential.user}: ${system.error?.message}`);
    assert.equal(system.values.find((v) => v.name === 'sysName')?.text, device.hostname, u.credential.user);
  }
  const walk = await poller.poll(v3Target(device, labV3User('lab-sha256-aes').credential), 'interfaces');
  assert.equal(walk.error, null);
  assert.equal(walk.values.length, device.interfaces.length * PROFILES.interfaces.columns.length);
  // the context selects the simulated device
  const other = await poller.poll({ ...v3Target(lab.devices[1], labV3User('lab-sha-aes').credential) }, 'system');
  assert.equal(other.values.find((v) => v.name === 'sysName')?.text, lab.devices[1].hostname);
});

// (An authPriv request for a user pysnmp knows as authNoPriv is dropped without a report: that one is a
// timeout, and the poller's timeout message says an agent may drop bad v3 credentials silently.)
test('v3: wrong auth key, wrong priv key and unknown user are SNMP_AUTH with the usmStats cause, no key in the message', { timeout: 20_000 }, async () => {
  const device = lab.devices[1];
  const good = labV3User('lab-sha256-aes').credential;
  const cases: [SnmpV3Credential, RegExp][] = [
    [{ ...good, authKey: 'wrong-auth-passphrase' }, /usmStatsWrongDigests/],
    [{ ...good, privKey: 'wrong-priv-passphrase' }, /usmStatsDecryptionErrors/],
    [{ ...good, user: 'nobody-here' }, /usmStatsUnknownUserNames/],
  ];
  for (const [credential, cause] of cases) {
    const started = Date.now();
    const reading = await poller.poll(v3Target(device, credential, `bad-${credential.user}`), 'system');
    assert.equal(reading.error?.code, 'SNMP_AUTH', `${credential.user}: ${reading.error?.code} ${reading.error?.message}`);
    assert.match(reading.error.message, cause);
    assert.match(reading.error.message, /bad-/); // names the device
    for (const secret of [credential.authKey, credential.privKey]) if (secret) assert.ok(!reading.error.message.includes(secret));
    assert.ok(Date.now() - started < 1_500, 'a report answers at once: no timeout');
  }
  // the good credential still works on the same poller afterwards
  assert.equal((await poller.poll(v3Target(device, good), 'system')).error, null);
});

test('per-device timeout and retries override the poller defaults', { timeout: 20_000 }, async () => {
  const silent = dgram.createSocket('udp4');
  let requests = 0;
  silent.on('message', (msg) => (requests += msg.length > 0 ? 1 : 0)); // the unreachability probe is empty
  await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
  try {
    const target = { deviceId: 'silent-v3', address: '127.0.0.1', port: silent.address().port, version: 'v3' as const, user: 'x', authProtocol: 'none' as const, privProtocol: 'none' as const, timeoutMs: 200, retries: 2 };
    const started = Date.now();
    const reading = await poller.poll(target, 'system');
    const took = Date.now() - started;
    assert.equal(reading.error?.code, 'SNMP_TIMEOUT');
    assert.match(reading.error.message, /200 ms × 3 attempt/);
    assert.equal(requests, 3);
    // Three attempts of 200 ms cannot end sooner; the upper side is the message's "200 ms × 3",
    // not a clock (a loaded machine stretches it).
    assert.ok(took >= 550, `took ${took} ms`);
  } finally {
    silent.close();
  }
});

test('optics: each platform answers its DOM profile, and the levels decode near the planned dBm', { timeout: 30_000 }, async () => {
  for (const device of lab.devices) {
    for (const profile of OPTICS_PROFILES[device.platform]) {
      const reading = await poller.poll({ deviceId: device.deviceId, address: device.address, port: device.port, version: 'v2c', community: device.community }, profile);
      assert.equal(reading.error, null, `${device.platform} ${profile}`);
      const levels = opticalLevels(reading);
      assert.equal(levels.length, device.interfaces.length * 2, `${device.platform} ${profile}: one rx and one tx level per port`);
      for (const [position, iface] of device.interfaces.entries()) {
        for (const direction of ['rx', 'tx'] as const) {
          const index = profile.startsWith('optics-juniper') || profile === 'optics-ciena' ? String(iface.index) : String(iface.optics.sensorIndex[direction]);
          const level = levels.find((l) => l.index === index && l.direction === direction);
          assert.ok(level, `${device.deviceId} ${profile} port ${position} ${direction}`);
          const planned = direction === 'rx' ? iface.optics.rxDbm : iface.optics.txDbm;
          if (planned === NO_LIGHT_DBM) {
            assert.ok(level.dbm === null || level.dbm === NO_LIGHT_DBM, `dark port reads ${level.dbm}`);
            continue;
          }
          const slack = iface.optics.amplitudeDb + 0.11; // the sine, plus a tenth of dBm of rounding
          assert.ok(level.dbm !== null && Math.abs(level.dbm - planned) <= slack, `${device.deviceId} ${profile} ${iface.name} ${direction}: ${level.dbm} dBm, planned ${planned} ± ${slack}`);
        }
      }
    }
  }
});

test('a recorded walk of a real Linux agent reads through the system and interfaces profiles', { timeout: 20_000 }, async () => {
  const agent = lab.recorded.find((r) => r.name === 'linux-full-walk')!;
  const target = { deviceId: 'recorded-linux', address: agent.address, port: agent.port, version: 'v2c' as const, community: agent.community };
  const system = await poller.poll(target, 'system');
  assert.equal(system.error, null);
  assert.equal(typeof system.sysUpTime, 'number');
  assert.ok(system.values.find((v) => v.name === 'sysName')?.text);
  const ifs = await poller.poll(target, 'interfaces');
  assert.equal(ifs.error, null, ifs.error?.message);
  const names = ifs.values.filter((v) => v.name === 'ifName').map((v) => v.text);
  assert.ok(names.includes('lo') && names.includes('eth0'), `ifName: ${names.join(', ')}`);
  const hc = ifs.values.filter((v) => v.name === 'ifHCInOctets');
  assert.ok(hc.length >= 2 && hc.every((v) => v.kind === 'COUNTER64' && typeof v.counter === 'bigint'));
  assert.equal(typeof ifs.sysUpTime, 'number');
});

test('v3: an agent restarted with a new engine id is rediscovered within the same poll', { timeout: 40_000 }, async () => {
  const port = await findFreeUdpPort();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'oc-snmp-v3-restart-'));
  const users = [labV3User('lab-sha256-aes')];
  const start = () => startLab({ root, dataDir: dir, devices: 1, interfaces: 2, snmpPort: port, httpPort: 0, venvBin: path.join(root, '.cache/venv/bin'), v3Users: users, logger });
  let small = await start();
  try {
    const target = v3Target(small.devices[0], users[0].credential, 'restarting');
    assert.equal((await poller.poll(target, 'system')).error, null);
    await small.close();
    small = await start(); // snmpsim picks a new engine id ("auto") and starts its boots/time over
    const after = await poller.poll(target, 'system');
    assert.equal(after.error, null, after.error?.message);
    assert.equal(after.values.find((v) => v.name === 'sysName')?.text, small.devices[0].hostname);
  } finally {
    await small.close();
    await rm(dir, { recursive: true, force: true });
  }
});
