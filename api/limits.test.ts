// Limits, each from settings and each refused with its own code before anything runs: query
// depth, estimated cost, points per request, request rate per token across replicas (Redis),
// body size, and subscriptions per connection. Then the budget evasions of issue 15 (item 6),
// one test per attack: lists costed below what they return, a negative page buying points, and
// ranges no tier should serve.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiServer } from './server.js';
import { as, collect, countingPool, disposeClients, gql, REDIS_URL, testServer, tokenFor, uniqueRedisPrefix, waitFor, WebSocketImpl, wsClient } from '../test/api-harness.js';
import { buildSchema } from 'graphql';
import { assertListsBounded } from './auth/document-check.js';
import { chargePoints, type ApiContext } from './graphql/context.js';
import { typeDefs } from './graphql/schema.js';
import { createTestDatabase, insertDevice, insertHealth, insertSeries, insertWave, type TestDatabase } from '../test/api-db.js';
import { HOUR_MS, DAY_MS } from '../common/time-units.js';

let db: TestDatabase;
let a: ApiServer;
let b: ApiServer;
let counted: ApiServer; // without Redis, on a pool that counts statements
let statements: ReturnType<typeof countingPool>;
let wsUrl: string;
let seriesId: string;

// Every request of this file comes from 127.0.0.1 (inject): the address budget is not what these test.
const LIMITS = { queryDepth: 6, queryCost: 2_000, requestsPerWindow: 5, addressRequestsPerWindow: 1_000, rateWindowMs: 60_000, bodyBytes: 4_096, subscriptionsPerConnection: 2 };

before(async () => {
  db = await createTestDatabase();
  await insertDevice(db.pool, { id: 'core-1' });
  seriesId = (await insertSeries(db.pool, { deviceId: 'core-1', metric: 'if_in_bps', labels: { ifName: 'eth0' }, unit: 'bps' })).id;
  // A big device: 150 series on 3 interfaces, more than a nested list returns by default.
  await insertDevice(db.pool, { id: 'big-1' });
  for (let i = 0; i < 150; i++) await insertSeries(db.pool, { deviceId: 'big-1', metric: `m${String(i).padStart(3, '0')}`, labels: { ifName: `eth${i % 3}` }, unit: 'bps' });
  await insertWave(db.pool, seriesId, { startMs: Date.now() - HOUR_MS, count: 60, stepMs: 60_000 });
  await insertHealth(db.pool, 'core-1', Date.now() - 60_000, 90);
  const redis = { url: REDIS_URL, keyPrefix: uniqueRedisPrefix('limits') };
  a = await testServer(db, { redis, limits: LIMITS });
  b = await testServer(db, { redis, limits: LIMITS });
  statements = countingPool(db.pool);
  counted = await testServer(db, { pool: statements.pool, limits: LIMITS });
  wsUrl = (await a.app.listen({ host: '127.0.0.1', port: 0 })).replace(/^http/, 'ws') + '/graphql';
}, { timeout: 30_000 });

after(async () => {
  await disposeClients();
  await a?.app.close();
  await b?.app.close();
  await counted?.app.close();
  await db?.drop();
}, { timeout: 30_000 });

// Each test uses its own subject, so the rate limit of one never spends another's budget.
const who = (sub: string) => ({ authorization: `Bearer ${tokenFor('admin', sub)}` });

test('a document deeper than the limit is LIMIT_DEPTH; one at the limit runs', { timeout: 10_000 }, async () => {
  const deep = '{ devices { nodes { openAnomalies { device { openAnomalies { device { id } } } } } } }'; // 7 levels
  const r = await gql(a, deep, {}, who('depth'));
  assert.deepEqual([r.status, r.errors?.[0]?.extensions.code, r.errors?.[0]?.extensions.limit], [400, 'LIMIT_DEPTH', 6]);
  const ok = await gql(a, '{ devices(first: 2) { nodes { openAnomalies(limit: 5) { device { openAnomalies(limit: 5) { id } } } } } }', {}, who('depth'));
  assert.equal(ok.status, 200, JSON.stringify(ok.errors));
});

