// The collector's own poll duration is an operational metric of the pipeline, not a device
// anomaly: it is not scored unless the user takes it out of scoring.operationalMetrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnomalyEvent, Baseline } from '../../schemas/types.js';
import { analyseBatch, type DeviceAnalysisState } from './analyse.js';
import { analysisConfig, type AnalysisConfig } from './config.js';
import { gaussian, polls, sample } from './test-signals.js';
import { HOUR_MS } from '../../common/time-units.js';

function run(config: AnalysisConfig): { anomalies: AnomalyEvent[]; baselines: Baseline[] } {
  const n = gaussian(51);
  const slowAt = HOUR_MS / 10_000; // an hour of 10 s polls, then the collector slows down
  const batches = polls('lab-op', slowAt + 30, 10_000, (i) => [
    sample('lab-op', 'device_up', 'ratio', 1),
    sample('lab-op', 'snmp_poll_ms', 'ms', (i >= slowAt ? 400 : 36) + 2 * n()),
  ]);
  let state: DeviceAnalysisState | undefined;
  const out = { anomalies: [] as AnomalyEvent[], baselines: [] as Baseline[] };
  for (const b of batches) {
    const r = analyseBatch(state, b, config);
    state = r.deviceState;
    out.anomalies.push(...r.anomalies);
    out.baselines.push(...r.baselines);
  }
  return out;
}

test('a slow collector poll (snmp_poll_ms ×10) is not an anomaly by default', { timeout: 30_000 }, () => {
  const { anomalies, baselines } = run(analysisConfig());
  assert.deepEqual(anomalies, []);
  assert.ok(!baselines.some((b) => b.metric === 'snmp_poll_ms'), 'not scored: no baseline either');
});

test('a user who asks for alarms on the poll duration gets them', { timeout: 30_000 }, () => {
  const { anomalies } = run(analysisConfig({ scoring: { operationalMetrics: [] } }));
  assert.equal(anomalies.filter((a) => a.state === 'OPEN' && a.metric === 'snmp_poll_ms').length, 1, JSON.stringify(anomalies));
});
