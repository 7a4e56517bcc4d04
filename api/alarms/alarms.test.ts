// Silences and maintenance windows through GraphQL, against real Kafka and PostgreSQL: operators
// create and end them, viewers only read; a record reaches a second replica's book through
// alarm.operations (and its silences subscribers); an anomaly (listed, or in a subscription event) shows what
// holds its page back, and stops showing it when the silence ends; an acknowledgement goes out on the topic for the notifier.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../common/log.js';
import { connectStreams, type Streams } from '../../streams/index.js';
import { followAlarmOperations, type AlarmFeed } from '../../alarms/alarm-feed.js';
import { as, collect, disposeClients, gql, testServer, tokenFor, waitFor, wsClient } from '../../test/api-harness.js';
import { createTestDatabase, insertAnomaly, insertDevice, type TestDatabase } from '../../test/api-db.js';
import { eventually, streamConfig, uniquePrefix } from '../../test/env.js';
import type { ApiServer } from '../server.js';
import { kafkaAlarmOps } from './alarm-ops.js';

const logger = createLogger({ test: 'api-alarms' }, 'warn');
let db: TestDatabase;
let streams: Streams;
let prefix: string;
const feeds: AlarmFeed[] = [];
const servers: ApiServer[] = [];

/** A replica as the api role wires it: its own feed of alarm.operations into its own book. */
async function replica(): Promise<ApiServer> {
  let server: ApiServer | undefined;
  const feed = await followAlarmOperations(streams, { groupPrefix: 'api-test', logger, onChange: (_k, op) => op && server?.publishAlarmOperation(op) });
  await feed.caughtUp;
  feeds.push(feed);
  server = await testServer(db, { alarms: kafkaAlarmOps(streams, feed.book) });
  servers.push(server);
  return server;
}

before(async () => {
  db = await createTestDatabase();
  prefix = uniquePrefix('apialarms');
  streams = await connectStreams({ config: streamConfig(prefix), clientId: 'api-alarms-test', logger, writes: ['alarmOperations'] });
  await insertDevice(db.pool, { id: 'ams1-core-1', site: 'ams1', role: 'core' });
  await insertDevice(db.pool, { id: 'fra1-edge-1', site: 'fra1', role: 'edge' });
  await insertAnomaly(db.pool, { id: 'a-ams', deviceId: 'ams1-core-1', seriesKey: 'ams1-core-1/cpu_util{}', startedMs: Date.now() - 60_000, metric: 'cpu_util' });
  await insertAnomaly(db.pool, { id: 'a-fra', deviceId: 'fra1-edge-1', seriesKey: 'fra1-edge-1/cpu_util{}', startedMs: Date.now() - 60_000, metric: 'cpu_util' });
}, { timeout: 60_000 });

after(async () => {
  await disposeClients();
  for (const s of servers) await s.app.close();
  for (const f of feeds) await f.stop();
  await streams?.admin.deleteTopics(Object.values(streams.topics).filter((t) => t.startsWith(prefix))).catch(() => undefined);
  await streams?.close();
  await db?.drop();
}, { timeout: 30_000 });

const SILENCED = '{ anomalies { nodes { id silenced { kind id comment createdBy } } } }';
const silencedOf = async (server: ApiServer) => {
  const r = await gql<{ anomalies: { nodes: Array<{ id: string; silenced: { kind: string; id: string; comment: string; createdBy: string } | null }> } }>(server, SILENCED);
  assert.deepEqual(r.errors, undefined);
  return Object.fromEntries(r.data!.anomalies.nodes.map((n) => [n.id, n.silenced]));
};