test('a document over the cost limit is LIMIT_COST, and list arguments count', { timeout: 10_000 }, async () => {
  const doc = 'query Q($n: Int) { devices(first: $n) { nodes { id hostname series(limit: 10) { id key unit } openAnomalies(limit: 10) { id severity } } } }';
  const costly = await gql(a, doc, { n: 500 }, who('cost'));
  assert.deepEqual([costly.status, costly.errors?.[0]?.extensions.code], [400, 'LIMIT_COST']);
  const cheap = await gql(a, doc, { n: 10 }, who('cost'));
  assert.equal(cheap.status, 200, JSON.stringify(cheap.errors));
});

test('aliases cannot multiply points: the whole request is charged (LIMIT_POINTS_BUDGET)', { timeout: 10_000 }, async () => {
  // Each field alone is within the caps (10 series × 10000 points); six of them are not.
  const ids = JSON.stringify(Array.from({ length: 10 }, (_, i) => String(i + 1)));
  const fields = Array.from({ length: 6 }, (_, i) => `r${i}: readings(seriesIds: ${ids}, from: 0, to: 1000, maxPoints: 10000) { tier }`).join(' ');
  const r = await gql(a, `{ ${fields} }`, {}, who('budget'));
  assert.ok(r.errors?.some((e) => e.extensions.code === 'LIMIT_POINTS_BUDGET'), JSON.stringify(r.errors?.[0]));
});

test('the request rate per token is shared by replicas and refused with 429 LIMIT_RATE', { timeout: 10_000 }, async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) statuses.push((await gql(i % 2 === 0 ? a : b, '{ me { subject } }', {}, who('rate'))).status);
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429], 'the sixth request over both replicas is one too many');
  const limited = await gql(b, '{ me { subject } }', {}, who('rate'));
  assert.equal(limited.errors?.[0]?.extensions.code, 'LIMIT_RATE');
  assert.ok(Number(limited.errors?.[0]?.extensions.retryAfterMs) > 0);
  assert.ok(Number(limited.headers['retry-after']) >= 1);
  assert.equal((await gql(a, '{ me { subject } }', {}, who('someone-else'))).status, 200, 'another token has its own budget');
});

test('a body over the limit is refused with 413 LIMIT_BODY', { timeout: 10_000 }, async () => {
  const r = await gql(a, `{ me { subject } } # ${'x'.repeat(5_000)}`, {}, who('body'));
  assert.equal(r.status, 413);
  assert.equal(r.errors?.[0]?.extensions.code, 'LIMIT_BODY');
});

test('a connection may hold only so many subscriptions (LIMIT_SUBSCRIPTIONS); closing one frees a slot', { timeout: 15_000 }, async () => {
  const client = wsClient(wsUrl, { token: tokenFor('viewer', 'subs') });
  const doc = 'subscription L($ids: [ID!]!) { live(seriesIds: $ids, snapshot: false) { value } }';
  const first = collect(client, doc, { ids: [seriesId] });
  const second = collect(client, doc, { ids: [seriesId] });
  await new Promise((r) => setTimeout(r, 300));
  const third = collect(client, doc, { ids: [seriesId] });
  await waitFor(() => third.errors.length > 0, 'the third subscription to be refused');
  const [errors] = third.errors as Array<Array<{ extensions?: { code?: string } }>>;
  assert.equal(errors[0].extensions?.code, 'LIMIT_SUBSCRIPTIONS');
  assert.deepEqual([first.errors, second.errors], [[], []]);
  first.stop();
  await new Promise((r) => setTimeout(r, 300));
  const fourth = collect(client, doc, { ids: [seriesId] });
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(fourth.errors, [], 'a slot freed by an unsubscribe is usable again');
  void as;
});

