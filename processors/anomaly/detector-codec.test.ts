import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, type DetectorState } from '../detect/detect.js';
import { packDetectorFloats, packDetectorState, packedEmittedBand, setPackedEmittedBand, unpackDetectorFloats, unpackDetectorState } from './detector-codec.js';
import { gaussian } from './test-signals.js';
import { MINUTE_MS } from '../../common/time-units.js';

test('scores through pack/unpack on every point equal the plain detector, bit for bit', { timeout: 30_000 }, () => {
  const n = gaussian(21);
  // Three weeks at 10 min, a daily shape, a spike and a level shift: every model and array is in use.
  const values = Array.from({ length: 3 * 7 * 144 }, (_, i) => 50 + 20 * Math.sin((2 * Math.PI * i) / 144) + n() + (i === 2000 ? 60 : 0) + (i > 2800 ? 15 : 0));
  let plain: DetectorState | undefined;
  let packed: string | null = null;
  for (let i = 0; i < values.length; i++) {
    const p = { ts: 1_762_000_000_000 + i * 10 * MINUTE_MS, value: values[i] };
    const a = detect(plain, p);
    plain = a.state;
    const b = detect(packed === null ? undefined : unpackDetectorState(packed), p);
    packed = packDetectorState(b.state);
    assert.equal(b.score, a.score, `score at ${i}`);
    assert.equal(b.expected, a.expected, `expected at ${i}`);
    assert.equal(b.upper, a.upper, `upper at ${i}`);
  }
  const restored = unpackDetectorState(packed!);
  assert.deepEqual(JSON.parse(JSON.stringify(restored, (_k, v) => (v instanceof Float64Array ? Array.from(v) : v))), JSON.parse(JSON.stringify(plain)));
  assert.ok(packed!.length < 8_300, `packed state ${packed!.length} chars`);
});

test('a detector state of an unknown shape is refused, not truncated', () => {
  const s = detect(undefined, { ts: 0, value: 1 }).state as DetectorState & { extra?: number };
  s.extra = 1;
  assert.throws(() => packDetectorState(s), { code: 'TRANSFORM_FAILED' });
  assert.throws(() => unpackDetectorState(Buffer.from(new Float64Array([2, 0, 0, 0, 18]).buffer).toString('base64')), { code: 'TRANSFORM_FAILED' });
});

test('the spare scalars carry a series\' last emitted band (model as the sign of the spread); a plain pack reads as none', () => {
  const f = packDetectorFloats(detect(undefined, { ts: 0, value: 1 }).state);
  assert.equal(packedEmittedBand(f), null, 'a detector packs 0 there');
  setPackedEmittedBand(f, -7.25, 0.3, true);
  assert.deepEqual(packedEmittedBand(f), { expected: -7.25, spread: 0.3, seasonal: true });
  setPackedEmittedBand(f, 4e8, 1.9e7, false);
  assert.deepEqual(packedEmittedBand(f), { expected: 4e8, spread: 1.9e7, seasonal: false });
  assert.deepEqual(unpackDetectorFloats(f), unpackDetectorFloats(packDetectorFloats(detect(undefined, { ts: 0, value: 1 }).state)), 'the detector state ignores them');
});

test('a state packed before the tail quantile existed (18 scalars) unpacks, its estimate starting afresh', () => {
  const n = gaussian(22);
  let state: DetectorState | undefined;
  for (let i = 0; i < 500; i++) state = detect(state, { ts: i * 10 * MINUTE_MS, value: 50 + n() }).state;
  const f = packDetectorFloats(state!);
  // The legacy layout: the same header and first 18 scalars, then the arrays.
  const legacy = new Float64Array(f.length - 1);
  legacy.set(f.subarray(0, 5 + 18));
  legacy.set(f.subarray(5 + 19), 5 + 18);
  legacy[4] = 18;
  const restored = unpackDetectorFloats(legacy);
  assert.equal(restored.tailLog, 0, 'ln(tailInitial 1)');
  assert.notEqual(state!.tailLog, 0, 'the live state had learnt one');
  const plain = (s: DetectorState) => JSON.parse(JSON.stringify({ ...s, tailLog: 0 }, (_k, v) => (v instanceof Float64Array ? Array.from(v) : v)));
  assert.deepEqual(plain(restored), plain(state!), 'everything else as it was');
});
