// Interface utilisation and admin status from the lab's agents, collector to analysis: the lab's
// counters move at planned rates on ports of known speed, so utilisation is known in advance, and
// the lab has a port shut by an operator (admin down) beside ports that are up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabDevice } from '../infra/lab/lab.js';
import { normalizeSnmp, type SnmpDeviceState } from '../processors/normalize/snmp.js';
import { analyseBatch, type DeviceAnalysisState } from '../processors/anomaly/analyse.js';
import { analysisConfig } from '../processors/anomaly/config.js';
import type { AnomalyEvent, MetricBatch } from '../schemas/types.js';
import { startSnmpLab, type SnmpLab } from './snmp-lab.js';

/** Two polls of the interfaces profile 2 s apart, normalised as the processor does. */
async function twoPolls({ poller, targetOf }: SnmpLab, device: LabDevice): Promise<MetricBatch[]> {
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

test('utilisation in and out of every lab port is its planned rate over its ifHighSpeed', { timeout: 30_000 }, async (t) => {
  const snmp = await startSnmpLab(t, { devices: 3, interfaces: 4 });
  const device = snmp.lab.devices[0];
  const [, second] = await twoPolls(snmp, device);
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

test('a port the lab shut reads admin down, and neither it nor its darkness opens an anomaly; a low utilisation limit does', { timeout: 30_000 }, async (t) => {
  const snmp = await startSnmpLab(t, { devices: 3, interfaces: 4 });
  const device = snmp.lab.devices.find((d) => d.interfaces.some((i) => i.adminStatus === 'down'));
  assert.ok(device, 'the 3-device lab has a shut port (lab-r2, first slot)');
  const shutPort = device.interfaces.find((i) => i.adminStatus === 'down')!;
  const batches = await twoPolls(snmp, device);
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