test('subscriptions are checked too: an admin-only field is FORBIDDEN, a too-deep one LIMIT_DEPTH', { timeout: 15_000 }, async () => {
  const client = wsClient(wsUrl, { token: tokenFor('viewer', 'sub-checks') });
  const forbidden = collect(client, 'subscription { anomalies { anomaly { id device { snmp } } } }', {});
  const deep = collect(client, 'subscription { anomalies { anomaly { device { openAnomalies { device { openAnomalies { id } } } } } } }', {});
  await waitFor(() => forbidden.errors.length > 0 && deep.errors.length > 0, 'both refusals');
  const codeOf = (errors: unknown[]) => (errors[0] as Array<{ extensions?: { code?: string } }>)[0]?.extensions?.code;
  assert.equal(codeOf(forbidden.errors), 'FORBIDDEN');
  assert.equal(codeOf(deep.errors), 'LIMIT_DEPTH');
});

test('introspection works, but cannot be nested without bound', { timeout: 10_000 }, async () => {
  const ok = await gql(a, '{ __schema { queryType { name } types { name kind fields { name type { name kind ofType { name kind ofType { name } } } } } } }', {}, who('introspect'));
  assert.equal(ok.status, 200, JSON.stringify(ok.errors));
  let nested = '{ name }';
  for (let i = 0; i < 30; i++) nested = `{ ofType ${nested} }`;
  const deep = await gql(a, `{ __type(name: "Device") { fields { type ${nested} } } }`, {}, who('introspect'));
  assert.equal(deep.errors?.[0]?.extensions.code, 'LIMIT_DEPTH');
});

// ---- issue 15, item 6: budgets that could be evaded ----

test('Device.series flood: a list without arguments is costed at what it may return, not 10', { timeout: 10_000 }, async () => {
  // Costed at 10 a list, this asked for 20 × 10 series for 440; a device's series are 100 by
  // default (up to 1000), so it is 4,040, over the limit of 2,000.
  const flood = await gql(a, '{ devices(first: 20) { nodes { series { id key } } } }', {}, who('series-flood'));
  assert.deepEqual([flood.status, flood.errors?.[0]?.extensions.code], [400, 'LIMIT_COST']);
  const interfaces = await gql(a, '{ devices(first: 5) { nodes { interfaces { series { id key } } } } }', {}, who('series-flood'));
  assert.equal(interfaces.errors?.[0]?.extensions.code, 'LIMIT_COST', 'nested lists multiply their bounds');
  // And what is returned is what was costed: the default page, or the limit asked for.
  const big = await gql<{ device: { series: unknown[]; more: unknown[]; interfaces: Array<{ series: unknown[] }> } }>(
    a, '{ device(id: "big-1") { series { id } more: series(limit: 120) { id } interfaces(limit: 2) { series(limit: 7) { id } } } }', {}, who('series-flood'));
  assert.equal(big.status, 200, JSON.stringify(big.errors));
  assert.deepEqual([big.data!.device.series.length, big.data!.device.more.length], [100, 120]);
  assert.deepEqual(big.data!.device.interfaces.map((i) => i.series.length), [7, 7]);
  const tooMany = await gql(a, '{ device(id: "big-1") { series(limit: 5000) { id } } }', {}, who('series-flood'));
  assert.deepEqual([tooMany.status, tooMany.errors?.[0]?.extensions.code], [400, 'BAD_USER_INPUT']);
});

test('every list of objects in the schema has a bound (@list or the ids it names)', () => {
  assert.doesNotThrow(() => assertListsBounded(buildSchema(typeDefs)));
  const unbounded = buildSchema('directive @list(max: Int!) on FIELD_DEFINITION type T { id: ID } type Query { ts: [T!]! bounded(limit: Int): [T!]! @list(max: 5) }');
  assert.throws(() => assertListsBounded(unbounded), /Query\.ts/);
});

