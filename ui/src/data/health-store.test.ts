// Health tiles: colour bands, worst first, newer scores win.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HealthStore, healthTone } from './health-store.js';

test('tones by score', () => {
  assert.deepEqual([95, 80, 79.9, 50, 49, null].map(healthTone), ['good', 'good', 'fair', 'fair', 'bad', 'none']);
});

test('worst first, unscored last; an older score never replaces a newer one; unknown devices ignored', () => {
  const s = new HealthStore();
  s.setDevices([
    { deviceId: 'a', site: null, score: 90, ts: 10 },
    { deviceId: 'b', site: null, score: 40, ts: 10 },
    { deviceId: 'c', site: null, score: null, ts: null },
  ]);
  assert.deepEqual(s.getAll().map((d) => d.deviceId), ['b', 'a', 'c']);
  s.update('a', 20, 20);
  s.update('a', 99, 15);
  s.update('zz', 1, 30);
  assert.deepEqual(s.getAll().map((d) => [d.deviceId, d.score]), [['a', 20], ['b', 40], ['c', null]]);
});
