// live subscriptions end to end: a real graphql-ws client on a real listener (port 0) receives the
// points publishLive fans out for its series, and only those; a connection without a token is
// refused with a coded error and a 4401 close.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createClient, type Client } from 'graphql-ws';
import { createLogger } from '../common/log.js';
import { signToken } from './auth/jwt.js';
import type { LivePoint } from './live/live-hub.js';
import { buildApiServer, type ApiServer } from './server.js';
import { createTestDatabase, insertSeries, type TestDatabase } from './test-db.js';

// Node 20 has no global WebSocket; `ws` is what @fastify/websocket itself runs on.
const WebSocketImpl = createRequire(import.meta.url)('ws') as unknown;

const SECRET = 'live-test-secret-0123456789abcdef';
const LIVE = 'subscription L($ids: [ID!]!) { live(seriesIds: $ids) { seriesId seriesKey ts value } }';

let db: TestDatabase;
let server: ApiServer;
let wsUrl: string;
let inOctets: { id: string; key: string };
let outOctets: { id: string; key: string };
const clients: Client[] = [];

function connect(connectionParams: Record<string, unknown>, closed?: (event: { code: number; reason: string }) => void, lazy = true): Client {
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocketImpl,
    connectionParams,
    retryAttempts: 0,
    lazy,
    onNonLazyError: () => {},
    on: { closed: (e) => closed?.(e as { code: number; reason: string }) },
  });
  clients.push(client);
  return client;
}

function collect(client: Client, ids: string[]) {
  const points: LivePoint[] = [];
  const errors: unknown[] = [];
  const stop = client.subscribe<{ live: LivePoint }>(
    { query: LIVE, variables: { ids } },
    { next: (r) => r.data && points.push(r.data.live), error: (e) => errors.push(e), complete: () => {} },
  );
  return { points, errors, stop };
}

/** Publishes until `done` holds: a subscription registers asynchronously after subscribe(). */
async function publishUntil(batch: () => Parameters<ApiServer['publishLive']>[0], done: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    assert.ok(Date.now() < deadline, 'timed out waiting for a live point');
    await server.publishLive(batch());
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

before(async () => {
  db = await createTestDatabase();
  inOctets = await insertSeries(db.pool, { deviceId: 'lab-r1', metric: 'if_in_bps', labels: { ifName: 'eth0' }, unit: 'bps' });
  outOctets = await insertSeries(db.pool, { deviceId: 'lab-r1', metric: 'if_out_bps', labels: { ifName: 'eth0' }, unit: 'bps' });
  server = await buildApiServer({ pool: db.pool, jwtSecret: SECRET, uiDir: '/nonexistent', logger: createLogger({ test: 'live' }, 'error') });
  const address = await server.app.listen({ host: '127.0.0.1', port: 0 });
  wsUrl = address.replace(/^http/, 'ws') + '/graphql';
}, { timeout: 30_000 });

after(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await server?.app.close();
  await db?.drop();
}, { timeout: 30_000 });

test('a subscriber gets the points of its series and not of others', { timeout: 15_000 }, async () => {
  const token = signToken({ sub: 'wall', role: 'viewer', expiresInS: 600 }, SECRET);
  const inWatcher = collect(connect({ token }), [inOctets.id]);
  const outWatcher = collect(connect({ token }), [outOctets.id]);

  // First make sure the out-watcher is live (it sees its own series), then publish the in-series.
  let tick = 0;
  await publishUntil(
    () => ({ deviceId: 'lab-r1', ts: 1_000 + tick++, points: [{ seriesKey: outOctets.key, value: 1 }] }),
    () => outWatcher.points.length > 0,
  );
  await publishUntil(
    () => ({ deviceId: 'lab-r1', ts: 2_000_000 + tick++, points: [{ seriesKey: inOctets.key, value: 42.5 }, { seriesKey: 'lab-r9/unknown', value: 3 }] }),
    () => inWatcher.points.length > 0,
  );

  const got = inWatcher.points[0]!;
  assert.equal(got.seriesId, inOctets.id);
  assert.equal(got.seriesKey, inOctets.key);
  assert.equal(got.value, 42.5);
  assert.ok(got.ts >= 2_000_000);
  assert.ok(inWatcher.points.every((p) => p.seriesId === inOctets.id));
  assert.ok(outWatcher.points.every((p) => p.seriesId === outOctets.id), 'the out-watcher saw no in-series point');
  assert.deepEqual([inWatcher.errors, outWatcher.errors], [[], []]);
  inWatcher.stop();
  outWatcher.stop();
});

test('a connection without a token is refused: UNAUTHENTICATED, then close 4401', { timeout: 15_000 }, async () => {
  const anonymous = collect(connect({}), [inOctets.id]);
  await waitFor(() => anonymous.errors.length > 0, 'the refusal');
  const [errors] = anonymous.errors as Array<Array<{ message: string; extensions?: { code?: string; reason?: string } }>>;
  assert.equal(errors![0]!.extensions?.code, 'UNAUTHENTICATED');
  assert.equal(errors![0]!.extensions?.reason, 'TOKEN_MISSING');

  // A lazy client hangs up itself once its only subscription failed; a non-lazy one keeps the
  // socket, which the server must then close so an unauthenticated connection does not linger.
  let closedSecond: { code: number; reason: string } | undefined;
  const second = collect(connect({ token: 'forged.token.value' }, (e) => (closedSecond = e), false), [inOctets.id]);
  await waitFor(() => second.errors.length > 0, 'the refusal of a forged token');
  const [secondErrors] = second.errors as Array<Array<{ extensions?: { code?: string; reason?: string } }>>;
  assert.deepEqual(secondErrors![0]!.extensions, { code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' });
  await waitFor(() => closedSecond !== undefined, 'the close of the forged-token socket');
  assert.equal(closedSecond!.code, 4401);
  assert.match(closedSecond!.reason, /TOKEN_INVALID/);

  // A socket with an expired token that never subscribes is closed too, after a short grace.
  let closedIdle: { code: number; reason: string } | undefined;
  const expired = signToken({ sub: 'old-wall', role: 'viewer', expiresInS: 60 }, SECRET, Date.now() - 3_600_000);
  const idle = connect({ token: expired }, (e) => (closedIdle = e), false);
  await waitFor(() => closedIdle !== undefined, 'the close of an idle unauthenticated socket');
  assert.equal(closedIdle!.code, 4401);
  assert.match(closedIdle!.reason, /TOKEN_EXPIRED/);
  void idle;

  await server.publishLive({ deviceId: 'lab-r1', ts: 3_000_000, points: [{ seriesKey: inOctets.key, value: 7 }] });
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(anonymous.points, [], 'nothing was delivered without a token');
});
