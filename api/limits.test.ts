// Limits, each from settings and each refused with its own code before anything runs: query
// depth, estimated cost, points per request, request rate per token across replicas (Redis),
// body size, and subscriptions per connection.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiServer } from './server.js';
import { as, collect, disposeClients, gql, REDIS_URL, testServer, tokenFor, uniqueRedisPrefix, waitFor, wsClient } from './test-support.js';
import { createTestDatabase, insertDevice, insertSeries, type TestDatabase } from './test-db.js';

let db: TestDatabase;
let a: ApiServer;
let b: ApiServer;
let wsUrl: string;
let seriesId: string;

const LIMITS = { queryDepth: 6, queryCost: 2_000, requestsPerWindow: 5, rateWindowMs: 60_000, bodyBytes: 4_096, subscriptionsPerConnection: 2 };

before(async () => {
  db = await createTestDatabase();
  await insertDevice(db.pool, { id: 'core-1' });
  seriesId = (await insertSeries(db.pool, { deviceId: 'core-1', metric: 'if_in_bps', labels: { ifName: 'eth0' }, unit: 'bps' })).id;
  const redis = { url: REDIS_URL, keyPrefix: uniqueRedisPrefix('limits') };
  a = await testServer(db, { redis, limits: LIMITS });
  b = await testServer(db, { redis, limits: LIMITS });
  wsUrl = (await a.app.listen({ host: '127.0.0.1', port: 0 })).replace(/^http/, 'ws') + '/graphql';
}, { timeout: 30_000 });

after(async () => {
  await disposeClients();
  await a?.app.close();
  await b?.app.close();
  await db?.drop();
}, { timeout: 30_000 });

// Each test uses its own subject, so the rate limit of one never spends another's budget.
const who = (sub: string) => ({ authorization: `Bearer ${tokenFor('admin', sub)}` });

test('a document deeper than the limit is LIMIT_DEPTH; one at the limit runs', { timeout: 10_000 }, async () => {
  const deep = '{ devices { nodes { openAnomalies { device { openAnomalies { device { id } } } } } } }'; // 7 levels
  const r = await gql(a, deep, {}, who('depth'));
  assert.deepEqual([r.status, r.errors?.[0]?.extensions.code, r.errors?.[0]?.extensions.limit], [400, 'LIMIT_DEPTH', 6]);
  const ok = await gql(a, '{ devices(first: 2) { nodes { openAnomalies { device { openAnomalies { id } } } } } }', {}, who('depth'));
  assert.equal(ok.status, 200, JSON.stringify(ok.errors));
});

test('a document over the cost limit is LIMIT_COST, and list arguments count', { timeout: 10_000 }, async () => {
  const doc = 'query Q($n: Int) { devices(first: $n) { nodes { id hostname series { id key unit } openAnomalies { id severity } } } }';
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
  assert.equal(errors![0]!.extensions?.code, 'LIMIT_SUBSCRIPTIONS');
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
