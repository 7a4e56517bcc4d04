// fillColumns: metric batches → COPY columns, with the samples refused or dropped on the way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillColumns } from './point-columns.js';
import { metricBatch } from '../../test/sink-fixtures.js';
import { DAY_MS } from '../../common/time-units.js';

const T = Date.UTC(2026, 10, 23, 10);

test('columns carry every sample in order, with the record and sample each row came from', () => {
  const batches = [metricBatch('a', T, 2), metricBatch('b', T + 10_000, 2)];
  const ids = new Map([...batches.flatMap((b) => b.samples.map((s) => s.seriesKey))].map((k, i) => [k, i + 1]));
  const c = fillColumns({ batches, ids })!;
  assert.deepEqual([...c.cols.ts], [T, T, T + 10_000, T + 10_000]);
  assert.deepEqual([...c.cols.seriesIds], [1, 2, 3, 4]);
  assert.deepEqual([...c.cols.values], batches.flatMap((b) => b.samples.map((s) => s.value)));
  assert.deepEqual([...c.rowRecord.subarray(0, 4)], [0, 0, 1, 1]);
  assert.deepEqual([...c.rowSample.subarray(0, 4)], [0, 1, 0, 1]);
  assert.deepEqual(c.freshTs, [T, T + 10_000]);
  assert.equal(c.rejected + c.dropped + c.refused.size, 0);
});

test('an unknown series makes the columns wait for its id; a refused one is reported, not written', () => {
  const batches = [metricBatch('a', T, 3)];
  const [k0, k1, k2] = batches[0].samples.map((s) => s.seriesKey);
  assert.equal(fillColumns({ batches, ids: new Map([[k0, 1], [k1, 2]]) }), undefined);
  const c = fillColumns({ batches, ids: new Map([[k0, 1], [k2, 3]]), badSeries: new Map([[k1, new Error('invalid byte sequence')]]) })!;
  assert.deepEqual([...c.cols.seriesIds], [1, 3]);
  assert.equal(c.rejected, 1);
  assert.match(c.refused.get(0)![0], /series refused: invalid byte sequence/);
});

test('NaN is dropped, a time with no partition or out of range is refused, stored records are skipped', () => {
  const nan = metricBatch('a', T, 2, (k) => (k === 0 ? NaN : 7));
  const late = metricBatch('a', T - 400 * DAY_MS, 1);
  const absurd = metricBatch('a', 1e16, 1); // past what int64 µs can hold
  const stored = metricBatch('a', T - 10_000, 2);
  const batches = [stored, nan, late, absurd];
  const ids = new Map(batches.flatMap((b) => b.samples.map((s) => s.seriesKey)).map((k, i) => [k, i + 1]));
  const c = fillColumns({ batches, ids, tsRefusal: (t) => (t < T - 30 * DAY_MS ? 'no partition' : undefined), skip: (i) => i === 0 })!;
  assert.deepEqual([...c.cols.values], [7]);
  assert.equal(c.dropped, 1);
  assert.equal(c.rejected, 2);
  assert.match(c.refused.get(2)![0], /no partition/);
  assert.match(c.refused.get(3)![0], /timestamp out of range/);
  assert.deepEqual(c.freshTs, [T, late.ts, absurd.ts], 'the skipped record is not fresh');
});
