// Subscriptions across replicas: two API servers share Redis. An acknowledgement or a note made on
// replica A reaches anomalies subscribers on replica B (and only those whose filter matches); an
// anomaly event fed to a replica (as its telemetry.anomalies consumer does) carries what people
// already noted. A new live or health subscriber first gets the latest values the sink keeps in
// Redis (written here by the sink's own writer: a cross-role test, so under test/), then the
// stream. Hostile messages published on the event channel by anything that can write to Redis
// are refused, not delivered (issue 15).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createLogger } from '../common/log.js';
import { createLastValues, type LastValues } from '../sinks/redis/last-values.js';
import type { AnomalyEvent } from '../schemas/types.js';
import type { ApiServer } from '../api/server.js';
import { signToken } from '../api/auth/jwt.js';
import { as, collect, disposeClients, gql, REDIS_URL, TEST_SECRET, testServer, tokenFor, uniqueRedisPrefix, waitFor, wsClient } from './api-harness.js';
import { createTestDatabase, insertAnomaly, insertDevice, insertSeries, type TestDatabase } from './api-db.js';

const T0 = Date.UTC(2026, 10, 21, 8);
let db: TestDatabase;
let a: ApiServer;
let b: ApiServer;
let urlB: string;
let sink: LastValues;
let busPrefix: string;
let ifIn: { id: string; key: string };
let ifOut: { id: string; key: string };

const TICKER = `subscription T($f: AnomalySubscriptionFilter) { anomalies(filter: $f) {
  kind annotation { text by } anomaly { id state severity deviceId events acknowledgement { by note } annotations { text } } } }`;

type Update = { anomalies: { kind: string; annotation: { text: string; by: string } | null; anomaly: { id: string; state: string; severity: string; deviceId: string; events: number | null; acknowledgement: { by: string; note: string } | null; annotations: Array<{ text: string }> } } };

before(async () => {
  db = await createTestDatabase();
  const sinkPrefix = uniqueRedisPrefix('sink');
  busPrefix = uniqueRedisPrefix('replicas');
  const redis = { url: REDIS_URL, keyPrefix: busPrefix, sinkKeyPrefix: sinkPrefix };
  for (const id of ['core-1', 'edge-2']) await insertDevice(db.pool, { id });
  ifIn = await insertSeries(db.pool, { deviceId: 'core-1', metric: 'if_in_bps', labels: { ifName: 'eth0' }, unit: 'bps' });
  ifOut = await insertSeries(db.pool, { deviceId: 'core-1', metric: 'if_out_bps', labels: { ifName: 'eth0' }, unit: 'bps' });
  await insertAnomaly(db.pool, { id: 'an-core', deviceId: 'core-1', seriesKey: ifIn.key, startedMs: T0 });
  a = await testServer(db, { redis });
  b = await testServer(db, { redis });
  urlB = (await b.app.listen({ host: '127.0.0.1', port: 0 })).replace(/^http/, 'ws') + '/graphql';
  sink = createLastValues({ url: REDIS_URL, prefix: sinkPrefix, logger: createLogger({ test: 'replicas' }, 'error') });
}, { timeout: 30_000 });

after(async () => {
  await disposeClients();
  await sink?.close();
  await a?.app.close();
  await b?.app.close();
  await db?.drop();
}, { timeout: 30_000 });

test('an acknowledgement and a note made on replica A reach matching subscribers on replica B', { timeout: 20_000 }, async () => {
  const client = wsClient(urlB, { token: tokenFor('viewer') });
  const core = collect<Update>(client, TICKER, { f: { deviceIds: ['core-1'] } });
  const edge = collect<Update>(client, TICKER, { f: { deviceIds: ['edge-2'] } });
  await new Promise((r) => setTimeout(r, 300)); // both registered on B

  const ack = await gql(a, 'mutation { acknowledgeAnomaly(id: "an-core", note: "looking") { id } }', {}, as('operator'));
  assert.equal(ack.status, 200, JSON.stringify(ack.errors));
  await waitFor(() => core.items.length >= 1, 'the ACKNOWLEDGED update on replica B');
  const first = core.items[0].anomalies;
  assert.equal(first.kind, 'ACKNOWLEDGED');
  assert.deepEqual(first.anomaly.acknowledgement, { by: 'operator-user', note: 'looking' });
  assert.equal(first.anomaly.events, 3, 'the merged row, not the bare event');

  await gql(a, 'mutation { annotateAnomaly(id: "an-core", text: "fibre cut, ticket 42") { id } }', {}, as('operator'));
  await waitFor(() => core.items.length >= 2, 'the ANNOTATED update on replica B');
  const second = core.items[1].anomalies;
  assert.deepEqual([second.kind, second.annotation], ['ANNOTATED', { text: 'fibre cut, ticket 42', by: 'operator-user' }]);
  assert.deepEqual(second.anomaly.annotations, [{ text: 'fibre cut, ticket 42' }]);

  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(edge.items, [], 'a subscriber filtering on another device got nothing');
  assert.equal(core.items.length, 2, 'each update arrived once');
  assert.deepEqual([core.errors, edge.errors], [[], []]);
  core.stop();
  edge.stop();
});

