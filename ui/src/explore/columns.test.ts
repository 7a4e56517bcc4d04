// Aligning series on one axis, CSV export, and time ranges from URL parameters.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignColumns, gapSpans, toCsv } from './columns.js';
import { rangeFromParams, withAbsolute, withPreset } from './time-range.js';
import { HOUR_MS } from '../../../common/time-units.js';

test('series polled at different instants share one x axis; their holes are not outages', () => {
  const [xs, a, b] = alignColumns([
    { timestamps: [1_000, 3_000], values: [1, 3] },
    { timestamps: [2_000, 3_000], values: [20, 30] },
  ]);
  assert.deepEqual(xs, [1, 2, 3]);
  assert.deepEqual(a, [1, undefined, 3]);
  assert.deepEqual(b, [undefined, 20, 30]);
});

test('a stretch without points longer than three steps breaks the line one step after the last point', () => {
  // Polled every 10 s, then the pipeline stopped for ten minutes.
  const ts = [0, 10_000, 20_000, 30_000, 630_000, 640_000];
  const [xs, y] = alignColumns([{ timestamps: ts, values: [1, 2, 3, 4, 5, 6] }]);
  assert.deepEqual(xs, [0, 10, 20, 30, 40, 630, 640]);
  assert.deepEqual(y, [1, 2, 3, 4, null, 5, 6]);
  // A late poll (25 s instead of 10) is not an outage; a rollup bucket sets the step.
  assert.deepEqual(alignColumns([{ timestamps: [0, 10_000, 35_000, 45_000], values: [1, 2, 3, 4] }])[1], [1, 2, 3, 4]);
  assert.deepEqual(alignColumns([{ timestamps: [0, 300_000, 600_000], values: [1, 2, 3], bucketMs: 300_000 }])[1], [1, 2, 3]);
});

test('gap spans: each series\' outages from its last point before to its first after, for the chart to shade', () => {
  const spans = gapSpans([
    { timestamps: [0, 10_000, 20_000, 30_000, 630_000, 640_000] },
    { timestamps: [5_000, 15_000, 25_000, 35_000] },
    { timestamps: [0, 300_000, 1_500_000, 1_800_000], bucketMs: 300_000 },
  ]);
  assert.deepEqual(spans, [
    { seriesIndex: 0, fromMs: 30_000, toMs: 630_000 },
    { seriesIndex: 2, fromMs: 300_000, toMs: 1_500_000 },
  ]);
  assert.deepEqual(gapSpans([{ timestamps: [0, 10_000, 35_000, 45_000] }]), [], 'a late poll is no outage');
  assert.deepEqual(gapSpans([{ timestamps: [0] }, { timestamps: [] }]), [], 'one point or none has no step to judge by');
});

test('CSV: one row per point, keys quoted when they hold commas, tier and bucket kept', () => {
  const csv = toCsv(
    [{ seriesId: '7', tier: '5m', bucketMs: 300_000, timestamps: [0], values: [1.5], min: [1], max: [2] }],
    () => 'r1/if_in_bps{a=1,b=2}',
  );
  assert.equal(csv, 'series,timestamp,value,min,max,tier,bucket_ms\n"r1/if_in_bps{a=1,b=2}",1970-01-01T00:00:00.000Z,1.5,1,2,5m,300000\n');
});

test('ranges: preset by default, absolute after a zoom, back to a preset', () => {
  const now = 10_000_000_000;
  assert.deepEqual(rangeFromParams(new URLSearchParams(''), now), { fromMs: now - HOUR_MS, toMs: now, preset: '1h' });
  const zoomed = withAbsolute(new URLSearchParams('range=7d&s=1'), 1_000_000, 2_000_000);
  assert.deepEqual(rangeFromParams(zoomed, now), { fromMs: 1_000_000, toMs: 2_000_000, preset: null });
  assert.equal(zoomed.get('s'), '1');
  assert.equal(rangeFromParams(withPreset(zoomed, '24h'), now).preset, '24h');
  assert.equal(rangeFromParams(new URLSearchParams('from=5&to=6'), now).preset, '1h', 'a range too narrow is ignored');
});
