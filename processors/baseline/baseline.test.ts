import { test } from 'node:test';
import assert from 'node:assert/strict';
import { updateBaseline, type BaselineOutput, type BaselineState } from './baseline.js';
import { MINUTE_MS, DAY_MS } from '../../common/time-units.js';


// Deterministic pseudo-random normal noise (Box-Muller over a small LCG) so tests never flake.
function noise(seed: number): () => number {
  let s = seed;
  const u = () => ((s = (s * 1103515245 + 12345) % 2147483648) + 1) / 2147483649;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

function feed(points: Array<{ ts: number; value: number }>, state?: BaselineState): { state: BaselineState; outs: BaselineOutput[] } {
  const outs: BaselineOutput[] = [];
  for (const p of points) {
    const out = updateBaseline(state, p);
    state = out.state;
    outs.push(out);
  }
  return { state: state!, outs };
}

test('converges on a stationary series', () => {
  const n = noise(1);
  const points = Array.from({ length: 3000 }, (_, i) => ({ ts: i * 5 * MINUTE_MS, value: 100 + 5 * n() }));
  const { outs } = feed(points);
  const last = outs[outs.length - 1];
  assert.ok(Math.abs(last.expected - 100) < 1.5, `expected ${last.expected}`);
  assert.ok(last.spread > 3.5 && last.spread < 6.5, `spread ${last.spread}`);
  assert.ok(last.lower < 100 && last.upper > 100);
  assert.equal(last.sampleCount, 3000);
});

test('a spike does not drag the expected value', () => {
  const n = noise(2);
  const points = Array.from({ length: 600 }, (_, i) => ({ ts: i * 5 * MINUTE_MS, value: 50 + 2 * n() }));
  const { state, outs } = feed(points);
  const before = outs[outs.length - 1].expected;
  const spikes = [0, 1, 2].map((k) => ({ ts: (600 + k) * 5 * MINUTE_MS, value: 5000 }));
  const { outs: after } = feed(spikes, state);
  const next = updateBaseline(after[2].state, { ts: 603 * 5 * MINUTE_MS, value: 50 });
  assert.ok(Math.abs(next.expected - before) < 2, `expected moved from ${before} to ${next.expected}`);
  assert.ok(next.spread < 5, `spread inflated to ${next.spread}`);
});

test('a lasting level shift is followed eventually', () => {
  const n = noise(3);
  const points = Array.from({ length: 1500 }, (_, i) => ({ ts: i * 5 * MINUTE_MS, value: (i < 600 ? 10 : 30) + n() }));
  const { outs } = feed(points);
  assert.ok(Math.abs(outs[1499].expected - 30) < 3, `expected ${outs[1499].expected}`);
});

test('learns a daily pattern and uses it once two days of history exist', () => {
  const n = noise(4);
  const shape = (ts: number) => 100 + 40 * Math.sin((2 * Math.PI * (ts % DAY_MS)) / DAY_MS);
  const points = Array.from({ length: 6 * 288 }, (_, i) => ({ ts: i * 5 * MINUTE_MS, value: shape(i * 5 * MINUTE_MS) + 2 * n() }));
  const { state, outs } = feed(points);
  assert.equal(outs[100].seasonal, false, 'no seasonal model before two days');
  const last = outs[outs.length - 1];
  assert.equal(last.seasonal, true);
  // Across the next day the seasonal prediction follows the sine closely, far better than a flat mean.
  let worst = 0;
  let s = state;
  for (let i = 0; i < 288; i++) {
    const ts = (6 * 288 + i) * 5 * MINUTE_MS;
    const out = updateBaseline(s, { ts, value: shape(ts) });
    s = out.state;
    worst = Math.max(worst, Math.abs(out.expected - shape(ts)));
  }
  assert.ok(worst < 8, `worst seasonal error ${worst}`);
});

test('state is JSON-serialisable, small, and a restored state continues identically', () => {
  const n = noise(5);
  const points = Array.from({ length: 1000 }, (_, i) => ({ ts: i * 5 * MINUTE_MS, value: 20 + n() }));
  const { state } = feed(points);
  const json = JSON.stringify(state);
  assert.ok(json.length < 16_000, `state is ${json.length} bytes`);
  const a = updateBaseline(JSON.parse(json), { ts: 1000 * 5 * MINUTE_MS, value: 21 });
  const b = updateBaseline(state, { ts: 1000 * 5 * MINUTE_MS, value: 21 });
  assert.equal(a.expected, b.expected);
  assert.equal(a.spread, b.spread);
});

test('decay follows event time, not point count', () => {
  // The same 100 h signal (a step after 50 h) polled every minute and every 10 minutes ends with
  // nearly the same expected value: the weights come from elapsed time, not from counts.
  const run = (stepMin: number, n: number) => {
    const points = Array.from({ length: n }, (_, i) => ({ ts: i * stepMin * MINUTE_MS, value: (i < n / 2 ? 0 : 10) + ((i * 7919) % 13) / 13 }));
    return feed(points).outs[n - 1].expected;
  };
  const fast = run(1, 6000);
  const slow = run(10, 600);
  assert.ok(fast > 5 && Math.abs(fast - slow) < 0.3, `fast ${fast} slow ${slow}`);
});
