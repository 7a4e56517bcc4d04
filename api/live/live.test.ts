// live subscriptions end to end: a real graphql-ws client on a real listener (port 0) receives the
// points publishLive fans out for its series, and only those; a connection without a token is
// refused with a coded error and a 4401 close. Then what an unauthenticated or abusive client
// could hold (issue 15, item 7), one test per attack: a socket that never sends
// connection_init, a socket flood from one address, one token holding many sockets, and
// connection_init sent again and again. Sockets come from addresses of their own in 127/8.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createClient, type Client } from 'graphql-ws';
import { createLogger } from '../../common/log.js';
import { signToken } from '../auth/jwt.js';
import type { LivePoint } from './live-hub.js';
import { buildApiServer, type ApiServer } from '../server.js';
import { createTestDatabase, insertSeries, type TestDatabase } from '../../test/api-db.js';
import { HOUR_MS } from '../../common/time-units.js';

// Node 20 has no global WebSocket; `ws` is what @fastify/websocket itself runs on.
const WebSocketImpl = createRequire(import.meta.url)('ws') as unknown;
const RawWebSocket = WebSocketImpl as typeof import('ws').WebSocket;

const SECRET = 'live-test-secret-0123456789abcdef';
const LIVE = 'subscription L($ids: [ID!]!) { live(seriesIds: $ids) { seriesId seriesKey ts value } }';

let db: TestDatabase;
let server: ApiServer;
let wsUrl: string;
let limited: ApiServer; // small socket limits
let limitedUrl: string;
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
  limited = await buildApiServer({
    pool: db.pool, jwtSecret: SECRET, uiDir: '/nonexistent', logger: createLogger({ test: 'live' }, 'error'),
    limits: { wsInitTimeoutMs: 300, wsPerAddress: 3, wsPerToken: 2 },
  });
  limitedUrl = (await limited.app.listen({ host: '127.0.0.1', port: 0 })).replace(/^http/, 'ws') + '/graphql';
}, { timeout: 30_000 });

after(async () => {
  await Promise.all(clients.map(async (c) => c.dispose()));
  for (const s of rawSockets) s.terminate();
  await server?.app.close();
  await limited?.app.close();
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

  const got = inWatcher.points[0];
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
  assert.equal(errors[0].extensions?.code, 'UNAUTHENTICATED');
  assert.equal(errors[0].extensions?.reason, 'TOKEN_MISSING');

  // A lazy client hangs up itself once its only subscription failed; a non-lazy one keeps the
  // socket, which the server must then close so an unauthenticated connection does not linger.
  let closedSecond: { code: number; reason: string } | undefined;
  const second = collect(connect({ token: 'forged.token.value' }, (e) => (closedSecond = e), false), [inOctets.id]);
  await waitFor(() => second.errors.length > 0, 'the refusal of a forged token');
  const [secondErrors] = second.errors as Array<Array<{ extensions?: { code?: string; reason?: string } }>>;
  assert.deepEqual(secondErrors[0].extensions, { code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' });
  await waitFor(() => closedSecond !== undefined, 'the close of the forged-token socket');
  assert.equal(closedSecond!.code, 4401);
  assert.match(closedSecond!.reason, /TOKEN_INVALID/);

  // A socket with an expired token that never subscribes is closed too, after a short grace.
  let closedIdle: { code: number; reason: string } | undefined;
  const expired = signToken({ sub: 'old-wall', role: 'viewer', expiresInS: 60 }, SECRET, Date.now() - HOUR_MS);
  const idle = connect({ token: expired }, (e) => (closedIdle = e), false);
  await waitFor(() => closedIdle !== undefined, 'the close of an idle unauthenticated socket');
  assert.equal(closedIdle!.code, 4401);
  assert.match(closedIdle!.reason, /TOKEN_EXPIRED/);
  void idle;

  await server.publishLive({ deviceId: 'lab-r1', ts: 3_000_000, points: [{ seriesKey: inOctets.key, value: 7 }] });
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(anonymous.points, [], 'nothing was delivered without a token');
});

// ---- issue 15, item 7: what a client can hold without authenticating, or with one token ----

interface RawSocket {
  ws: import('ws').WebSocket;
  /** HTTP status when the upgrade was refused */
  refused: Promise<number | undefined>;
  opened: Promise<boolean>;
  closed: Promise<{ code: number; reason: string }>;
  acked: Promise<boolean>;
}
const rawSockets: Array<import('ws').WebSocket> = [];

/** A graphql-ws socket from `from` (an address of 127/8); sends connection_init when given a payload. */
function rawSocket(from: string, init?: Record<string, unknown>): RawSocket {
  const ws = new RawWebSocket(limitedUrl, 'graphql-transport-ws', { localAddress: from });
  rawSockets.push(ws);
  const refused = new Promise<number | undefined>((resolve) => {
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode));
    ws.once('open', () => resolve(undefined));
    ws.once('error', () => resolve(undefined));
  });
  const opened = new Promise<boolean>((resolve) => {
    ws.once('open', () => resolve(true));
    ws.once('error', () => resolve(false));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const acked = new Promise<boolean>((resolve) => {
    ws.on('message', (data) => {
      if ((JSON.parse(data.toString()) as { type: string }).type === 'connection_ack') resolve(true);
    });
    ws.once('close', () => resolve(false));
  });
  if (init) ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: init })));
  return { ws, refused, opened, closed, acked };
}

