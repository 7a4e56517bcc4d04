// readings picks its tier from range and point budget, and what a rollup tier returns equals the
// same buckets computed by plain SQL over the raw rows (each raw point placed by its 5-minute,
// hour or day bucket start, as the rollups see it). Rollups are built by the sink's own refresh.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiServer } from '../server.js';
import { chooseTier } from './tiers.js';
import { as, gql, testServer } from '../../test/api-harness.js';
import { createTestDatabase, insertSeries, insertWave, refreshTestRollups, type TestDatabase } from '../../test/api-db.js';
import { HOUR_MS, DAY_MS } from '../../common/time-units.js';

const START = Date.UTC(2026, 10, 1); // 20 days of one point a minute
const DAYS = 20;

let db: TestDatabase;
let server: ApiServer;
let a: { id: string };
let b: { id: string };

const READINGS = `query R($ids: [ID!]!, $from: Float!, $to: Float!, $max: Int, $tier: String) {
  readings(seriesIds: $ids, from: $from, to: $to, maxPoints: $max, tier: $tier) { seriesId tier timestamps values min max bucketMs series { key } } }`;

interface Cols { seriesId: string; tier: string; timestamps: number[]; values: number[]; min: number[] | null; max: number[] | null; bucketMs: number | null; series: { key: string } }

async function readings(ids: string[], from: number, to: number, max: number, tier?: string) {
  const r = await gql<{ readings: Cols[] }>(server, READINGS, { ids, from, to, max, tier }, as('viewer'));
  assert.equal(r.status, 200, JSON.stringify(r.errors));
  return r.data!.readings;
}

const WIDTH = { '5m': '5 minutes', '1h': '1 hour', '1d': '1 day' } as const;

/** The API's buckets, computed from raw rows: each point's rollup bucket start decides its API bucket. */
async function expectedFromRaw(seriesId: string, from: number, to: number, bucketMs: number, count: number, tier: keyof typeof WIDTH) {
  const { rows } = await db.pool.query<{ b: number; avg: number; min: number; max: number }>(
    `with p as (
       select value, (extract(epoch from date_bin(interval '${WIDTH[tier]}', ts, timestamptz '2000-01-01 00:00:00+00')) * 1000)::float8 as rb
       from metric_points where series_id = $1)
     select least(floor((rb - $2::float8) / $4::float8)::int, $5::int - 1) as b, avg(value) as avg, min(value) as min, max(value) as max
     from p where rb >= $2::float8 and rb <= $3::float8 group by 1 order by 1`,
    [seriesId, from, to, bucketMs, count],
  );
  return rows;
}

before(async () => {
  db = await createTestDatabase();
  a = await insertSeries(db.pool, { deviceId: 'core-1', metric: 'if_in_bps', labels: { ifName: 'eth0' }, unit: 'bps' });
  b = await insertSeries(db.pool, { deviceId: 'core-1', metric: 'if_out_bps', labels: { ifName: 'eth0' }, unit: 'bps' });
  await insertWave(db.pool, a.id, { startMs: START, count: DAYS * 1440, stepMs: 60_000 });
  await insertWave(db.pool, b.id, { startMs: START + 7 * 60_000, count: DAYS * 1440 - 20, stepMs: 60_000, base: 5, amplitude: 3 });
  await refreshTestRollups(db.pool);
  server = await testServer(db);
}, { timeout: 60_000 });

after(async () => {
  await server?.app.close();
  await db?.drop();
}, { timeout: 30_000 });

test('the tier follows range and point budget: zooming from weeks to minutes goes 1d → 1h → 5m → raw', { timeout: 20_000 }, async () => {
  const cases: Array<[number, number, string]> = [
    [20 * DAY_MS, 10, '1d'],
    [7 * DAY_MS, 1_000, '5m'], // 605 s buckets: 5-minute rows fit, hours do not
    [7 * DAY_MS, 100, '1h'],
    [DAY_MS, 200, '5m'], // 432 s buckets
    [DAY_MS, 1_000, 'raw'], // 86.4 s buckets, bucketed from raw points
    [15 * 60_000, 1_000, 'raw'],
    [6 * HOUR_MS, 1_000, 'raw'], // 21.6 s buckets: only raw points are fine enough
  ];
  for (const [range, max, tier] of cases) {
    assert.equal(chooseTier(START, START + range, max), tier, `range ${range} ms, ${max} points`);
    const [cols] = await readings([a.id], START, START + range, max);
    assert.equal(cols.tier, tier, `served tier for range ${range} ms, ${max} points`);
    assert.ok(cols.timestamps.length > 0 && cols.timestamps.length <= max, `${cols.timestamps.length} points for maxPoints ${max}`);
    assert.equal(cols.series.key, 'core-1/if_in_bps{ifName=eth0}');
  }
});

