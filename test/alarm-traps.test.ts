// The lab's equipment and optical alarm scenarios end to end: the device's platform notification
// (ciscoEnvMonFanNotification from an IOS-XR box, jnxDomAlarmSet / Cleared from a Junos one) →
// traps role → telemetry.raw.trap → processor → the anomaly opens at once and closes when the
// device says the fault is gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabDevice } from '../infra/lab/lab.js';
import { readAnomalies } from './anomaly-reader.js';
import { eventually } from './env.js';
import { startTestPipeline } from './pipeline-fixture.js';

test('fan and optical loss-of-signal traps open and close their anomalies', { timeout: 240_000 }, async (t) => {
  const runDir = mkdtempSync(join(tmpdir(), 'oc-alarm-traps-'));
  const analysisFile = join(runDir, 'analysis.yaml');
  writeFileSync(analysisFile, 'lifecycle:\n  closeQuietPolls: 50\n'); // only the traps close here
  const { pipeline, topicPrefix } = await startTestPipeline(t, 'alarmtraps', { runDir, labDevices: 2, traps: true, processorEnv: { ANALYSIS_CONFIG_FILE: analysisFile } });
  const anomalies = await readAnomalies(t, topicPrefix, 'alarm-traps');
  const devices = (await (await fetch(`${pipeline.labUrl}/devices`)).json()) as LabDevice[];
  const cisco = devices.find((d) => d.platform === 'cisco-iosxr')!;
  const junos = devices.find((d) => d.platform === 'juniper-junos')!;
  assert.ok(cisco && junos, 'the lab has a device of each');
  const alarm = async (body: object) => {
    const res = await fetch(`${pipeline.labUrl}/scenarios/snmp`, { method: 'POST', body: JSON.stringify({ alarm: body }) });
    assert.equal(res.status, 200, await res.text());
  };
  const event = (deviceId: string, detector: string, state: string, seriesKey?: string) => () =>
    anomalies.find((e) => e.deviceId === deviceId && e.detector === detector && e.state === state && (seriesKey === undefined || e.seriesKey === seriesKey));
  // lab-r1 (IOS-XR) is polled with env-cisco, whose fan 4 the lab serves as failed: fan 2 here.
  const fan2 = `${cisco.deviceId}/env_fan_state{sensor=2}`;

  await alarm({ deviceId: cisco.deviceId, fan: 2, failed: true });
  const fan = await eventually('the fan anomaly', event(cisco.deviceId, 'rule:fan-failed', 'OPEN', fan2), 30_000, 50);
  assert.match(fan.reason, /^Fan Tray 2 state 3 \(ciscoEnvMonFanNotification V2C trap\)/);
  await alarm({ deviceId: cisco.deviceId, fan: 2, failed: false });
  const fanBack = await eventually('the fan anomaly closed', event(cisco.deviceId, 'rule:fan-failed', 'CLOSE', fan2), 30_000, 50);
  assert.equal(fanBack.anomalyId, fan.anomalyId);
  assert.ok(event(cisco.deviceId, 'rule:fan-failed', 'OPEN', `${cisco.deviceId}/env_fan_state{sensor=4}`)(), 'the failed fan the polls read opened its anomaly too (the built-in rule file)');

  // Loss of signal names the Rx series the device's optics polls report: sent until one exists.
  // (Other ports of the lab may read low and be open already: this one's series is the proof.)
  const port = junos.interfaces[0];
  const rx = (state: string) => () => anomalies.find((e) => e.deviceId === junos.deviceId && e.detector === 'rule:optical-rx-low' && e.state === state && e.labels.ifName === port.name);
  const los = await eventually('the loss-of-signal anomaly', async () => {
    await alarm({ deviceId: junos.deviceId, ifName: port.name, failed: true });
    await new Promise((r) => setTimeout(r, 500));
    return rx('OPEN')();
  }, 60_000, 1_000);
  assert.equal(los.severity, 'CRITICAL');
  assert.match(los.reason, /receive loss of signal \(jnxDomAlarmSet\) \(V2C trap\)/);
  await alarm({ deviceId: junos.deviceId, ifName: port.name, failed: false });
  const losBack = await eventually('the loss of signal cleared', rx('CLOSE'), 30_000, 50);
  assert.equal(losBack.anomalyId, los.anomalyId);
  assert.match(losBack.reason, /optical alarms cleared \(V2C trap\)/);
});
