import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, type DetectorState } from './detect.js';
import { decodeDetectorState, encodeDetectorState } from './checkpoint.js';
import { MINUTE_MS } from '../../common/time-units.js';


function noise(seed: number): () => number {
  let s = seed;
  const u = () => ((s = (s * 1103515245 + 12345) % 2147483648) + 1) / 2147483649;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

function scores(values: number[], stepMs = 5 * MINUTE_MS): number[] {
  let state: DetectorState | undefined;
  return values.map((value, i) => {
    const out = detect(state, { ts: 1_700_000_000_000 + i * stepMs, value });
    state = out.state;
    return out.score;
  });
}

const max = (xs: number[]) => xs.reduce((m, x) => Math.max(m, x), 0);

test('a noisy but normal series scores low', () => {
  const n = noise(11);
  const s = scores(Array.from({ length: 4000 }, () => 100 + 10 * n()));
  assert.ok(max(s.slice(500)) < 0.2, `max score ${max(s.slice(500))}`);
});

test('a noisy daily pattern scores low', () => {
  const n = noise(12);
  const s = scores(Array.from({ length: 288 * 10 }, (_, i) => 50 + 30 * Math.sin((2 * Math.PI * i) / 288) + 3 * n()));
  assert.ok(max(s.slice(288 * 3)) < 0.2, `max score ${max(s.slice(288 * 3))}`);
});

test('a spike scores high, once', () => {
  const n = noise(13);
  const values = Array.from({ length: 2000 }, () => 100 + 5 * n());
  values[1500] = 200;
  const s = scores(values);
  assert.ok(s[1500] > 0.9, `spike scored ${s[1500]}`);
  assert.ok(max(s.slice(500, 1500)) < 0.2);
  assert.ok(max(s.slice(1501)) < 0.5, `after the spike: ${max(s.slice(1501))}`);
});

test('a level shift scores high within a few points', () => {
  // 8 standard deviations: well above the alarm level (0.2; NAB's best threshold is about 0.25).
  const n = noise(14);
  const values = Array.from({ length: 2000 }, (_, i) => (i < 1500 ? 100 : 140) + 5 * n());
  const s = scores(values);
  assert.ok(max(s.slice(1500, 1506)) > 0.4, `shift scored ${max(s.slice(1500, 1506))}`);
  assert.ok(max(s.slice(500, 1500)) < 0.2);
});

test('an optical power drop (dBm) is detected', () => {
  const n = noise(15);
  const values = Array.from({ length: 3000 }, (_, i) => (i < 2500 ? -7.2 : -12.5) + 0.05 * n());
  const s = scores(values, 30_000);
  assert.ok(max(s.slice(2500, 2505)) > 0.9);
});

test('deterministic: same input, same scores; a JSON-restored state continues identically', () => {
  const n = noise(16);
  const values = Array.from({ length: 1500 }, (_, i) => 10 + n() + (i > 1200 ? 8 : 0));
  assert.deepEqual(scores(values), scores(values));
  let state: DetectorState | undefined;
  for (let i = 0; i < 1000; i++) state = detect(state, { ts: i * MINUTE_MS, value: values[i] }).state;
  const restored: DetectorState = JSON.parse(JSON.stringify(state));
  for (let i = 1000; i < 1500; i++) {
    const a = detect(state, { ts: i * MINUTE_MS, value: values[i] });
    const b = detect(restored, { ts: i * MINUTE_MS, value: values[i] });
    assert.equal(a.score, b.score);
    state = a.state;
  }
});

test('checkpoint encoding is lossless and compact', () => {
  const n = noise(17);
  let state: DetectorState | undefined;
  // Three weeks at 5 min: every profile is in use.
  for (let i = 0; i < 6048; i++) state = detect(state, { ts: i * 5 * MINUTE_MS, value: 50 + 20 * Math.sin((2 * Math.PI * i) / 288) + n() }).state;
  const encoded = encodeDetectorState(state!);
  assert.ok(encoded.length < 0.7 * JSON.stringify(state).length, `${encoded.length} vs ${JSON.stringify(state).length}`);
  assert.ok(encoded.length < 10_000, `${encoded.length} bytes`);
  const restored = decodeDetectorState(encoded);
  assert.deepEqual(restored, JSON.parse(JSON.stringify(state)));
  const a = detect(state, { ts: 6048 * 5 * MINUTE_MS, value: 90 });
  const b = detect(restored, { ts: 6048 * 5 * MINUTE_MS, value: 90 });
  assert.equal(a.score, b.score);
  assert.equal(a.expected, b.expected);
});

test('a point inside the band never scores, whatever the short mean of residuals says', () => {
  // The band is what the reason text and the wall show: an alarm on a value inside it would
  // contradict its own explanation (issue 20: "95 ms above expected 36.84 ms (band -70.54 ms to 144.2 ms)").
  const n = noise(18);
  let state: DetectorState | undefined;
  let i = 0;
  for (; i < 500; i++) state = detect(state, { ts: i * 5 * MINUTE_MS, value: 100 + 5 * n() }).state;
  state!.shortResidual = 10; // as if the last half hour had been far above expected
  const inside = detect(structuredClone(state), { ts: i * 5 * MINUTE_MS, value: 110 });
  assert.ok(110 < inside.upper, `110 is inside ${inside.lower}..${inside.upper}`);
  assert.ok(inside.shortZ > 20, `the short mean alone would alarm: ${inside.shortZ} spreads`);
  assert.equal(inside.score, 0);
  const outside = detect(state, { ts: i * 5 * MINUTE_MS, value: inside.upper + 1 });
  assert.ok(outside.score > 0.5, `just outside the band with the same short mean: ${outside.score}`);
});
