import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baselineDue, emitBaseline, type Band, type EmittedBaseline } from './baseline-emission.js';
import { analysisConfig } from './config.js';
import { scoringDefaults } from './settings.js';
import { MINUTE_MS } from '../../common/time-units.js';

const band = (expected: number, spread: number, seasonal = false): Band => ({ expected, spread, lower: expected - 3 * spread, upper: expected + 3 * spread, seasonal });
const t0 = 1_795_000_000_000;

function emitted(at: number, b: Band): EmittedBaseline {
  const sent: EmittedBaseline = { baselineAt: -1 };
  emitBaseline(sent, 'dev', { seriesKey: 'dev/m', metric: 'm' }, b, at, 1);
  return sent;
}

test('the first sample of a series emits at once', () => {
  assert.equal(baselineDue({ baselineAt: -1 }, band(10, 1), t0, scoringDefaults), true);
});

test('a band that did not move waits for the 15-minute heartbeat', () => {
  const sent = emitted(t0, band(10, 1));
  assert.equal(baselineDue(sent, band(10.2, 1.2), t0 + 14 * MINUTE_MS, scoringDefaults), false, 'within a quarter spread and 25 %');
  assert.equal(baselineDue(sent, band(10.2, 1.2), t0 + 15 * MINUTE_MS, scoringDefaults), true);
});

test('a material move emits, at most once a minute', () => {
  const sent = emitted(t0, band(10, 1));
  assert.equal(baselineDue(sent, band(10.3, 1), t0 + 30_000, scoringDefaults), false, 'under a minute since the last record');
  assert.equal(baselineDue(sent, band(10.3, 1), t0 + MINUTE_MS, scoringDefaults), true, 'expected moved by 0.3 spreads');
  assert.equal(baselineDue(sent, band(9.7, 1), t0 + MINUTE_MS, scoringDefaults), true, 'either way');
  assert.equal(baselineDue(sent, band(10, 1.3), t0 + MINUTE_MS, scoringDefaults), true, 'band 30 % wider');
  assert.equal(baselineDue(sent, band(10, 0.7), t0 + MINUTE_MS, scoringDefaults), true, 'band 30 % narrower');
  assert.equal(baselineDue(sent, band(10, 1, true), t0 + MINUTE_MS, scoringDefaults), true, 'rolling → seasonal model');
});

test('moves are measured from the last record, not the last sample: a slow drift is emitted once it adds up', () => {
  const sent = emitted(t0, band(10, 1));
  let at = t0;
  let records = 0;
  for (let i = 1; i <= 60; i++) {
    at += MINUTE_MS;
    const b = band(10 + 0.04 * i, 1); // 0.04 spread a minute
    if (baselineDue(sent, b, at, scoringDefaults)) {
      emitBaseline(sent, 'dev', { seriesKey: 'dev/m', metric: 'm' }, b, at, i);
      records++;
    }
  }
  assert.equal(records, 8, 'every 7 min (0.28 spreads), not every minute and not only at the heartbeat');
});

test('a series restored from a checkpoint written before change-driven emission emits once at its next due time', () => {
  // What a format 1 or 2 checkpoint of the previous version holds: only baselineAt.
  const old: EmittedBaseline = { baselineAt: t0 };
  assert.equal(baselineDue(old, band(10, 1), t0 + 30_000, scoringDefaults), false);
  assert.equal(baselineDue(old, band(10, 1), t0 + MINUTE_MS, scoringDefaults), true);
  emitBaseline(old, 'dev', { seriesKey: 'dev/m', metric: 'm' }, band(10, 1), t0 + MINUTE_MS, 7);
  assert.equal(baselineDue(old, band(10, 1), t0 + 2 * MINUTE_MS, scoringDefaults), false, 'then change-driven');
});

test('the record carries the band and remembers it', () => {
  const sent: EmittedBaseline = { baselineAt: -1 };
  const b = emitBaseline(sent, 'dev', { seriesKey: 'dev/m', metric: 'm' }, band(10, 1, true), t0, 42);
  assert.deepEqual(b, { seriesKey: 'dev/m', deviceId: 'dev', metric: 'm', ts: t0, expected: 10, spread: 1, lower: 7, upper: 13, seasonal: true, sampleCount: 42 });
  assert.deepEqual(sent, { baselineAt: t0, baselineExpected: 10, baselineSpread: 1, baselineSeasonal: true });
});

test('settings are validated, naming the key', () => {
  assert.throws(() => analysisConfig({ scoring: { baselineHeartbeatMs: 30_000 } }), { code: 'CONFIG_INVALID', message: /scoring\.baselineHeartbeatMs/ });
  assert.throws(() => analysisConfig({ scoring: { baselineMoveSpreads: -1 } }), { code: 'CONFIG_INVALID', message: /scoring\.baselineMoveSpreads/ });
  assert.equal(analysisConfig({ scoring: { baselineSpreadChange: 0 } }).scoring.baselineSpreadChange, 0);
});
