// The poller against the real snmpsim lab, and against UDP endpoints that misbehave on purpose
// (silent, closed, answering junk, answering with the wrong PDU).

import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import client from 'prom-client';
import { createLogger } from '../../common/log.js';
import { startLab, type Lab, type LabDevice } from '../../infra/lab/lab.js';
import { findFreeUdpPort } from '../../infra/lab/ports.js';
import { createSnmpPoller, type SnmpPoller } from './poller.js';
import { PROFILES } from './profiles.js';
import type { RawSnmpPoll, SnmpTarget } from './types.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const logger = createLogger({ test: 'snmp-poller' }, 'error');
let lab: Lab;
let dataDir: string;
let poller: SnmpPoller;

before(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'oc-snmp-poller-'));
  lab = await startLab({ root, dataDir, devices: 3, interfaces: 6, snmpPort: await findFreeUdpPort(), httpPort: 0, venvBin: path.join(root, '.cache/venv/bin'), logger });
  poller = createSnmpPoller({ timeoutMs: 1_000, retries: 0, maxRepetitions: 25, collectorId: 'test-collector', logger });
});

after(async () => {
  poller?.close();
  await lab?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function targetOf(d: LabDevice, community = d.community): SnmpTarget {
  return { deviceId: d.deviceId, address: d.address, port: d.port, version: 'v2c', community };
}

function valuesByName(reading: RawSnmpPoll, name: string) {
  return new Map(reading.values.filter((v) => v.name === name).map((v) => [v.index, v]));
}

/** The agent's clock (centiseconds) in the answer that carried a value: later answers of a walk carry their own. */
function upTimeOf(reading: RawSnmpPoll, value: RawSnmpPoll['values'][number]): number {
  const at = reading.values.indexOf(value);
  let upTime = reading.sysUpTime!;
  for (const a of reading.responseUpTimes) if (a.firstValue <= at) upTime = a.sysUpTime;
  return upTime;
}

// A UDP endpoint under the test's control: `answer` decides what goes back for each request.
async function fakeAgent(answer: (request: Buffer) => Buffer | null): Promise<{ port: number; close(): Promise<void> }> {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    const reply = answer(msg);
    if (reply) socket.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return { port: socket.address().port, close: () => new Promise((r) => socket.close(() => r())) };
}

test('interfaces: every column of every interface, Counter64 as bigint moving at the planned rate', { timeout: 30_000 }, async () => {
  const device = lab.devices[0];
  const first = await poller.poll(targetOf(device), 'interfaces');
  assert.equal(first.error, null);
  assert.equal(first.deviceId, device.deviceId);
  assert.equal(first.collectorId, 'test-collector');
  assert.equal(first.profile, 'interfaces');
  assert.equal(typeof first.sysUpTime, 'number');
  assert.equal(first.values.length, device.interfaces.length * PROFILES.interfaces.columns.length);
  assert.ok(first.durationMs >= 0 && first.durationMs < 1_000);

  await new Promise((r) => setTimeout(r, 3_000));
  const second = await poller.poll(targetOf(device), 'interfaces');
  assert.equal(second.error, null);
  assert.ok(second.polledAt - first.polledAt >= 2_900);
  // The agent's own clock: sysUpTime moves at 100 cs/s on the same time base as the counters.
  const agentSeconds = (second.sysUpTime! - first.sysUpTime!) / 100;
  assert.ok(agentSeconds > 2.5 && agentSeconds < 4, `sysUpTime advanced ${agentSeconds}s`);

  const names = valuesByName(second, 'ifName');
  const inBefore = valuesByName(first, 'ifHCInOctets');
  const inAfter = valuesByName(second, 'ifHCInOctets');
  const outBefore = valuesByName(first, 'ifHCOutOctets');
  const outAfter = valuesByName(second, 'ifHCOutOctets');
  for (const planned of device.interfaces) {
    const index = String(planned.index);
    assert.equal(names.get(index)?.text, planned.name);
    assert.equal(valuesByName(second, 'ifHighSpeed').get(index)?.number, planned.highSpeedMbps);
    assert.equal(valuesByName(second, 'ifOperStatus').get(index)?.number, planned.operStatus === 'up' ? 1 : 2);
    assert.equal(valuesByName(second, 'ifAlias').get(index)?.text, planned.alias);
    const errors = valuesByName(second, 'ifInErrors').get(index)!;
    assert.equal(errors.kind, 'COUNTER32');
    assert.equal(typeof errors.counter, 'bigint');

    for (const [before, after_, bps] of [[inBefore, inAfter, planned.inBps], [outBefore, outAfter, planned.outBps]] as const) {
      const a = before.get(index)!;
      const b = after_.get(index)!;
      assert.equal(b.kind, 'COUNTER64');
      assert.equal(typeof b.counter, 'bigint');
      assert.equal(b.oid, `${PROFILES.interfaces.columns.find((c) => c.name === b.name)!.oid}.${index}`);
      // Each counter over the agent's clock of the answers that carried it: a walk's later answer
      // can come hundreds of ms later in one poll than in the other on a loaded machine.
      const measuredBps = (Number(b.counter! - a.counter!) * 8) / ((upTimeOf(second, b) - upTimeOf(first, a)) / 100);
      if (bps === 0) assert.equal(b.counter, a.counter);
      else assert.ok(Math.abs(measuredBps - bps) / bps < 0.05, `${planned.name} ${b.name}: measured ${measuredBps} bit/s, planned ${bps}`);
    }
  }
});

test('system: sysUpTime and sysName as values, sysUpTime on the reading', { timeout: 10_000 }, async () => {
  const device = lab.devices[1];
  const reading = await poller.poll(targetOf(device), 'system');
  assert.equal(reading.error, null);
  assert.deepEqual(reading.values.map((v) => [v.name, v.index, v.kind]), [
    ['sysUpTime', '0', 'TIMETICKS'],
    ['sysName', '0', 'OCTET_STRING'],
  ]);
  assert.equal(reading.values[1].text, device.hostname);
  assert.equal(reading.sysUpTime, reading.values[0].number);
});

test('a wrong community is a quick SNMP_TIMEOUT while a good device polled alongside succeeds', { timeout: 10_000 }, async () => {
  const quick = createSnmpPoller({ timeoutMs: 300, retries: 0, maxRepetitions: 10, collectorId: 'test-collector', logger, unreachableProbeMs: 100 });
  try {
    const started = Date.now();
    const [bad, good] = await Promise.all([
      quick.poll(targetOf(lab.devices[2], 'not-the-community'), 'interfaces'),
      quick.poll(targetOf(lab.devices[1]), 'interfaces'),
    ]);
    assert.equal(bad.error?.code, 'SNMP_TIMEOUT');
    assert.match(bad.error.message, /lab-r3/);
    assert.doesNotMatch(bad.error.message, /not-the-community/, 'the community never shows in a message');
    assert.deepEqual(bad.values, []);
    assert.equal(bad.sysUpTime, null);
    assert.ok(Date.now() - started < 2_000);
    assert.equal(good.error, null);
    assert.equal(good.values.length, lab.devices[1].interfaces.length * PROFILES.interfaces.columns.length);
  } finally {
    quick.close();
  }
});

test('a closed port is SNMP_UNREACHABLE; a silent endpoint is SNMP_TIMEOUT', { timeout: 10_000 }, async () => {
  const closedPort = await findFreeUdpPort();
  const refused = await poller.poll({ deviceId: 'closed', address: '127.0.0.1', port: closedPort, version: 'v2c', community: 'x' }, 'system');
  assert.equal(refused.error?.code, 'SNMP_UNREACHABLE');
  assert.match(refused.error.message, /ECONNREFUSED/);

  const silent = await fakeAgent(() => null);
  try {
    const reading = await poller.poll({ deviceId: 'silent', address: '127.0.0.1', port: silent.port, version: 'v2c', community: 'x' }, 'system');
    assert.equal(reading.error?.code, 'SNMP_TIMEOUT');
  } finally {
    await silent.close();
  }
});

test('junk replies are SNMP_MALFORMED and do not crash the poller', { timeout: 10_000 }, async () => {
  const junk = await fakeAgent(() => Buffer.from('this is not BER at all \x30\x82\xff\xff'));
  // Echoing the request back is valid BER with the right request id but a GetRequest PDU type.
  const echo = await fakeAgent((request) => request);
  try {
    const garbage = await poller.poll({ deviceId: 'junk', address: '127.0.0.1', port: junk.port, version: 'v2c', community: 'x' }, 'interfaces');
    assert.equal(garbage.error?.code, 'SNMP_MALFORMED');
    const echoed = await poller.poll({ deviceId: 'echo', address: '127.0.0.1', port: echo.port, version: 'v2c', community: 'x' }, 'system');
    assert.equal(echoed.error?.code, 'SNMP_MALFORMED');
    // still polling real devices afterwards
    assert.equal((await poller.poll(targetOf(lab.devices[0]), 'system')).error, null);
  } finally {
    await junk.close();
    await echo.close();
  }
});

test('close() ends polls in flight with SNMP_CANCELLED; unknown profiles are a config error', { timeout: 10_000 }, async () => {
  const silent = await fakeAgent(() => null);
  const closing = createSnmpPoller({ timeoutMs: 5_000, retries: 0, maxRepetitions: 10, collectorId: 'test-collector', logger });
  try {
    const inFlight = closing.poll({ deviceId: 'silent', address: '127.0.0.1', port: silent.port, version: 'v2c', community: 'x' }, 'system');
    await new Promise((r) => setTimeout(r, 50));
    closing.close();
    assert.equal((await inFlight).error?.code, 'SNMP_CANCELLED');
    await assert.rejects(poller.poll(targetOf(lab.devices[0]), 'no-such-profile'), { code: 'SNMP_CONFIG' });
  } finally {
    await silent.close();
  }
});

test('metrics count polls by result and code, and varbinds', { timeout: 5_000 }, async () => {
  const polls = await client.register.getSingleMetric('oc_snmp_polls_total')!.get();
  const count = (result: string, code: string) => polls.values.filter((v) => v.labels.result === result && v.labels.code === code).reduce((n, v) => n + v.value, 0);
  assert.ok(count('ok', 'none') >= 3);
  assert.ok(count('error', 'SNMP_TIMEOUT') >= 1);
  assert.ok(count('error', 'SNMP_MALFORMED') >= 1);
  const varbinds = await client.register.getSingleMetric('oc_snmp_varbinds_received_total')!.get();
  assert.ok(varbinds.values.reduce((n, v) => n + v.value, 0) > 0);
  const last = await client.register.getSingleMetric('oc_snmp_last_success_timestamp_seconds')!.get();
  assert.ok(last.values.some((v) => v.labels.device === lab.devices[0].deviceId));
});

test('walks that take many requests, or that the agent truncates, still return every row once', { timeout: 60_000 }, async () => {
  const expectedOids = (d: LabDevice) => PROFILES.interfaces.columns.flatMap((c) => d.interfaces.map((i) => `${c.oid}.${i.index}`)).sort();

  const small = createSnmpPoller({ timeoutMs: 1_000, retries: 0, maxRepetitions: 2, collectorId: 'test-collector', logger });
  try {
    const reading = await small.poll(targetOf(lab.devices[2]), 'interfaces');
    assert.equal(reading.error, null);
    assert.deepEqual(reading.values.map((v) => v.oid).sort(), expectedOids(lab.devices[2]));
  } finally {
    small.close();
  }

  // 40 interfaces × 11 columns at 25 repetitions is more than the lab's 256 varbinds a response.
  const bigDir = await mkdtemp(path.join(os.tmpdir(), 'oc-snmp-big-'));
  const big = await startLab({ root, dataDir: bigDir, devices: 1, interfaces: 40, snmpPort: await findFreeUdpPort(), httpPort: 0, venvBin: path.join(root, '.cache/venv/bin'), logger });
  try {
    const reading = await poller.poll(targetOf(big.devices[0]), 'interfaces');
    assert.equal(reading.error, null);
    assert.deepEqual(reading.values.map((v) => v.oid).sort(), expectedOids(big.devices[0]));
    assert.equal(typeof reading.sysUpTime, 'number');
  } finally {
    await big.close();
    await rm(bigDir, { recursive: true, force: true });
  }
});
