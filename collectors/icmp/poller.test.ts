// The ICMP poller through the kernel, against the lab: loopback targets, a namespace with a real
// iptables random drop, a TUN responder adding delay, and an address nobody holds. Plus fake
// fping binaries for output damage and a missing fping. The lab's namespaces (and with them
// their veths, routes, rules and TUN devices) are removed in after() even when a test fails, and
// startIcmpLab sweeps those of runs killed before they could clean up.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import client from 'prom-client';
import { createLogger } from '../../common/log.js';
import { schemaFor } from '../../schemas/index.js';
import { avroTypeFor } from '../../schemas/logical-types.js';
import { startIcmpLab, type IcmpLab } from '../../infra/lab/icmp/icmp-lab.js';
import { applyIcmpScenario } from '../../infra/lab/icmp/scenarios.js';
import { createIcmpPoller } from './poller.js';

const logger = createLogger({ test: 'icmp-poller' }, 'error');
const rawIcmp = avroTypeFor(schemaFor('telemetry.raw.icmp'));
const roundTrips = (r: object) => assert.deepEqual(JSON.parse(JSON.stringify(rawIcmp.fromBuffer(rawIcmp.toBuffer(r)))), r);
let lab: IcmpLab;
// Namespaces, veths, iptables and TUN devices need root (the project's machines run tests as root).
const needsRoot = process.getuid?.() === 0 ? false : 'needs root for network namespaces';
let tmp: string;

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'oc-icmp-'));
  lab = await startIcmpLab({ paths: needsRoot ? 0 : 1, loopbackTargets: 3, logger });
});

after(async () => {
  await lab?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
  const left = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  assert.ok(!left.includes(`oc-icmp-${process.pid}-`), `namespaces left behind: ${left}`);
});

async function runsCounted(): Promise<number> {
  const m = await client.register.getSingleMetric('oc_icmp_fping_runs_total')!.get();
  return m.values.reduce((a, v) => a + v.value, 0);
}

test('loopback targets: no loss, sub-ms RTT, one fping run for polls arriving together', { timeout: 20_000 }, async () => {
  const poller = createIcmpPoller({ collectorId: 'c1', logger, count: 5, periodMs: 20, timeoutMs: 500 });
  try {
    const runsBefore = await runsCounted();
    const probes = await Promise.all(lab.loopbackTargets.map((address, i) => poller.poll({ deviceId: `lo-${i}`, address })));
    assert.equal((await runsCounted()) - runsBefore, 1, 'the three polls shared one fping process');
    for (const [i, p] of probes.entries()) {
      assert.equal(p.error, null);
      assert.equal(p.deviceId, `lo-${i}`);
      assert.equal(p.collectorId, 'c1');
      assert.equal(p.target, lab.loopbackTargets[i]);
      assert.equal(p.sent, 5);
      assert.equal(p.received, 5);
      assert.equal(p.rttsMs.length, 5);
      assert.ok(p.rttMinMs! <= p.rttAvgMs! && p.rttAvgMs! <= p.rttMaxMs!);
      assert.ok(p.rttMaxMs! < 20, `loopback RTT ${p.rttMaxMs} ms`);
      assert.equal(typeof p.jitterMs, 'number');
      assert.ok(Math.abs(p.sentAt - Date.now()) < 5_000);
    }
  } finally {
    poller.close();
  }
});

test('30 % iptables drop in a namespace: measured loss within a plausible band', { timeout: 30_000, skip: needsRoot }, async () => {
  const p = lab.paths[0];
  const [state] = await applyIcmpScenario(lab, { path: p.name, loss: 0.3 });
  assert.equal(state.loss, 0.3);
  const poller = createIcmpPoller({ collectorId: 'c1', logger, count: 300, periodMs: 5, timeoutMs: 500 });
  try {
    const [probe] = await poller.probeMany([{ deviceId: 'ns-router', address: p.routerAddress }]);
    assert.equal(probe.error, null);
    assert.equal(probe.sent, 300);
    const loss = 1 - probe.received / probe.sent;
    // Binomial(300, 0.3): sd ≈ 2.6 %, the band is ± 3.8 sd.
    assert.ok(loss > 0.2 && loss < 0.4, `measured loss ${loss}`);
    assert.equal(probe.rttsMs.filter((r) => r === null).length, probe.sent - probe.received);
  } finally {
    poller.close();
    await p.setLoss(0);
  }
});

