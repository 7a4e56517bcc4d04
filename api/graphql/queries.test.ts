// The history queries against the sink's tables: devices filtered and paged, a device with its
// interfaces, series, health and open anomalies, anomalies filtered and paged by cursor without
// gaps or repeats, baselines, health history and a family. Loaders keep the number of SQL
// statements per request independent of the page size (no N+1).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import type { ApiServer } from '../server.js';
import { as, gql, testServer } from '../../test/api-harness.js';
import { createTestDatabase, insertAnomaly, insertBaseline, insertDevice, insertHealth, insertSeries, insertWave, type TestDatabase } from '../../test/api-db.js';
import { HOUR_MS } from '../../common/time-units.js';

const T0 = Date.UTC(2026, 10, 20, 0);
let db: TestDatabase;
let server: ApiServer;
let statements = 0;
const inIf: Record<string, { id: string; key: string }> = {};

/** The pool, counting the statements the API sends through it. */
function counting(pool: pg.Pool): pg.Pool {
  return new Proxy(pool, {
    get(target, prop, receiver) {
      if (prop === 'query') return (...args: unknown[]) => {
        statements++;
        return (target.query as (...a: unknown[]) => unknown).apply(target, args);
      };
      return Reflect.get(target, prop, receiver);
    },
  });
}

before(async () => {
  db = await createTestDatabase();
  for (let i = 0; i < 12; i++) {
    const id = `dev-${String(i).padStart(2, '0')}`;
    await insertDevice(db.pool, { id, site: i % 2 === 0 ? 'paris' : 'lyon', role: i < 4 ? 'core' : 'edge', platform: i % 3 === 0 ? 'junos' : 'iosxr', hostname: `${id}.noc.example` });
    for (const ifName of ['eth0', 'eth1']) {
      const s = await insertSeries(db.pool, { deviceId: id, metric: 'if_in_bps', labels: { ifName }, unit: 'bps' });
      if (ifName === 'eth0') inIf[id] = s;
    }
    await insertHealth(db.pool, id, T0, 90 - i);
    await insertHealth(db.pool, id, T0 + HOUR_MS, 80 - i);
  }
  await insertDevice(db.pool, { id: 'gone-1', deleted: true });
  const rx = await insertSeries(db.pool, { deviceId: 'dev-00', metric: 'optical_rx_dbm', labels: { port: '1/1/1', lane: '1', direction: 'rx' }, unit: 'dBm' });
  await insertWave(db.pool, rx.id, { startMs: T0, count: 120, stepMs: 60_000, base: -3, amplitude: 0.5 });
  await insertWave(db.pool, inIf['dev-00'].id, { startMs: T0, count: 120, stepMs: 60_000 });
  // 30 anomalies: 3 per device on 10 devices, some closed, severities rotating
  const sev = ['INFO', 'WARNING', 'MINOR', 'MAJOR', 'CRITICAL'];
  for (let i = 0; i < 30; i++) {
    const dev = `dev-${String(i % 10).padStart(2, '0')}`;
    await insertAnomaly(db.pool, { id: `an-${String(i).padStart(2, '0')}`, deviceId: dev, seriesKey: inIf[dev].key, startedMs: T0 + (i % 7) * 60_000, state: i % 4 === 0 ? 'CLOSE' : 'OPEN', severity: sev[i % 5], endedMs: i % 4 === 0 ? T0 + HOUR_MS : null });
  }
  await insertBaseline(db.pool, { seriesKey: inIf['dev-00'].key, deviceId: 'dev-00', metric: 'if_in_bps', tsMs: T0 + HOUR_MS, expected: 100, spread: 10 });
  server = await testServer({ ...db, pool: counting(db.pool) });
}, { timeout: 60_000 });

after(async () => {
  await server?.app.close();
  await db?.drop();
}, { timeout: 30_000 });

test('devices: filters, text search, paging by cursor, totalCount, deleted ones only on request', { timeout: 10_000 }, async () => {
  const doc = 'query D($f: DeviceFilter, $first: Int, $after: String) { devices(filter: $f, first: $first, after: $after) { totalCount pageInfo { endCursor hasNextPage } nodes { id site role } } }';
  type Page = { devices: { totalCount: number; pageInfo: { endCursor: string; hasNextPage: boolean }; nodes: Array<{ id: string; site: string; role: string }> } };
  const seen: string[] = [];
  let after: string | null = null;
  do {
    const r: { data: Page | null } = await gql<Page>(server, doc, { f: { site: 'paris' }, first: 4, after }, as('viewer'));
    const p: Page['devices'] = r.data!.devices;
    assert.equal(p.totalCount, 6);
    seen.push(...p.nodes.map((n) => n.id));
    assert.ok(p.nodes.every((n) => n.site === 'paris'));
    after = p.pageInfo.hasNextPage ? p.pageInfo.endCursor : null;
  } while (after);
  assert.deepEqual(seen, ['dev-00', 'dev-02', 'dev-04', 'dev-06', 'dev-08', 'dev-10']);

  const text = await gql<Page>(server, doc, { f: { text: 'DEV-1', role: 'edge' } }, as('viewer'));
  assert.deepEqual(text.data!.devices.nodes.map((n) => n.id), ['dev-10', 'dev-11']);
  const all = await gql<Page>(server, doc, { f: { includeDeleted: true }, first: 100 }, as('viewer'));
  assert.equal(all.data!.devices.totalCount, 13);
  const bad = await gql(server, doc, { after: 'not-a-cursor' }, as('viewer'));
  assert.equal(bad.errors?.[0]?.extensions.code, 'BAD_USER_INPUT');
});

