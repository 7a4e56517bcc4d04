// Anomaly.suppressedBy / Anomaly.suppressing on a real PostgreSQL: the topology as the api role's
// feed hands it over, the open device-down anomalies in anomaly_events. Behind a down aggregation
// router, a device's anomalies name it and its open outage; the root cause counts the devices cut
// off; a device with a second path, a closed anomaly and a replica without PARENT_DOWN_UPSTREAM
// show nothing; a subscription event carries the mark, even one read before the sink stored it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { linkIdOf } from '../../devices/links.js';
import type { Link } from '../../schemas/types.js';
import { collect, disposeClients, gql, testServer, tokenFor, waitFor, wsClient } from '../../test/api-harness.js';
import { createTestDatabase, insertAnomaly, insertDevice, type TestDatabase } from '../../test/api-db.js';
import type { ApiServer } from '../server.js';

let db: TestDatabase;
let server: ApiServer;
let off: ApiServer;

function link(a: string, b: string): Link {
  return { linkId: linkIdOf({ deviceId: a, ifName: 'p0' }, { deviceId: b, ifName: 'p1' }), aDeviceId: a, aInterface: 'p0', bDeviceId: b, bInterface: 'p1', sources: ['lldp'], state: 'OBSERVED', difference: null, speedBps: null, netboxCableId: null, updatedAt: 1 };
}

const T = Date.now() - 60_000;
before(async () => {
  db = await createTestDatabase();
  server = await testServer(db, { parentDown: { sites: ['nyc1'], devices: [] } });
  off = await testServer(db);
  for (const [id, site] of [['core', 'nyc1'], ['agg', 'nyc2'], ['acc1', 'nyc2'], ['acc2', 'nyc2']]) await insertDevice(db.pool, { id: id, site });
  // core ─ agg ─ acc1, agg ─ acc2 ─ core (acc2 has a second path)
  for (const s of [server, off]) for (const l of [link('core', 'agg'), link('agg', 'acc1'), link('agg', 'acc2'), link('acc2', 'core')]) s.publishLink(l.linkId, l);
  await insertAnomaly(db.pool, { id: 'agg-down', deviceId: 'agg', seriesKey: 'agg/device_up{}', startedMs: T, metric: 'device_up', detector: 'rule:device-down', severity: 'CRITICAL' });
  await insertAnomaly(db.pool, { id: 'acc1-down', deviceId: 'acc1', seriesKey: 'acc1/device_up{}', startedMs: T + 1, metric: 'device_up', detector: 'rule:device-down', severity: 'CRITICAL' });
  await insertAnomaly(db.pool, { id: 'acc1-old', deviceId: 'acc1', seriesKey: 'acc1/if_in_bps{}', startedMs: T - 5_000, state: 'CLOSE', endedMs: T - 1_000 });
  await insertAnomaly(db.pool, { id: 'acc2-band', deviceId: 'acc2', seriesKey: 'acc2/if_in_bps{}', startedMs: T + 2 });
}, { timeout: 30_000 });

after(async () => {
  await disposeClients();
  for (const s of [server, off]) await s?.app.close();
  await db?.drop();
}, { timeout: 30_000 });

type Marked = { id: string; suppressedBy: { deviceId: string; anomalyId: string | null } | null; suppressing: number };
const marksOf = async (s: ApiServer) => {
  const r = await gql<{ anomalies: { nodes: Marked[] } }>(s, '{ anomalies(first: 20) { nodes { id suppressedBy { deviceId anomalyId } suppressing } } }');
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return Object.fromEntries(r.data!.anomalies.nodes.map((n) => [n.id, { by: n.suppressedBy, n: n.suppressing }]));
};

test('behind a down parent: suppressedBy names it and its outage; the root cause counts what it cuts off', async () => {
  assert.deepEqual(await marksOf(server), {
    'agg-down': { by: null, n: 1 },
    'acc1-down': { by: { deviceId: 'agg', anomalyId: 'agg-down' }, n: 0 },
    'acc1-old': { by: null, n: 0 }, // closed: nothing to page, nothing to dim
    'acc2-band': { by: null, n: 0 }, // a second path through core
  });
  const none = await marksOf(off);
  assert.ok(Object.values(none).every((m) => m.by === null && m.n === 0), 'no upstream configured: suppression off');
});

test('a subscription event carries its mark, even one the sink has not stored yet', { timeout: 15_000 }, async () => {
  const url = (await server.app.listen({ host: '127.0.0.1', port: 0 })).replace(/^http/, 'ws') + '/graphql';
  const client = wsClient(url, { token: tokenFor('viewer') });
  const sub = collect<{ anomalies: { anomaly: { id: string; suppressedBy: { deviceId: string } | null } } }>(client, 'subscription { anomalies { anomaly { id suppressedBy { deviceId } } } }', {});
  const ev = { anomalyId: 'acc1-loss', state: 'OPEN' as const, seriesKey: 'acc1/path_loss_ratio{}', deviceId: 'acc1', metric: 'path_loss_ratio', labels: {}, startedAt: Date.now(), ts: Date.now(), endedAt: null, severity: 'CRITICAL' as const, score: 1, observed: 1, expected: 0, lower: 0, upper: 0.02, detector: 'rule:loss-high', reason: 'loss' };
  const deadline = Date.now() + 10_000;
  while (sub.items.length === 0) {
    assert.ok(Date.now() < deadline, 'no anomaly event arrived');
    await server.publishAnomaly(ev);
    await new Promise((r) => setTimeout(r, 100));
  }
  await waitFor(() => sub.items.some((i) => i.anomalies.anomaly.suppressedBy?.deviceId === 'agg'), 'the event with its parent', 5_000);
  assert.deepEqual(sub.errors, []);
});
