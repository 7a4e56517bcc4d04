// readings: SQL downsampling is held to its bucket contract against plain SQL over the raw rows,
// maxPoints bounds every answer, and limits are refused with stable codes.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../common/log.js';
import { signToken } from '../auth/jwt.js';
import { buildApiServer, type ApiServer } from '../server.js';
import { createTestDatabase, insertSeries, insertWave, type TestDatabase } from '../../test/api-db.js';

const SECRET = 'readings-test-secret-0123456789';
const START_MS = Date.UTC(2026, 10, 23, 12, 0, 0);
const DENSE = 5_000; // points, one a second
const SPARSE = 300;

let db: TestDatabase;
let server: ApiServer;
let dense: { id: string };
let sparse: { id: string };
const token = signToken({ sub: 'readings-test', role: 'viewer', expiresInS: 600 }, SECRET);

interface Columns { seriesId: string; timestamps: number[]; values: number[]; min: number[] | null; max: number[] | null; bucketMs: number | null }

async function readings(seriesIds: string[], from: number, to: number, maxPoints?: number, tier?: string) {
  const res = await server.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { authorization: `Bearer ${token}` },
    payload: {
      query: `query R($ids: [ID!]!, $from: Float!, $to: Float!, $max: Int, $tier: String) {
        readings(seriesIds: $ids, from: $from, to: $to, maxPoints: $max, tier: $tier) { seriesId timestamps values min max bucketMs } }`,
      variables: { ids: seriesIds, from, to, max: maxPoints, tier },
    },
  });
  const body = res.json() as { data: { readings: Columns[] } | null; errors?: Array<{ message: string; extensions: { code: string } }> };
  return { status: res.statusCode, body, raw: res.body };
}

/** The bucket contract, computed independently: one range predicate per bucket over raw rows. */
async function expectedBuckets(seriesId: string, from: number, to: number, maxPoints: number) {
  const bucketMs = Math.max(1, Math.ceil((to - from) / maxPoints));
  const count = Math.max(1, Math.ceil((to - from) / bucketMs));
  const { rows } = await db.pool.query<{ b: number; avg: number; min: number; max: number; n: number }>(
    `select b, avg(m.value) as avg, min(m.value) as min, max(m.value) as max, count(*)::int as n
     from generate_series(0, $4::int - 1) as b
     join metric_points m on m.series_id = $1::bigint
       and m.ts >= to_timestamp(($2::float8 + b * $5::float8) / 1000)
       and m.ts <= to_timestamp($3::float8 / 1000)
       and (m.ts < to_timestamp(($2::float8 + (b + 1) * $5::float8) / 1000) or b = $4::int - 1)
     group by b order by b`,
    [seriesId, from, to, count, bucketMs],
  );
  return { bucketMs, rows };
}