test('an operator silences a site; a viewer sees it and the anomaly marked, on another replica too, until it ends', { timeout: 60_000 }, async () => {
  const one = await replica();
  const two = await replica();
  await two.app.listen({ host: '127.0.0.1', port: 0 });
  const url = `ws://127.0.0.1:${(two.app.server.address() as { port: number }).port}/graphql`;
  const sub = collect<{ silences: { id: string; active: boolean } }>(wsClient(url, { token: tokenFor('viewer') }), 'subscription { silences { id active } }', {});
  const events = collect<{ anomalies: { anomaly: { id: string; silenced: { id: string } | null } } }>(wsClient(url, { token: tokenFor('viewer') }), 'subscription { anomalies { anomaly { id silenced { id } } } }', {});
  await new Promise((r) => setTimeout(r, 300)); // the subscription is registered

  const create = `mutation($input: SilenceInput!) { createSilence(input: $input) { id active createdBy endsAt matchers { field value regex } } }`;
  const input = { matchers: [{ field: 'SITE', value: 'ams1' }, { field: 'RULE', value: 'z.*', regex: true }], durationMinutes: 30, comment: 'fibre works, CHG-1' };
  const refused = await gql(one, create, { input }, as('viewer'));
  assert.equal(refused.errors?.[0]?.extensions.code, 'FORBIDDEN');
  const made = await gql<{ createSilence: { id: string; active: boolean; createdBy: string; matchers: unknown[] } }>(one, create, { input }, as('operator'));
  assert.deepEqual(made.errors, undefined);
  const silence = made.data!.createSilence;
  assert.equal(silence.active, true);
  assert.equal(silence.createdBy, 'operator-user');
  assert.deepEqual(silence.matchers, [{ field: 'SITE', value: 'ams1', regex: false }, { field: 'RULE', value: 'z.*', regex: true }]);

  assert.deepEqual(await silencedOf(one), { 'a-ams': { kind: 'SILENCE', id: silence.id, comment: 'fibre works, CHG-1', createdBy: 'operator-user' }, 'a-fra': null });
  // The second replica learns of it from Kafka alone.
  await eventually('replica two has the silence', async () => ((await silencedOf(two))['a-ams']?.id === silence.id ? true : undefined), 20_000);
  await waitFor(() => sub.items.some((i) => i.silences.id === silence.id && i.silences.active), 'the silences subscription', 10_000);
  // A detector event fanned out while the silence holds carries it (computed once, for every subscriber).
  await two.publishAnomaly({
    anomalyId: 'a-ams', state: 'UPDATE', seriesKey: 'ams1-core-1/cpu_util{}', deviceId: 'ams1-core-1', metric: 'cpu_util', labels: {}, startedAt: Date.now() - 60_000,
    ts: Date.now(), endedAt: null, severity: 'MAJOR', score: 1, observed: 99, expected: 20, lower: 0, upper: 60, detector: 'zscore', reason: 'still high',
  });
  await waitFor(() => events.items.some((i) => i.anomalies.anomaly.id === 'a-ams' && i.anomalies.anomaly.silenced?.id === silence.id), 'the event with its silence', 10_000);
  const listed = await gql<{ silences: Array<{ id: string }> }>(two, '{ silences { id } }');
  assert.deepEqual(listed.data!.silences.map((s) => s.id), [silence.id]);

  const ended = await gql<{ expireSilence: { active: boolean; expiredBy: string } }>(one, `mutation { expireSilence(id: "${silence.id}") { active expiredBy } }`, {}, as('operator'));
  assert.deepEqual(ended.data!.expireSilence, { active: false, expiredBy: 'operator-user' });
  await eventually('replica two sees it ended', async () => ((await silencedOf(two))['a-ams'] === null ? true : undefined), 20_000);
  assert.deepEqual((await gql<{ silences: unknown[] }>(two, '{ silences { id } }')).data!.silences, [], 'ended: gone from the default list');
  assert.equal((await gql<{ silences: unknown[] }>(two, '{ silences(includeEnded: true) { id } }')).data!.silences.length, 1);
});

test('bad silences and windows are refused with the reason; a weekly window per device is kept', { timeout: 30_000 }, async () => {
  const server = servers[0];
  const create = `mutation($input: SilenceInput!) { createSilence(input: $input) { id } }`;
  const bad = async (input: Record<string, unknown>) => (await gql(server, create, { input }, as('operator'))).errors?.[0];
  assert.match((await bad({ matchers: [{ field: 'DEVICE', value: '(', regex: true }], durationMinutes: 5, comment: 'x' }))!.message, /matchers\[0\]\.value is not a valid regular expression/);
  assert.match((await bad({ matchers: [], durationMinutes: 5, comment: 'x' }))!.message, /at least one matcher/);
  assert.match((await bad({ matchers: [{ field: 'DEVICE', value: 'x' }], comment: 'x' }))!.message, /either endsAt or durationMinutes/);
  assert.equal((await bad({ matchers: [{ field: 'DEVICE', value: 'x' }], durationMinutes: 5, comment: ' ' }))!.extensions.code, 'BAD_USER_INPUT');

  const mw = `mutation($input: MaintenanceInput!) { createMaintenance(input: $input) { id active recurrence { timeZone days startMinute durationMinutes } } }`;
  const role = await gql(server, mw, { input: { matchers: [{ field: 'ROLE', value: 'core' }], endsAt: Date.now() + 60_000, comment: 'x' } }, as('operator'));
  assert.match(role.errors![0].message, /DEVICE or SITE only/);
  const zone = await gql(server, mw, { input: { matchers: [{ field: 'SITE', value: 'ams1' }], recurrence: { timeZone: 'Nowhere/Land', days: [2], startMinute: 120, durationMinutes: 60 }, comment: 'x' } }, as('operator'));
  assert.match(zone.errors![0].message, /not an IANA time zone/);
  const recurrence = { timeZone: 'Europe/Amsterdam', days: [2], startMinute: 120, durationMinutes: 240 };
  const weekly = await gql<{ createMaintenance: { id: string; recurrence: unknown } }>(server, mw, { input: { matchers: [{ field: 'DEVICE', value: 'fra1-edge-1' }], recurrence, comment: 'Tuesday patching' } }, as('operator'));
  assert.deepEqual(weekly.errors, undefined);
  assert.deepEqual(weekly.data!.createMaintenance.recurrence, recurrence);
  const list = await gql<{ maintenance: Array<{ id: string; comment: string }> }>(server, '{ maintenance { id comment } }');
  assert.deepEqual(list.data!.maintenance, [{ id: weekly.data!.createMaintenance.id, comment: 'Tuesday patching' }]);
});

test('an acknowledgement is stored and goes out on alarm.operations, where the notifier reads it', { timeout: 30_000 }, async () => {
  const server = servers[0];
  const r = await gql(server, 'mutation { acknowledgeAnomaly(id: "a-fra", note: "mine") { id } }', {}, as('operator'));
  assert.deepEqual(r.errors, undefined);
  const reader = await followAlarmOperations(streams, { groupPrefix: 'notifier-like', logger });
  try {
    await reader.caughtUp;
    assert.equal(reader.book.acknowledged('a-fra'), true);
    assert.equal(reader.book.get('ACKNOWLEDGEMENT', 'a-fra')?.comment, 'mine');
  } finally {
    await reader.stop();
  }
});
