// Interface utilisation and admin status from the lab's agents, collector to analysis: the lab's
// counters move at planned rates on ports of known speed, so utilisation is known in advance, and
// the lab has a port shut by an operator (admin down) beside ports that are up.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createLogger } from '../common/log.js';
import { startLab, type Lab, type LabDevice } from '../infra/lab/lab.js';
import { findFreeUdpPort } from '../infra/lab/ports.js';
import { projectRoot } from '../bin/supervisor.js';
import { createSnmpPoller, type SnmpPoller } from '../collectors/snmp/poller.js';
import { normalizeSnmp, type SnmpDeviceState } from '../processors/normalize/snmp.js';
import { analyseBatch, type DeviceAnalysisState } from '../processors/anomaly/analyse.js';
import { analysisConfig } from '../processors/anomaly/config.js';
import type { AnomalyEvent, MetricBatch } from '../schemas/types.js';

const logger = createLogger({ test: 'interface-utilisation' }, 'error');
let lab: Lab;
let dataDir: string;
let poller: SnmpPoller;

before(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'oc-utilisation-'));
  lab = await startLab({ root: projectRoot, dataDir, devices: 3, interfaces: 4, snmpPort: await findFreeUdpPort(), httpPort: 0, venvBin: path.join(projectRoot, '.cache/venv/bin'), recordedWalks: [], snmpAgent: 'node', logger });
  poller = createSnmpPoller({ timeoutMs: 1_500, retries: 1, maxRepetitions: 25, collectorId: 'test-collector', logger });
});

after(async () => {
  poller?.close();
  await lab?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const targetOf = (d: LabDevice) => ({ deviceId: d.deviceId, address: d.address, port: d.port, version: 'v2c' as const, community: d.community });

/** Two polls of the interfaces profile 2 s apart, normalised as the processor does. */
async function twoPolls(device: LabDevice): Promise<MetricBatch[]> {
  let state: SnmpDeviceState | undefined;
  const batches: MetricBatch[] = [];
  for (let i = 0; i < 2; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 2_000));
    const r = normalizeSnmp(state, await poller.poll(targetOf(device), 'interfaces'));
    state = r.state;
    batches.push(r.batch);
  }
  return batches;
}

test('utilisation in and out of every lab port is its planned rate over its ifHighSpeed', { timeout: 30_000 }, async () => {
  const device = lab.devices[0];
  const [, second] = await twoPolls(device);
  let checked = 0;
  for (const i of device.interfaces) {
    for (const [metric, bps] of [['if_in_util_pct', i.inBps], ['if_out_util_pct', i.outBps]] as const) {
      const s = second.samples.find((x) => x.metric === metric && x.labels.ifName === i.name);
      assert.ok(s, `${device.deviceId} ${i.name}: ${metric}`);
      const planned = (bps / (i.highSpeedMbps * 1e6)) * 100;
      // The poll's clock and the agent's differ by the request's flight time: a few percent of 2 s.
      assert.ok(Math.abs(s.value - planned) <= planned * 0.05 + 1e-9, `${i.name} ${metric} ${s.value} % vs planned ${planned} %`);
      checked++;
    }
  }
  assert.equal(checked, device.interfaces.length * 2);
});

test('a port the lab shut reads admin down, and neither it nor its darkness opens an anomaly; a low utilisation limit does', { timeout: 30_000 }, async () => {
  const device = lab.devices.find((d) => d.interfaces.some((i) => i.adminStatus === 'down'));
  assert.ok(device, 'the 3-device lab has a shut port (lab-r2, first slot)');
  const shutPort = device.interfaces.find((i) => i.adminStatus === 'down')!;
  const batches = await twoPolls(device);
  const admin = (name: string) => batches[1].samples.find((s) => s.metric === 'if_admin_up' && s.labels.ifName === name)?.value;
  assert.equal(admin(shutPort.name), 0);
  for (const i of device.interfaces.filter((x) => x.adminStatus === 'up')) assert.equal(admin(i.name), 1, i.name);

  // Every port required down-after-up otherwise: the shut port is still left alone. The
  // utilisation limit is set below the lab's traffic, so every busy port crosses it.
  const config = analysisConfig({ rules: { interfaceDown: { requireSeenUp: false }, utilisationHigh: { thresholdPercent: 0.0001, forPolls: 1 } } });
  let state: DeviceAnalysisState | undefined;
  const anomalies: AnomalyEvent[] = [];
  for (const b of batches) {
    const r = analyseBatch(state, b, config);
    state = r.deviceState;
    anomalies.push(...r.anomalies);
  }
  const opened = (detector: string) => anomalies.filter((a) => a.state === 'OPEN' && a.detector === detector).map((a) => a.labels.ifName).sort();
  assert.deepEqual(opened('rule:interface-down'), [], JSON.stringify(anomalies.map((a) => a.reason)));
  const busy = device.interfaces.filter((i) => i.operStatus === 'up').map((i) => i.name);
  assert.deepEqual([...new Set(opened('rule:utilisation-high'))], [...busy].sort());
});
