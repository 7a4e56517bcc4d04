// The chart buffer: ordered, bounded by its window, merging history and live points.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeriesBuffer } from './series-buffer.js';

const arrays = (b: SeriesBuffer) => b.view().map((a) => [...a]);

test('appends in order, replaces an equal timestamp, merges an older one', () => {
  const b = new SeriesBuffer(100, 2);
  b.append(1, 10);
  b.append(2, 20);
  b.append(3, 30); // grows past the initial capacity
  b.append(3, 31);
  b.append(2.5, 25);
  assert.deepEqual(arrays(b), [[1, 2, 2.5, 3], [10, 20, 25, 31]]);
  assert.equal(b.lastY, 31);
});

test('keeps one point before the window so the line enters at the edge', () => {
  const b = new SeriesBuffer(10);
  for (let t = 0; t <= 30; t++) b.append(t, t);
  const [xs] = b.view();
  assert.equal(xs[0], 19); // 30 - 10 = 20 is the window start; 19 is kept as the entry point
  assert.equal(xs[xs.length - 1], 30);
});

test('stays bounded over a long run without flushes (a hidden tab)', () => {
  const b = new SeriesBuffer(60, 16);
  for (let t = 0; t < 100_000; t++) b.append(t, t);
  assert.ok(b.length <= 62, `length ${b.length}`);
});

test('merges history under live points; existing points win ties', () => {
  const b = new SeriesBuffer(1_000);
  b.append(50, 500);
  b.append(60, 600);
  b.merge([10, 20, 50, 55], [1, 2, 999, 5.5]);
  assert.deepEqual(arrays(b), [[10, 20, 50, 55, 60], [1, 2, 500, 5.5, 600]]);
});

test('an outage longer than three usual steps is reported; a late poll is not', () => {
  const b = new SeriesBuffer(3_600);
  for (const t of [0, 10, 20, 30, 45, 55, 655, 665, 675]) b.append(t, 1);
  assert.deepEqual(b.outages(), [[55, 655]]); // 45 after 30 (1.5 steps) is late, not out
  const quiet = new SeriesBuffer(3_600);
  for (let t = 0; t < 100; t += 5) quiet.append(t, 1);
  assert.deepEqual(quiet.outages(), []);
});
