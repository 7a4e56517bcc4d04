// Aligning series on one axis, CSV export, and time ranges from URL parameters.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignColumns, toCsv } from './columns.js';
import { rangeFromParams, withAbsolute, withPreset } from './time-range.js';

test('series polled at different instants share one x axis with gaps', () => {
  const [xs, a, b] = alignColumns([
    { timestamps: [1_000, 3_000], values: [1, 3] },
    { timestamps: [2_000, 3_000], values: [20, 30] },
  ]);
  assert.deepEqual(xs, [1, 2, 3]);
  assert.deepEqual(a, [1, null, 3]);
  assert.deepEqual(b, [null, 20, 30]);
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
  assert.deepEqual(rangeFromParams(new URLSearchParams(''), now), { fromMs: now - 3_600_000, toMs: now, preset: '1h' });
  const zoomed = withAbsolute(new URLSearchParams('range=7d&s=1'), 1_000_000, 2_000_000);
  assert.deepEqual(rangeFromParams(zoomed, now), { fromMs: 1_000_000, toMs: 2_000_000, preset: null });
  assert.equal(zoomed.get('s'), '1');
  assert.equal(rangeFromParams(withPreset(zoomed, '24h'), now).preset, '24h');
  assert.equal(rangeFromParams(new URLSearchParams('from=5&to=6'), now).preset, '1h', 'a range too narrow is ignored');
});