test('TUN responder with 50 ms delay: average RTT ≈ 50 ms', { timeout: 20_000, skip: needsRoot }, async () => {
  const p = lab.paths[0];
  await p.setDelay(50, 0);
  const poller = createIcmpPoller({ collectorId: 'c1', logger, count: 10, periodMs: 100, timeoutMs: 1_000 });
  try {
    const [probe] = await poller.probeMany([{ deviceId: 'slow', address: p.delayedAddress(3) }]);
    assert.equal(probe.error, null);
    assert.equal(probe.received, 10);
    assert.ok(probe.rttMinMs! >= 49, `min RTT ${probe.rttMinMs}`);
    assert.ok(probe.rttAvgMs! >= 49 && probe.rttAvgMs! < 60, `avg RTT ${probe.rttAvgMs}`);
    // The router of the same path is answered by the kernel: the delay is only behind the TUN.
    const [direct] = await poller.probeMany([{ deviceId: 'router', address: p.routerAddress }]);
    assert.ok(direct.rttAvgMs! < 10, `router RTT ${direct.rttAvgMs}`);
  } finally {
    poller.close();
    await p.setDelay(0, 0);
  }
});

test('unreachable target: 100 % loss, coded ICMP_NO_REPLY; a bad address is coded alone', { timeout: 20_000, skip: needsRoot }, async () => {
  const p = lab.paths[0];
  const poller = createIcmpPoller({ collectorId: 'c1', logger, count: 3, periodMs: 50, timeoutMs: 300 });
  try {
    const [silent, bad, good] = await poller.probeMany([
      { deviceId: 'gone', address: p.silentAddress },
      { deviceId: 'typo', address: 'router-7.example' },
      { deviceId: 'lo', address: '127.0.0.1' },
    ]);
    assert.equal(silent.sent, 3);
    assert.equal(silent.received, 0);
    assert.deepEqual(silent.rttsMs, [null, null, null]);
    assert.equal(silent.rttAvgMs, null);
    assert.equal(silent.error?.code, 'ICMP_NO_REPLY');
    assert.match(silent.error.message, /device gone/);
    assert.equal(bad.error?.code, 'ICMP_BAD_TARGET');
    assert.match(bad.error.message, /device typo/);
    assert.equal(good.error, null);
    assert.equal(good.received, 3);
    // Readings and failures alike encode as telemetry.raw.icmp records.
    [silent, bad, good].forEach(roundTrips);
  } finally {
    poller.close();
  }
});

test('fping output damaged for one target, a target fping rejects, and no fping at all', { timeout: 20_000 }, async () => {
  const fake = path.join(tmp, 'fake-fping');
  await writeFile(
    fake,
    ['#!/bin/sh', 'cat > /dev/null', "echo '127.0.0.1 : 0.1 0.2 0.3' >&2", "echo '127.0.0.2 : 0.1 garbage 0.3' >&2", "echo '127.0.0.3: Address family not supported' >&2", 'exit 1', ''].join('\n'),
  );
  await chmod(fake, 0o755);
  const poller = createIcmpPoller({ collectorId: 'c1', logger, count: 3, fpingPath: fake });
  const missing = createIcmpPoller({ collectorId: 'c1', logger, fpingPath: path.join(tmp, 'no-such-fping') });
  try {
    const [ok, damaged, rejected, absent] = await poller.probeMany(['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'].map((address, i) => ({ deviceId: `d${i}`, address })));
    assert.equal(ok.error, null);
    assert.deepEqual(ok.rttsMs, [0.1, 0.2, 0.3]);
    assert.equal(damaged.error?.code, 'ICMP_MALFORMED_OUTPUT');
    assert.match(damaged.error.message, /device d1 .*garbage/);
    assert.equal(rejected.error?.code, 'ICMP_TARGET_REJECTED');
    assert.match(rejected.error.message, /Address family not supported/);
    assert.equal(absent.error?.code, 'ICMP_TARGET_REJECTED');
    const [none] = await missing.probeMany([{ deviceId: 'x', address: '127.0.0.1' }]);
    assert.equal(none.error?.code, 'ICMP_FPING_MISSING');
  } finally {
    poller.close();
    missing.close();
  }
});

test('close() answers pending polls with ICMP_CANCELLED instead of leaving them hanging', { timeout: 10_000 }, async () => {
  const poller = createIcmpPoller({ collectorId: 'c1', logger, count: 20, periodMs: 200, batchWindowMs: 1_000 });
  const pending = poller.poll({ deviceId: 'lo', address: '127.0.0.1' });
  poller.close();
  assert.equal((await pending).error?.code, 'ICMP_CANCELLED');
});
