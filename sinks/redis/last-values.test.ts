// Last values in the real Redis, under a key prefix of this test's own: the newest reading per
// series wins whatever order batches arrive in, health per device likewise, and the key layout
// is the documented one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createLogger } from '../../common/log.js';
import { testEnv, uniquePrefix } from '../../test/env.js';
import { metricBatch } from '../../test/sink-fixtures.js';
import { createLastValues, keysFor } from './last-values.js';

test('latest value per series and health per device land in Redis, never overwritten by older ones', { timeout: 30_000 }, async () => {
  const prefix = uniquePrefix('redis');
  const keys = keysFor(prefix);
  const lv = createLastValues({ url: testEnv.redisUrl, prefix, logger: createLogger({ test: 'redis' }, 'error') });
  const redis = new Redis(testEnv.redisUrl);
  try {
    const newer = metricBatch('r1', 2_000, 3, (k) => 100 + k);
    const older = metricBatch('r1', 1_000, 3, (k) => 1 + k);
    const other = metricBatch('r2', 1_500, 2, () => 7);
    older.samples[1].value = Number.NaN; // not a reading: never written
    await lv.writeMetrics([newer, other]);
    await lv.writeMetrics([older]); // a replay or a late batch
    const r1 = await redis.hgetall(keys.last('r1'));
    assert.deepEqual(r1, {
      'r1/if_in_bps{ifName=eth0}': '2000 100',
      'r1/if_in_bps{ifName=eth1}': '2000 101',
      'r1/if_in_bps{ifName=eth2}': '2000 102',
    });
    assert.equal(await redis.hget(keys.last('r2'), 'r2/if_in_bps{ifName=eth1}'), '1500 7');
    // Within one write, the later sample of a series wins too.
    await lv.writeMetrics([metricBatch('r3', 5_000, 1, () => 5), metricBatch('r3', 4_000, 1, () => 4)]);
    assert.equal(await redis.hget(keys.last('r3'), 'r3/if_in_bps{ifName=eth0}'), '5000 5');

    // Offered batches are coalesced and written by a flush (at most every half second on its own).
    lv.offerMetrics([metricBatch('r4', 1_000, 1, () => 1)]);
    lv.offerMetrics([metricBatch('r4', 2_000, 1, () => 2)]);
    assert.equal(await redis.hget(keys.last('r4'), 'r4/if_in_bps{ifName=eth0}'), null, 'not written yet');
    await lv.flush();
    assert.equal(await redis.hget(keys.last('r4'), 'r4/if_in_bps{ifName=eth0}'), '2000 2');

    await lv.writeHealth([{ deviceId: 'r1', ts: 3_000, score: 88.5, components: [{ name: 'cpu', score: 80, weight: 1, detail: null }] }]);
    await lv.writeHealth([{ deviceId: 'r1', ts: 2_000, score: 10, components: [] }]);
    const health = await redis.hgetall(keys.health('r1'));
    assert.equal(health.ts, '3000');
    assert.equal(health.score, '88.5');
    assert.deepEqual(JSON.parse(health.components), [{ name: 'cpu', score: 80, weight: 1, detail: null }]);
    assert.deepEqual((await redis.smembers(keys.devices)).sort(), ['r1', 'r2', 'r3', 'r4']);
  } finally {
    const stale = await redis.keys(`${prefix}*`);
    if (stale.length > 0) await redis.del(...stale);
    await lv.close();
    redis.disconnect();
  }
});