function assertClose(actual: number, expected: number, what: string) {
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} != ${expected}`);
}

before(async () => {
  db = await createTestDatabase();
  dense = await insertSeries(db.pool, { deviceId: 'lab-r1', metric: 'if_in_bps', labels: { ifName: 'eth0' }, unit: 'bps' });
  sparse = await insertSeries(db.pool, { deviceId: 'lab-r1', metric: 'if_out_bps', labels: { ifName: 'eth0' }, unit: 'bps' });
  await insertWave(db.pool, dense.id, { startMs: START_MS, count: DENSE, stepMs: 1_000 });
  await insertWave(db.pool, sparse.id, { startMs: START_MS, count: SPARSE, stepMs: 10_000 });
  server = await buildApiServer({ pool: db.pool, jwtSecret: SECRET, uiDir: '/nonexistent', logger: createLogger({ test: 'readings' }, 'error') });
}, { timeout: 30_000 });

after(async () => {
  await server?.app.close();
  await db?.drop();
}, { timeout: 30_000 });

test('raw-tier buckets equal avg/min/max computed by SQL over the raw rows', { timeout: 20_000 }, async () => {
  // Bounds off the data grid, so bucket edges fall between points and the last bucket is short.
  const from = START_MS + 1_234.5;
  const to = START_MS + 4_321_000;
  for (const maxPoints of [1, 7, 200, 999]) {
    // Forced to the raw tier: coarse budgets would otherwise be served from the (empty) rollups.
    const { status, body } = await readings([dense.id], from, to, maxPoints, 'raw');
    assert.equal(status, 200, JSON.stringify(body.errors));
    const [cols] = body.data!.readings;
    const expected = await expectedBuckets(dense.id, from, to, maxPoints);
    assert.equal(cols.bucketMs, expected.bucketMs);
    assert.ok(cols.timestamps.length <= maxPoints, `${cols.timestamps.length} buckets > maxPoints ${maxPoints}`);
    assert.equal(cols.timestamps.length, expected.rows.length, `bucket count for maxPoints ${maxPoints}`);
    expected.rows.forEach((row, i) => {
      assert.equal(cols.timestamps[i], from + row.b * expected.bucketMs);
      assertClose(cols.values[i], row.avg, `avg of bucket ${row.b}`);
      assert.equal(cols.min![i], row.min);
      assert.equal(cols.max![i], row.max);
    });
    const covered = expected.rows.reduce((sum, r) => sum + r.n, 0);
    const { rows } = await db.pool.query<{ n: number }>(
      `select count(*)::int as n from metric_points where series_id = $1 and ts >= to_timestamp($2::float8/1000) and ts <= to_timestamp($3::float8/1000)`,
      [dense.id, from, to],
    );
    assert.equal(covered, rows[0].n, 'the buckets cover every raw row in range');
  }
});

test('a range within maxPoints comes back raw, in the order asked, unknown series empty', { timeout: 20_000 }, async () => {
  const from = START_MS;
  const to = START_MS + DENSE * 1_000;
  const { body } = await readings([sparse.id, '999999', dense.id], from, to, 1_000);
  const [s, unknown, d] = body.data!.readings;
  assert.equal(s.seriesId, sparse.id);
  assert.equal(s.bucketMs, null);
  assert.equal(s.min, null);
  assert.equal(s.timestamps.length, SPARSE);
  const raw = await db.pool.query<{ t: number; value: number }>(
    `select (extract(epoch from ts) * 1000)::float8 as t, value from metric_points where series_id = $1 order by ts`,
    [sparse.id],
  );
  assert.deepEqual(s.timestamps, raw.rows.map((r) => r.t));
  assert.deepEqual(s.values, raw.rows.map((r) => r.value));
  assert.deepEqual(unknown, { seriesId: '999999', timestamps: [], values: [], min: null, max: null, bucketMs: null });
  assert.ok(d.bucketMs !== null && d.timestamps.length <= 1_000, 'the dense series is downsampled');
});

test('maxPoints is respected for every size up to the cap', { timeout: 20_000 }, async () => {
  const from = START_MS;
  const to = START_MS + DENSE * 1_000;
  for (const maxPoints of [2, 50, 4_999, 5_000, 10_000]) {
    const { body } = await readings([dense.id], from, to, maxPoints, 'raw');
    const cols = body.data!.readings[0];
    assert.ok(cols.timestamps.length <= maxPoints, `maxPoints ${maxPoints}: got ${cols.timestamps.length}`);
    assert.equal(cols.values.length, cols.timestamps.length);
    assert.equal(cols.bucketMs === null, maxPoints >= DENSE, `raw exactly when the range fits (maxPoints ${maxPoints})`);
  }
});

test('a huge maxPoints is refused with LIMIT_MAX_POINTS', { timeout: 10_000 }, async () => {
  const { status, body } = await readings([dense.id], START_MS, START_MS + 60_000, 1_000_000);
  assert.equal(status, 400);
  assert.equal(body.data, null);
  assert.equal(body.errors![0].extensions.code, 'LIMIT_MAX_POINTS');
  assert.match(body.errors![0].message, /10000/);
});

test('bad arguments and oversized requests get their own codes', { timeout: 10_000 }, async () => {
  const notAnId = await readings(['live/#'], START_MS, START_MS + 1, 10);
  assert.equal(notAnId.body.errors![0].extensions.code, 'BAD_USER_INPUT');
  const backwards = await readings([dense.id], START_MS + 10, START_MS, 10);
  assert.equal(backwards.body.errors![0].extensions.code, 'BAD_USER_INPUT');
  const manyIds = Array.from({ length: 101 }, (_, i) => String(i + 1));
  assert.equal((await readings(manyIds, START_MS, START_MS + 1, 10)).body.errors![0].extensions.code, 'LIMIT_SERIES');
  const budget = await readings(Array.from({ length: 60 }, (_, i) => String(i + 1)), START_MS, START_MS + 1, 10_000);
  assert.equal(budget.body.errors![0].extensions.code, 'LIMIT_POINTS_BUDGET');
});

test('a database failure is INTERNAL, without SQL or stack in the response', { timeout: 10_000 }, async () => {
  await db.pool.query('alter table metric_points rename to metric_points_moved');
  try {
    const { status, body, raw } = await readings([dense.id], START_MS, START_MS + 60_000, 10);
    assert.equal(status, 500);
    assert.equal(body.errors![0].extensions.code, 'INTERNAL');
    assert.doesNotMatch(raw, /metric_points|select|relation|at .*\.ts/i);
  } finally {
    await db.pool.query('alter table metric_points_moved rename to metric_points');
  }
});
