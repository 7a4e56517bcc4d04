import { test } from 'node:test';
import assert from 'node:assert/strict';
import { throttleLive } from './throttle.js';

const batch = (ts: number, keys: string[]) => ({ deviceId: 'r1', source: 'snmp', ts, samples: keys.map((k) => ({ seriesKey: k, metric: 'm', labels: {}, unit: 'bps', value: ts })) });

test('at most one live point per series per second of event time', () => {
  const last = new Map<string, number>();
  const emitted = [0, 200, 999, 1_000, 1_500, 2_100].map((ts) => throttleLive(last, batch(ts, ['a']))?.points.length ?? 0);
  assert.deepEqual(emitted, [1, 0, 0, 1, 0, 1]);
});

test('series are throttled independently', () => {
  const last = new Map<string, number>();
  throttleLive(last, batch(0, ['a']));
  const out = throttleLive(last, batch(500, ['a', 'b']));
  assert.deepEqual(out?.points.map((p) => p.seriesKey), ['b']);
});