test('family(limit: -1000000) cannot buy points: arguments are checked before anything is charged', { timeout: 10_000 }, async () => {
  // Six readings of 10 series × 10,000 points are over the 500,000 points a request may have;
  // a family field asking for -1,000,000 series once charged -500,000,000 points first.
  const ids = JSON.stringify(Array.from({ length: 10 }, (_, i) => String(i + 1)));
  const readings = Array.from({ length: 6 }, (_, i) => `r${i}: readings(seriesIds: ${ids}, from: 0, to: 1000, maxPoints: 10000) { tier }`).join(' ');
  statements.reset();
  const r = await gql(counted, `{ f: family(family: OPTICAL_POWER, from: 0, to: 1000, limit: -1000000, maxPoints: 500) { family } ${readings} }`, {}, who('negative'));
  assert.equal(r.status, 400, r.raw.slice(0, 300));
  assert.equal(r.errors?.[0]?.extensions.code, 'BAD_USER_INPUT');
  assert.equal(statements.statements(), 0, 'no readings ran on the points the negative limit would have bought');
  const negativeFirst = await gql(a, '{ devices(first: -5) { nodes { id } } }', {}, who('negative'));
  assert.deepEqual([negativeFirst.status, negativeFirst.errors?.[0]?.extensions.code], [400, 'BAD_USER_INPUT']);
  const ctx = { pointsBudget: { remaining: 100, limit: 100 } } as ApiContext;
  assert.throws(() => chargePoints(ctx, -1_000), /points charged must be a count/);
  assert.equal(ctx.pointsBudget.remaining, 100);
});

test('a raw-tier query over years is refused (LIMIT_RANGE); an automatic one moves to a tier that may serve it', { timeout: 10_000 }, async () => {
  const now = Date.now();
  const YEAR = 365 * DAY_MS;
  const doc = 'query R($ids: [ID!]!, $from: Float!, $to: Float!, $tier: String, $max: Int) { readings(seriesIds: $ids, from: $from, to: $to, tier: $tier, maxPoints: $max) { tier bucketMs } }';
  const forced = await gql(a, doc, { ids: [seriesId], from: now - 3 * YEAR, to: now, tier: 'raw' }, who('range'));
  assert.deepEqual([forced.status, forced.errors?.[0]?.extensions.code], [400, 'LIMIT_RANGE'], forced.raw.slice(0, 300));
  assert.deepEqual([(forced.errors?.[0]?.extensions as Record<string, unknown>).tier, (forced.errors?.[0]?.extensions as Record<string, unknown>).limitDays], ['raw', 7]);
  // 30 days at 10,000 points would be 259 s buckets, raw; past the raw tier's 7 days it is 5m.
  const auto = await gql<{ readings: Array<{ tier: string; bucketMs: number }> }>(a, doc, { ids: [seriesId], from: now - 30 * DAY_MS, to: now, max: 10_000 }, who('range'));
  assert.equal(auto.status, 200, auto.raw.slice(0, 300));
  assert.deepEqual(auto.data!.readings.map((r) => [r.tier, r.bucketMs]), [['5m', 300_000]]);
  const recent = await gql<{ readings: Array<{ tier: string }> }>(a, doc, { ids: [seriesId], from: now - HOUR_MS, to: now }, who('range'));
  assert.deepEqual(recent.data?.readings.map((r) => r.tier), ['raw'], 'an hour is still raw');
  const epoch = await gql(a, doc, { ids: [seriesId], from: 0, to: now }, who('range'));
  assert.equal(epoch.errors?.[0]?.extensions.code, 'LIMIT_RANGE', 'past the coarsest tier (1d, ten years)');
  const health = await gql(a, 'query H($from: Float!, $to: Float!) { healthHistory(deviceIds: ["core-1"], from: $from, to: $to) { tier } }', { from: 0, to: now }, who('range'));
  assert.equal(health.errors?.[0]?.extensions.code, 'LIMIT_RANGE');
});

