// topSeries against PostgreSQL: ranked by the window's average (not the last reading), both
// directions, restricted to devices, series silent in the window left out, bad arguments refused.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../common/log.js';
import { signToken } from '../auth/jwt.js';
import { buildApiServer, type ApiServer } from '../server.js';
import { createTestDatabase, insertSeries, insertWave, type TestDatabase } from '../../test/api-db.js';
import { HOUR_MS } from '../../common/time-units.js';

const SECRET = 'top-series-test-secret-0123456789';
const token = signToken({ sub: 'top-series-test', role: 'viewer', expiresInS: 600 }, SECRET);
let db: TestDatabase;
let server: ApiServer;

async function top(variables: Record<string, unknown>) {
  const res = await server.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { authorization: `Bearer ${token}` },
    payload: {
      query: `query T($s: [String!]!, $o: RankOrder, $w: Int, $l: Int, $d: [String!]) {
        topSeries(search: $s, order: $o, windowMinutes: $w, limit: $l, deviceIds: $d) { value series { key deviceId } } }`,
      variables,
    },
  });
  return res.json() as { data: { topSeries: Array<{ value: number; series: { key: string; deviceId: string } }> } | null; errors?: Array<{ message: string; extensions: { code: string } }> };
}

before(async () => {
  db = await createTestDatabase('top_series_test');
  const now = Date.now();
  const add = async (deviceId: string, metric: string, ifName: string, base: number, startMs = now - 10 * 60_000) => {
    const s = await insertSeries(db.pool, { deviceId, metric, labels: { ifName }, unit: metric.startsWith('optical') ? 'dBm' : 'bps' });
    await insertWave(db.pool, s.id, { startMs, count: 60, stepMs: 10_000, base, amplitude: 0 });
  };
  await add('r1', 'if_in_bps', 'et-0', 5e9);
  await add('r1', 'if_out_bps', 'et-0', 1e9);
  await add('r2', 'if_in_bps', 'xe-1', 8e9);
  await add('r3', 'if_in_bps', 'ge-2', 2e6);
  await add('r4', 'if_in_bps', 'ge-9', 9e10, now - 3 * HOUR_MS); // silent for the last 2 h 50 min
  await add('r1', 'optical_rx_dbm', 'et-0', -3);
  await add('r2', 'optical_rx_dbm', 'xe-1', -40);
  await add('r3', 'optical_rx_dbm', 'ge-2', -12.5);
  server = await buildApiServer({ pool: db.pool, jwtSecret: SECRET, uiDir: '/nonexistent', logger: createLogger({ test: 'top-series' }, 'error') });
}, { timeout: 30_000 });

after(async () => {
  await server?.app.close();
  await db?.drop();
}, { timeout: 30_000 });

test('busiest first by the window average; a series silent in the window is not ranked', async () => {
  const body = await top({ s: ['/if_in_bps', '/if_out_bps'], l: 3 });
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  assert.deepEqual(body.data!.topSeries.map((r) => r.series.deviceId), ['r2', 'r1', 'r1']);
  assert.equal(body.data!.topSeries[0].value, 8e9);
});

test('lowest first for optics at risk, and restricted to devices', async () => {
  const all = await top({ s: ['optical_rx_dbm'], o: 'LOWEST' });
  assert.deepEqual(all.data!.topSeries.map((r) => [r.series.deviceId, r.value]), [['r2', -40], ['r3', -12.5], ['r1', -3]]);
  const some = await top({ s: ['optical_rx_dbm'], o: 'LOWEST', d: ['r1', 'r3'] });
  assert.deepEqual(some.data!.topSeries.map((r) => r.series.deviceId), ['r3', 'r1']);
});

test('a longer window ranks the series that went silent', async () => {
  const body = await top({ s: ['/if_in_bps'], w: 240, l: 1 });
  assert.equal(body.data!.topSeries[0].series.deviceId, 'r4');
});

test('bad arguments are refused by name', async () => {
  for (const [vars, words] of [
    [{ s: [] }, /search must hold 1 to 8/],
    [{ s: ['x'], w: 0 }, /windowMinutes must be between 1 and 1440/],
    [{ s: ['x'], l: 201 }, /limit must be a whole number from 1 to 200/], // the document check's words
  ] as const) {
    const body = await top(vars);
    assert.equal(body.errors?.[0]?.extensions.code, 'BAD_USER_INPUT', JSON.stringify(body));
    assert.match(body.errors[0].message, words);
  }
});