test('a device with its interfaces, series, latest health and open anomalies', { timeout: 10_000 }, async () => {
  const r = await gql<{ device: any }>(server, `{ device(id: "dev-01") { id hostname interfaces { name series { key } } series(metric: "if_in_bps") { id }
    health { score ts components { name } } openAnomalies { id state severity series { key } device { id } acknowledgement { by } annotations { text } } } }`, {}, as('viewer'));
  const d = r.data!.device;
  assert.equal(d.hostname, 'dev-01.noc.example');
  assert.deepEqual(d.interfaces.map((i: { name: string }) => i.name), ['eth0', 'eth1']);
  assert.equal(d.series.length, 2);
  assert.deepEqual([d.health.score, d.health.ts, d.health.components[0].name], [79, T0 + HOUR_MS, 'reachability']);
  assert.ok(d.openAnomalies.length > 0 && d.openAnomalies.every((a: { state: string; device: { id: string } }) => a.state !== 'CLOSE' && a.device.id === 'dev-01'));
  assert.equal((await gql<{ device: null }>(server, '{ device(id: "nope") { id } }', {}, as('viewer'))).data!.device, null);
});

test('anomalies: filters, newest first, cursor pages without gaps or repeats', { timeout: 10_000 }, async () => {
  const doc = 'query A($f: AnomalyFilter, $after: String) { anomalies(filter: $f, first: 4, after: $after) { totalCount pageInfo { endCursor hasNextPage } nodes { id startedAt state peakSeverity deviceId } } }';
  const f = { open: true, minSeverity: 'MINOR' };
  const { rows } = await db.pool.query<{ id: string }>(
    `select anomaly_id as id from anomaly_events where state <> 'CLOSE' and peak_severity in ('MINOR','MAJOR','CRITICAL') order by started_at desc, anomaly_id desc`);
  const seen: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 20; pages++) {
    const r: any = await gql(server, doc, { f, after }, as('viewer'));
    const p = r.data.anomalies;
    assert.equal(p.totalCount, rows.length);
    seen.push(...p.nodes.map((n: { id: string }) => n.id));
    if (!p.pageInfo.hasNextPage) break;
    after = p.pageInfo.endCursor;
  }
  assert.deepEqual(seen, rows.map((r) => r.id));
  const byDevice: any = await gql(server, doc, { f: { deviceIds: ['dev-03'], states: ['CLOSE'] } }, as('viewer'));
  assert.ok(byDevice.data.anomalies.nodes.every((n: { deviceId: string; state: string }) => n.deviceId === 'dev-03' && n.state === 'CLOSE'));
  const window: any = await gql(server, doc, { f: { from: T0 + 2 * HOUR_MS, to: T0 + 3 * HOUR_MS } }, as('viewer'));
  assert.ok(window.data.anomalies.nodes.every((n: { state: string }) => n.state !== 'CLOSE'), 'closed ones ended before the window');
});

test('baselines, health history and the optical family', { timeout: 10_000 }, async () => {
  const id = inIf['dev-00'].id;
  const r = await gql<any>(server, `query Q($ids: [ID!]!, $from: Float!, $to: Float!) {
    baselines(seriesIds: $ids, from: $from, to: $to) { seriesId timestamps expected lower upper baseline { expected spread sampleCount } }
    healthHistory(deviceIds: ["dev-00", "dev-05"], from: $from, to: $to) { deviceId tier timestamps scores }
    family(family: OPTICAL_POWER, from: $from, to: $to) { family series { deviceId metric item lane direction readings { tier timestamps } } }
  }`, { ids: [id, '999999'], from: T0, to: T0 + 2 * HOUR_MS }, as('analyst'));
  assert.equal(r.status, 200, JSON.stringify(r.errors));
  const [band, none] = r.data.baselines;
  assert.deepEqual(band, { seriesId: id, timestamps: [T0, T0 + 2 * HOUR_MS], expected: [100, 100], lower: [70, 70], upper: [130, 130], baseline: { expected: 100, spread: 10, sampleCount: 500 } });
  assert.deepEqual(none.timestamps, []);
  assert.deepEqual(r.data.healthHistory.map((h: any) => [h.deviceId, h.tier, h.timestamps, h.scores]), [
    ['dev-00', 'raw', [T0, T0 + HOUR_MS], [90, 80]],
    ['dev-05', 'raw', [T0, T0 + HOUR_MS], [85, 75]],
  ]);
  const optics = r.data.family.series;
  assert.equal(optics.length, 1);
  assert.deepEqual({ ...optics[0], readings: undefined }, { deviceId: 'dev-00', metric: 'optical_rx_dbm', item: '1/1/1', lane: '1', direction: 'rx', readings: undefined });
  assert.equal(optics[0].readings.timestamps.length, 120);
});

test('no N+1: statements per request do not grow with the page size', { timeout: 10_000 }, async () => {
  const doc = 'query D($n: Int) { devices(first: $n) { nodes { id health { score } openAnomalies { id series { key } acknowledgement { by } } series { id device { id } } interfaces { name } } } }';
  const countFor = async (n: number) => {
    statements = 0;
    const r = await gql(server, doc, { n }, as('viewer'));
    assert.equal(r.status, 200, JSON.stringify(r.errors));
    return statements;
  };
  const small = await countFor(2);
  const large = await countFor(12);
  assert.equal(large, small, `statements for 12 devices (${large}) vs 2 devices (${small})`);
  assert.ok(large <= 10, `${large} statements`);
});