// ---- issue 15, item 7: rate limits before authentication, and on websocket operations ----

test('an unauthenticated flood from one address is refused with 429 before any credential is looked at', { timeout: 15_000 }, async () => {
  const lookups = countingPool(db.pool, /from api_keys where key_id/);
  const flood = await testServer(db, { pool: lookups.pool, redis: { url: REDIS_URL, keyPrefix: uniqueRedisPrefix('flood') }, limits: { ...LIMITS, addressRequestsPerWindow: 5 } });
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      // A new forged key each time: without the address limit, one PostgreSQL lookup each.
      const key = `ock_${i.toString(16).padStart(16, '0')}_${'B'.repeat(43)}`;
      const res = await flood.app.inject({ method: 'POST', url: '/graphql', remoteAddress: '10.9.9.9', headers: { 'x-api-key': key }, payload: { query: '{ me { subject } }' } });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) assert.equal((res.json() as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code, 'LIMIT_RATE');
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429, 429]);
    assert.equal(lookups.statements(), 5, 'the refused requests looked nothing up');
    const other = await flood.app.inject({ method: 'POST', url: '/graphql', remoteAddress: '10.9.9.10', headers: as('viewer'), payload: { query: '{ me { subject } }' } });
    assert.equal(other.statusCode, 200, 'another address has its own budget');
    // Websocket upgrades count too: from an address of its own, the sixth is refused with 429.
    const url = (await flood.app.listen({ host: '127.0.0.1', port: 0 })).replace(/^http/, 'ws') + '/graphql';
    const WS = WebSocketImpl as typeof import('ws').WebSocket;
    const upgrades: Array<number | 'open'> = [];
    for (let i = 0; i < 6; i++) {
      const ws = new WS(url, 'graphql-transport-ws', { localAddress: '127.0.0.31' });
      upgrades.push(await new Promise<number | 'open'>((resolve) => {
        ws.once('open', () => resolve('open'));
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('error', () => resolve(0));
      }));
      ws.terminate();
    }
    assert.deepEqual(upgrades, ['open', 'open', 'open', 'open', 'open', 429]);
  } finally {
    await flood.app.close();
  }
});

test('subscribe flood: every subscribe counts against the token\'s rate; a socket that keeps flooding is closed (4429)', { timeout: 20_000 }, async () => {
  const WS = WebSocketImpl as typeof import('ws').WebSocket;
  const ws = new WS(wsUrl, 'graphql-transport-ws');
  const codes: string[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const acked = new Promise<void>((resolve) => ws.on('message', (data) => {
    const msg = JSON.parse(data.toString()) as { type: string; payload?: Array<{ extensions?: { code?: string } }> };
    if (msg.type === 'connection_ack') resolve();
    if (msg.type === 'error') codes.push(msg.payload?.[0]?.extensions?.code ?? '?');
  }));
  ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { token: tokenFor('viewer', 'subscribe-flood') } })));
  await acked;
  for (let i = 0; i < 40; i++) ws.send(JSON.stringify({ id: `s${i}`, type: 'subscribe', payload: { query: 'subscription { anomalies { kind } }' } }));
  const { code, reason } = await Promise.race([closed, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the flooding socket was not closed within 10 s')), 10_000))]);
  assert.deepEqual([code, reason], [4429, 'LIMIT_RATE: too many subscriptions refused for their rate']);
  // 5 within the rate (2 of them held, 3 over the subscriptions per connection), then refusals.
  assert.ok(codes.filter((c) => c === 'LIMIT_RATE').length >= 20, JSON.stringify(codes));
  // The same token over HTTP is out of budget too: the rate is the token's, whatever the transport.
  assert.equal((await gql(a, '{ me { subject } }', {}, { authorization: `Bearer ${tokenFor('viewer', 'subscribe-flood')}` })).status, 429);
});