test('an anomaly event from the topic carries what people already noted, and filters apply', { timeout: 20_000 }, async () => {
  const client = wsClient(urlB, { token: tokenFor('viewer') });
  const major = collect<Update>(client, TICKER, { f: { minSeverity: 'MAJOR' } });
  await new Promise((r) => setTimeout(r, 300));
  const event = (severity: AnomalyEvent['severity']): AnomalyEvent => ({
    anomalyId: 'an-core', state: 'UPDATE', seriesKey: ifIn.key, deviceId: 'core-1', metric: 'if_in_bps', labels: { ifName: 'eth0' },
    startedAt: T0, ts: T0 + 60_000, endedAt: null, severity, score: 6, observed: 180, expected: 100, lower: 80, upper: 120, detector: 'zscore', reason: 'above the band',
  });
  await b.publishAnomaly(event('MINOR'));
  await b.publishAnomaly(event('CRITICAL'));
  await waitFor(() => major.items.length >= 1, 'the CRITICAL event');
  const got = major.items[0].anomalies;
  assert.deepEqual([got.kind, got.anomaly.state, got.anomaly.severity, got.anomaly.events], ['EVENT', 'UPDATE', 'CRITICAL', null]);
  assert.equal(got.anomaly.acknowledgement?.by, 'operator-user', 'the earlier acknowledgement travels with the event');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(major.items.length, 1, 'the MINOR event was filtered out');
  major.stop();
});

test('a live subscriber gets the cached latest values first, then the stream', { timeout: 20_000 }, async () => {
  await sink.writeMetrics([{ deviceId: 'core-1', source: 'snmp', ts: T0 + 5_000, samples: [
    { seriesKey: ifIn.key, metric: 'if_in_bps', labels: { ifName: 'eth0' }, unit: 'bps', value: 1234.5 },
    { seriesKey: ifOut.key, metric: 'if_out_bps', labels: { ifName: 'eth0' }, unit: 'bps', value: 99 },
  ] }]);
  const client = wsClient(urlB, { apiKey: undefined, token: tokenFor('viewer') });
  type P = { live: { seriesId: string; ts: number; value: number; snapshot: boolean } };
  const watcher = collect<P>(client, 'subscription L($ids: [ID!]!) { live(seriesIds: $ids) { seriesId ts value snapshot } }', { ids: [ifIn.id] });
  await waitFor(() => watcher.items.length >= 1, 'the snapshot');
  assert.deepEqual(watcher.items[0].live, { seriesId: ifIn.id, ts: T0 + 5_000, value: 1234.5, snapshot: true });
  let tick = 0;
  while (watcher.items.length < 2) {
    await b.publishLive({ deviceId: 'core-1', ts: T0 + 10_000 + tick++, points: [{ seriesKey: ifIn.key, value: 7 }] });
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(tick < 100, 'no streamed point arrived');
  }
  assert.deepEqual({ ...watcher.items[1].live, ts: 0 }, { seriesId: ifIn.id, ts: 0, value: 7, snapshot: false });
  assert.ok(watcher.items.every((p) => p.live.seriesId === ifIn.id), 'only the series asked for');
  watcher.stop();
});

test('a health subscriber gets the cached score first, then new scores of its devices only', { timeout: 20_000 }, async () => {
  await sink.writeHealth([{ deviceId: 'core-1', ts: T0, score: 88, components: [{ name: 'reachability', score: 100, weight: 1, detail: null }] }]);
  const client = wsClient(urlB, { token: tokenFor('viewer') });
  type H = { health: { deviceId: string; ts: number; score: number; components: Array<{ name: string }> } };
  const tiles = collect<H>(client, 'subscription H($ids: [ID!]!) { health(deviceIds: $ids) { deviceId ts score components { name } } }', { ids: ['core-1'] });
  await waitFor(() => tiles.items.length >= 1, 'the cached score');
  assert.deepEqual(tiles.items[0].health, { deviceId: 'core-1', ts: T0, score: 88, components: [{ name: 'reachability' }] });
  await new Promise((r) => setTimeout(r, 200));
  b.publishHealth({ deviceId: 'edge-2', ts: T0 + 1, score: 10, components: [] });
  b.publishHealth({ deviceId: 'core-1', ts: T0 + 2, score: 55, components: [] });
  await waitFor(() => tiles.items.length >= 2, 'the new score');
  assert.deepEqual([tiles.items[1].health.deviceId, tiles.items[1].health.score], ['core-1', 55]);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(tiles.items.length, 2, 'edge-2 was not delivered');
  tiles.stop();
});

