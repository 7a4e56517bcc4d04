// An optical power drop injected in the lab (an SSH device's receive power lowered below the
// receiver's sensitivity) is detected through the whole pipeline as one OPEN, and its recovery as
// one CLOSE of the same anomaly, on telemetry.anomalies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnomalyEvent } from '../schemas/types.js';
import { readAnomalies } from './anomaly-reader.js';
import { eventually, uniquePrefix } from './env.js';
import { startTestPipeline } from './pipeline-fixture.js';

test('an optical power drop in the lab opens one anomaly and its recovery closes it', { timeout: 300_000 }, async (t) => {
  const runDir = mkdtempSync(join(tmpdir(), 'oc-optical-'));
  // Close after two normal polls instead of the default two minutes, to keep the test short.
  const analysisFile = join(runDir, 'analysis.yaml');
  writeFileSync(analysisFile, 'lifecycle:\n  closeQuietPolls: 2\n  closeQuietMs: 5000\n');
  const prefix = uniquePrefix('optical');
  const { pipeline, client } = await startTestPipeline(t, 'optical', { runDir, topicPrefix: prefix, labDevices: 1, processorEnv: { ANALYSIS_CONFIG_FILE: analysisFile } });
  const events = await readAnomalies(t, prefix, 'optical');

  const protocols = (await (await fetch(`${pipeline.labUrl}/protocols`)).json()) as { ssh: { deviceId: string; ports: string[]; interfaces: string[] }[] };
  const device = protocols.ssh[0];
  const port = device.ports[0];
  // The CLI's port (an IOS-XR controller "0/0/0/0") is one series with the interface's SNMP optics, named by the interface.
  const ifName = device.interfaces[0];
  const scenario = (body: object) => fetch(`${pipeline.labUrl}/scenarios/ssh`, { method: 'POST', body: JSON.stringify({ deviceId: device.deviceId, port, ...body }) });
  const ofPort = (e: AnomalyEvent) => e.deviceId === device.deviceId && e.seriesKey.includes('optical_rx_dbm') && e.seriesKey.includes(`ifName=${ifName}}`);

  // The port's receive power must be flowing (a few SSH polls) before the drop.
  await eventually(
    'three optics readings of the port in metric_points',
    async () => {
      const r = await client.query(`SELECT count(*)::int AS n FROM metric_points p JOIN series s USING (series_id) WHERE s.device_id = $1 AND s.metric = 'optical_rx_dbm' AND s.series_key LIKE $2`, [device.deviceId, `%ifName=${ifName}}`]);
      return r.rows[0].n >= 3 ? true : undefined;
    },
    90_000,
    500,
  );
  assert.equal(events.filter(ofPort).length, 0, 'a healthy port raises nothing');

  assert.equal((await scenario({ degradeDb: 14 })).status, 200);
  const open = await eventually('an OPEN for the degraded port', () => events.find((e) => ofPort(e) && e.state === 'OPEN'), 60_000, 250);
  assert.match(open.detector, /rule:optical-rx-low|baseline/);
  assert.ok(open.observed < -14, `observed ${open.observed} dBm is below the sensitivity`);

  assert.equal((await scenario({ degradeDb: 0 })).status, 200);
  const close = await eventually('a CLOSE after the recovery', () => events.find((e) => ofPort(e) && e.state === 'CLOSE'), 90_000, 250);
  assert.equal(close.anomalyId, open.anomalyId, 'the CLOSE ends the anomaly the OPEN started');
  assert.equal(events.filter((e) => ofPort(e) && e.state === 'OPEN').length, 1, 'one OPEN, no page storm');
});
