// The binary COPY encoding against BigInt arithmetic, for the edges of the number fast path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodePointRows } from './binary-copy.js';

test('rows encode as PostgreSQL binary COPY fields: int64 µs since 2000, int64 id, float8', () => {
  const epoch2000 = Date.UTC(2000, 0, 1);
  const ts = [Date.UTC(2026, 10, 23, 12, 0, 0, 123) + 0.456, epoch2000 - 1, Date.UTC(1970, 0, 1), Date.UTC(2200, 0, 1)];
  const ids = [1, 2 ** 40 + 3, 4_294_967_296, 7n];
  const values = [1.5, -0, Number.MAX_VALUE, -42.25];
  const b = encodePointRows(ts, ids, values);
  assert.equal(b.length, 4 * 38);
  for (let i = 0; i < 4; i++) {
    const o = i * 38;
    assert.equal(b.readInt16BE(o), 3);
    assert.equal(b.readInt32BE(o + 2), 8);
    assert.equal(b.readBigInt64BE(o + 6), BigInt(Math.round((ts[i] - epoch2000) * 1000)), `ts ${i}`);
    assert.equal(b.readBigInt64BE(o + 18), BigInt(ids[i]), `id ${i}`);
    assert.equal(b.readDoubleBE(o + 30), values[i], `value ${i}`);
  }
  const slice = encodePointRows(ts, ids, values, 1, 3);
  assert.deepEqual(slice, b.subarray(38, 3 * 38));
});