test('a websocket is closed (4401) when its token expires, and when its API key is revoked on another replica', { timeout: 20_000 }, async () => {
  let closedByExpiry: { code: number; reason: string } | undefined;
  const shortLived = signToken({ sub: 'brief', role: 'viewer', expiresInS: 2 }, TEST_SECRET);
  const expiring = wsClient(urlB, { token: shortLived }, { closed: (e) => (closedByExpiry = e) });
  const watching = collect(expiring, `subscription { live(seriesIds: ["${ifIn.id}"], snapshot: false) { value } }`, {});

  const created = await gql<{ createApiKey: { key: string; apiKey: { id: string } } }>(a, 'mutation { createApiKey(name: "wall-9", role: viewer) { key apiKey { id } } }', {}, as('admin'));
  const { key, apiKey } = created.data!.createApiKey;
  let closedByRevocation: { code: number; reason: string } | undefined;
  const keyed = wsClient(urlB, { apiKey: key }, { closed: (e) => (closedByRevocation = e) });
  const keyedWatch = collect(keyed, `subscription { live(seriesIds: ["${ifIn.id}"], snapshot: false) { value } }`, {});
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(closedByRevocation, undefined, 'the key works until revoked');
  await gql(a, 'mutation R($id: ID!) { revokeApiKey(id: $id) { id } }', { id: apiKey.id }, as('admin'));
  await waitFor(() => closedByRevocation !== undefined, 'the close of the revoked key\'s socket', 3_000);
  assert.deepEqual([closedByRevocation!.code, closedByRevocation!.reason], [4401, 'UNAUTHENTICATED: API_KEY_INVALID']);

  await waitFor(() => closedByExpiry !== undefined, 'the close at token expiry', 5_000);
  assert.deepEqual([closedByExpiry!.code, closedByExpiry!.reason], [4401, 'UNAUTHENTICATED: TOKEN_EXPIRED']);
  void watching;
  void keyedWatch;
});

test('hostile messages on the Redis event channel are refused: nothing reaches subscribers, the replica keeps serving', { timeout: 20_000 }, async () => {
  const client = wsClient(urlB, { token: tokenFor('viewer', 'bus-watcher') });
  const ticker = collect<Update>(client, TICKER, {});
  await new Promise((r) => setTimeout(r, 300));
  const row = { id: 'an-core', state: 'OPEN', isOpen: true, seriesKey: ifIn.key, deviceId: 'core-1', metric: 'if_in_bps', labels: {}, startedAt: T0, updatedAt: T0, endedAt: null,
    severity: 'CRITICAL', peakSeverity: 'CRITICAL', score: 1, peakScore: 1, observed: 1, expected: 1, lower: 0, upper: 2, detector: 'x', reason: 'forged', events: 1 };
  const hostile = [
    'not json',
    '[]',
    '{"kind":"anomaly-update"}', // no update: a TypeError inside ioredis' parser
    '{"kind":"anomaly-update","update":{"kind":"EVENT","anomaly":{"id":"an-core"}}}', // half an anomaly
    JSON.stringify({ kind: 'anomaly-update', update: { kind: 'EVENT', anomaly: { ...row, severity: 'APOCALYPTIC' }, annotation: null } }),
    JSON.stringify({ kind: 'anomaly-update', update: { kind: 'EVENT', anomaly: { ...row, reason: 'x'.repeat(9 * 1024 * 1024) }, annotation: null } }),
    '{"kind":"api-key-revoked","id":{"toString":1}}',
    '{"kind":"api-key-revoked"}',
    '{"kind":"shutdown"}',
  ];
  const raw = new Redis(REDIS_URL);
  try {
    for (const m of hostile) await raw.publish(`${busPrefix}events`, m);
  } finally {
    await raw.quit();
  }
  // A real note made on A afterwards is the first and only update B's subscriber gets.
  const note = await gql(a, 'mutation { annotateAnomaly(id: "an-core", text: "after the noise") { id } }', {}, as('operator'));
  assert.equal(note.status, 200, JSON.stringify(note.errors));
  await waitFor(() => ticker.items.length > 0, 'the real update');
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(ticker.items.map((u) => [u.anomalies.kind, u.anomalies.annotation?.text]), [['ANNOTATED', 'after the noise']]);
  assert.deepEqual(ticker.errors, []);
  assert.equal((await gql(b, '{ me { subject } }', {}, as('viewer'))).status, 200, 'B still answers');
});