const within = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms))]);

test('a websocket that never sends connection_init is closed with 4408', { timeout: 15_000 }, async () => {
  const t0 = Date.now();
  const idle = rawSocket('127.0.0.21');
  assert.equal(await idle.opened, true);
  const closed = await within(idle.closed, 5_000, 'the close of a socket without connection_init');
  assert.deepEqual([closed.code, closed.reason], [4408, 'Connection initialisation timeout']);
  assert.ok(Date.now() - t0 >= 250, 'not before the timeout (300 ms)');
  const prompt = rawSocket('127.0.0.21', { token: signToken({ sub: 'prompt', role: 'viewer', expiresInS: 600 }, SECRET) });
  assert.equal(await within(prompt.acked, 5_000, 'connection_ack'), true);
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(prompt.ws.readyState, RawWebSocket.OPEN, 'a socket that sent connection_init stays');
  prompt.ws.close();
});

test('a socket flood from one address is refused at the upgrade past the cap (HTTP 429)', { timeout: 15_000 }, async () => {
  const token = signToken({ sub: 'flood-address', role: 'viewer', expiresInS: 600 }, SECRET);
  // Two tokens, so the per-token cap (2) is not what refuses: the address holds 3.
  const tokens = [token, signToken({ sub: 'flood-address-2', role: 'viewer', expiresInS: 600 }, SECRET)];
  const held = [0, 1, 2].map((i) => rawSocket('127.0.0.22', { token: tokens[i % 2] }));
  assert.deepEqual(await Promise.all(held.map((s) => within(s.acked, 5_000, 'connection_ack'))), [true, true, true]);
  const extra = await Promise.all([0, 1, 2, 3, 4].map(() => rawSocket('127.0.0.22').refused));
  assert.deepEqual(extra, [429, 429, 429, 429, 429]);
  const elsewhere = rawSocket('127.0.0.23', { token: signToken({ sub: 'flood-elsewhere', role: 'viewer', expiresInS: 600 }, SECRET) });
  assert.equal(await within(elsewhere.acked, 5_000, 'connection_ack'), true, 'another address is not affected');
  held[0].ws.close();
  await held[0].closed;
  const again = rawSocket('127.0.0.22', { token: signToken({ sub: 'flood-address-3', role: 'viewer', expiresInS: 600 }, SECRET) });
  assert.equal(await within(again.acked, 5_000, 'connection_ack'), true, 'a closed socket frees its slot');
  for (const s of [...held, elsewhere, again]) s.ws.close();
});

test('one token cannot hold more than its sockets: the next is closed with 4429 LIMIT_CONNECTIONS', { timeout: 15_000 }, async () => {
  const token = signToken({ sub: 'flood-token', role: 'viewer', expiresInS: 600 }, SECRET);
  const held = ['127.0.0.24', '127.0.0.25'].map((from) => rawSocket(from, { token }));
  assert.deepEqual(await Promise.all(held.map((s) => within(s.acked, 5_000, 'connection_ack'))), [true, true]);
  const third = rawSocket('127.0.0.26', { token });
  const closed = await within(third.closed, 5_000, 'the close of the third socket');
  assert.equal(closed.code, 4429);
  assert.match(closed.reason, /LIMIT_CONNECTIONS/);
  for (const s of held) s.ws.close();
});

test('connection_init sent again on one socket is closed with 4429, not authenticated again', { timeout: 15_000 }, async () => {
  const token = signToken({ sub: 'init-flood', role: 'viewer', expiresInS: 600 }, SECRET);
  const s = rawSocket('127.0.0.27', { token });
  assert.equal(await within(s.acked, 5_000, 'connection_ack'), true);
  for (let i = 0; i < 5; i++) s.ws.send(JSON.stringify({ type: 'connection_init', payload: { token } }));
  const closed = await within(s.closed, 5_000, 'the close after a second connection_init');
  assert.deepEqual([closed.code, closed.reason], [4429, 'Too many initialisation requests']);
});
