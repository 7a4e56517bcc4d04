// Warm-up: a series alarms on its baseline only after enough samples AND enough event time
// (scoring.detector.detect.warmupSamples / warmupMs); static rules alarm from the first sample.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnomalyEvent, MetricBatch } from '../../schemas/types.js';
import { analyseBatch, type DeviceAnalysisState } from './analyse.js';
import { analysisConfig, type AnalysisConfig } from './config.js';
import { gaussian, polls, sample } from './test-signals.js';
import { MINUTE_MS } from '../../common/time-units.js';

function anomaliesOf(batches: MetricBatch[], config: AnalysisConfig): AnomalyEvent[] {
  let state: DeviceAnalysisState | undefined;
  const out: AnomalyEvent[] = [];
  for (const b of batches) {
    const r = analyseBatch(state, b, config);
    state = r.deviceState;
    out.push(...r.anomalies);
  }
  return out;
}

const step = 2_000; // the test pipeline's 2 s polls: 30 samples within the first minute

/** A path latency of 36 ± 1 ms with a burst of slow answers after `burstAt` polls (the stack's other roles starting). */
function startUp(seed: number, count: number, burstAt: number, burstMs: number): MetricBatch[] {
  const n = gaussian(seed);
  return polls('lab-w1', count, step, (i) => [sample('lab-w1', 'path_latency_ms', 'ms', (i >= burstAt && i < burstAt + 5 ? burstMs : 36) + n(), { target: 'core' })]);
}

test('a start-up transient 80 s in raises nothing with the default warm-up; without the time condition it would open', { timeout: 30_000 }, () => {
  const batches = startUp(41, 10 * MINUTE_MS / step, 40, 95);
  assert.deepEqual(anomaliesOf(batches, analysisConfig()), [], 'no anomaly while the series warms up');
  // The same series judged after 30 samples only (the old warm-up): the burst is an anomaly. This
  // is what the default's time condition prevents, and proves the test above can fail.
  const samplesOnly = anomaliesOf(batches, analysisConfig({ scoring: { detector: { detect: { warmupMs: 0 } } } }));
  assert.ok(samplesOnly.some((a) => a.state === 'OPEN' && a.detector === 'baseline-zscore'), JSON.stringify(samplesOnly));
});

test('after the warm-up the same burst opens an anomaly', { timeout: 30_000 }, () => {
  const burstAt = (40 * MINUTE_MS) / step; // 40 min: past the 30 min default
  const batches = startUp(42, burstAt + 60, burstAt, 200);
  const events = anomaliesOf(batches, analysisConfig());
  const open = events.find((a) => a.state === 'OPEN');
  assert.ok(open, 'an OPEN after the warm-up');
  assert.equal(open.ts, batches[burstAt].ts);
  assert.equal(open.detector, 'baseline-zscore');
});

test('static rules do not wait for the warm-up: no light on the first poll opens at once', { timeout: 30_000 }, () => {
  const batches = polls('lab-w2', 5, step, () => [sample('lab-w2', 'rx_power', 'dBm', -40, { ifName: 'xe-0/0/1' })]);
  const [open] = anomaliesOf(batches, analysisConfig());
  assert.equal(open?.state, 'OPEN');
  assert.equal(open.ts, batches[0].ts);
  assert.equal(open.detector, 'rule:optical-rx-low');
  assert.equal(open.severity, 'CRITICAL');
});