test('rollup buckets equal the same buckets computed by SQL over the raw rows', { timeout: 30_000 }, async () => {
  // Bounds off every grid, so buckets straddle rollup rows and the last bucket is short.
  const from = START + 3 * DAY_MS + 123_456;
  const to = START + 17 * DAY_MS + 7_654_321;
  for (const [max, tier] of [[1_000, '5m'], [200, '1h'], [10, '1d']] as const) {
    const got = await readings([a.id, b.id], from, to, max, tier);
    for (const cols of got) {
      assert.equal(cols.tier, tier);
      const bucketMs = cols.bucketMs!;
      assert.equal(bucketMs, Math.max({ '5m': 300_000, '1h': HOUR_MS, '1d': DAY_MS }[tier], Math.ceil((to - from) / max)));
      const expected = await expectedFromRaw(cols.seriesId, from, to, bucketMs, Math.ceil((to - from) / bucketMs), tier);
      assert.equal(cols.timestamps.length, expected.length, `bucket count, ${tier}`);
      expected.forEach((row, i) => {
        assert.equal(cols.timestamps[i], from + row.b * bucketMs);
        assert.ok(Math.abs(cols.values[i] - row.avg) <= 1e-9 * Math.max(1, Math.abs(row.avg)), `avg of bucket ${row.b} (${tier}): ${cols.values[i]} != ${row.avg}`);
        assert.equal(cols.min![i], row.min);
        assert.equal(cols.max![i], row.max);
      });
    }
  }
});

test('a dashboard-sized request (2 series × 7 days → 1000 points) is served from 5m with about maxPoints buckets', { timeout: 20_000 }, async () => {
  const got = await readings([a.id, b.id], START + DAY_MS, START + 8 * DAY_MS, 1_000);
  for (const cols of got) {
    assert.equal(cols.tier, '5m');
    assert.ok(cols.timestamps.length > 900 && cols.timestamps.length <= 1_000, `${cols.timestamps.length} buckets`);
    assert.equal(cols.min!.length, cols.timestamps.length);
  }
});

test('an unknown tier is BAD_USER_INPUT', { timeout: 10_000 }, async () => {
  const r = await gql(server, READINGS, { ids: [a.id], from: START, to: START + DAY_MS, max: 10, tier: '10m' }, as('viewer'));
  assert.equal(r.errors?.[0]?.extensions.code, 'BAD_USER_INPUT');
});

test('points written after the last rollup refresh are read raw, merged into the same buckets', { timeout: 30_000 }, async () => {
  // Three more hours of points between the existing ones (30 s offsets) on day 10; the sink has
  // logged the hours but not refreshed the rollups yet.
  await insertWave(db.pool, a.id, { startMs: START + 10 * DAY_MS + 30_000, count: 180, stepMs: 60_000, base: 1_000, amplitude: 10 });
  assert.ok((await db.pool.query('select count(*)::int as n from rollup_invalidations')).rows[0].n > 0);
  const from = START + 3 * DAY_MS + 123_456;
  const to = START + 17 * DAY_MS + 7_654_321;
  for (const [max, tier] of [[1_000, '5m'], [200, '1h'], [10, '1d']] as const) {
    const [cols] = await readings([a.id], from, to, max, tier);
    const bucketMs = cols.bucketMs!;
    const expected = await expectedFromRaw(a.id, from, to, bucketMs, Math.ceil((to - from) / bucketMs), tier);
    assert.equal(cols.timestamps.length, expected.length, `bucket count, ${tier}`);
    expected.forEach((row, i) => {
      assert.equal(cols.timestamps[i], from + row.b * bucketMs);
      assert.ok(Math.abs(cols.values[i] - row.avg) <= 1e-9 * Math.max(1, Math.abs(row.avg)), `avg of bucket ${row.b} (${tier}): ${cols.values[i]} != ${row.avg}`);
      assert.equal(cols.min![i], row.min);
      assert.equal(cols.max![i], row.max);
    });
  }
  await refreshTestRollups(db.pool);
  const after = await readings([a.id], from, to, 10, '1d');
  const expected = await expectedFromRaw(a.id, from, to, after[0].bucketMs!, Math.ceil((to - from) / after[0].bucketMs!), '1d');
  assert.deepEqual(after[0].max, expected.map((r) => r.max), 'the same answer once the sink has refreshed');
});
