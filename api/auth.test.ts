// Authentication over HTTP: missing, forged and expired tokens are refused with 401 and their
// reason; a viewer token reads. Plus the JWT module's own contract.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createLogger } from '../common/log.js';
import { signToken, verifyToken, TokenError } from './auth/jwt.js';
import { buildApiServer, type ApiServer } from './server.js';
import { createTestDatabase, insertSeries, type TestDatabase } from './test-db.js';

const SECRET = 'auth-test-secret-0123456789abcdef';
const SERIES_QUERY = '{ series { id key deviceId metric labels unit } }';

let db: TestDatabase;
let server: ApiServer;

interface GqlBody { data: unknown; errors?: Array<{ message: string; extensions: { code: string; reason?: string } }> }

async function post(query: string, authorization?: string) {
  const res = await server.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: authorization === undefined ? {} : { authorization },
    payload: { query },
  });
  return { status: res.statusCode, body: res.json() as GqlBody, headers: res.headers, raw: res.body };
}

function assertRefused(r: Awaited<ReturnType<typeof post>>, reason: string) {
  assert.equal(r.status, 401);
  assert.equal(r.body.data, null);
  assert.equal(r.body.errors?.[0]?.extensions.code, 'UNAUTHENTICATED');
  assert.equal(r.body.errors?.[0]?.extensions.reason, reason);
  assert.equal(r.headers['www-authenticate'], 'Bearer');
  assert.doesNotMatch(r.raw, /stack|at .*\.(ts|js)/);
}

function b64(obj: unknown) {
  return Buffer.from(JSON.stringify(obj)).toString('base64url');
}

before(async () => {
  db = await createTestDatabase();
  await insertSeries(db.pool, { deviceId: 'lab-r1', metric: 'if_in_bps', labels: { ifName: 'eth0' }, unit: 'bps' });
  server = await buildApiServer({ pool: db.pool, jwtSecret: SECRET, uiDir: '/nonexistent', logger: createLogger({ test: 'auth' }, 'error') });
}, { timeout: 30_000 });

after(async () => {
  await server?.app.close();
  await db?.drop();
}, { timeout: 30_000 });

test('no token: 401 UNAUTHENTICATED, reason TOKEN_MISSING', { timeout: 10_000 }, async () => {
  assertRefused(await post(SERIES_QUERY), 'TOKEN_MISSING');
});

test('forged tokens: TOKEN_INVALID', { timeout: 10_000 }, async () => {
  const otherSecret = signToken({ sub: 'mallory', role: 'admin', expiresInS: 600 }, 'not-the-server-secret-at-all');
  assertRefused(await post(SERIES_QUERY, `Bearer ${otherSecret}`), 'TOKEN_INVALID');

  // A real viewer token whose payload was rewritten to admin, signature kept.
  const [header, , signature] = signToken({ sub: 'eve', role: 'viewer', expiresInS: 600 }, SECRET).split('.');
  const now = Math.floor(Date.now() / 1000);
  const tampered = `${header}.${b64({ sub: 'eve', role: 'admin', iat: now, exp: now + 600 })}.${signature}`;
  assertRefused(await post(SERIES_QUERY, `Bearer ${tampered}`), 'TOKEN_INVALID');

  const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'eve', role: 'admin', iat: now, exp: now + 600 })}.`;
  assertRefused(await post(SERIES_QUERY, `Bearer ${unsigned}`), 'TOKEN_INVALID');

  assertRefused(await post(SERIES_QUERY, 'Basic dXNlcjpwYXNz'), 'TOKEN_INVALID');
});

test('expired token: TOKEN_EXPIRED', { timeout: 10_000 }, async () => {
  const anHourAgo = Date.now() - 3_600_000;
  const expired = signToken({ sub: 'viewer-1', role: 'viewer', expiresInS: 60 }, SECRET, anHourAgo);
  assertRefused(await post(SERIES_QUERY, `Bearer ${expired}`), 'TOKEN_EXPIRED');
});

test('a viewer token can query', { timeout: 10_000 }, async () => {
  const viewer = signToken({ sub: 'wall-1', role: 'viewer', expiresInS: 600 }, SECRET);
  const r = await post(SERIES_QUERY, `Bearer ${viewer}`);
  assert.equal(r.status, 200, r.raw);
  assert.deepEqual(r.body.data, {
    series: [{ id: '1', key: 'lab-r1/if_in_bps{ifName=eth0}', deviceId: 'lab-r1', metric: 'if_in_bps', labels: { ifName: 'eth0' }, unit: 'bps' }],
  });
  const searched = await post('{ series(search: "NOPE_%") { id } }', `Bearer ${viewer}`);
  assert.deepEqual(searched.body.data, { series: [] }, 'search wildcards are literal');
});

test('a GET carrying an Upgrade header without a handshake is still authenticated', { timeout: 10_000 }, async () => {
  const res = await server.app.inject({ method: 'GET', url: `/graphql?query=${encodeURIComponent(SERIES_QUERY)}`, headers: { upgrade: 'websocket' } });
  assert.equal(res.statusCode, 401);
});

test('invalid documents get GRAPHQL_VALIDATION_FAILED; health routes need no token', { timeout: 10_000 }, async () => {
  const viewer = signToken({ sub: 'wall-1', role: 'viewer', expiresInS: 600 }, SECRET);
  const r = await post('{ series { nope } }', `Bearer ${viewer}`);
  assert.equal(r.status, 400);
  assert.equal(r.body.errors?.[0]?.extensions.code, 'GRAPHQL_VALIDATION_FAILED');
  assert.equal((await server.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  const ready = await server.app.inject({ method: 'GET', url: '/readyz' });
  assert.deepEqual([ready.statusCode, ready.json()], [200, { status: 'ready' }]);
});

test('verifyToken: claims back, and a coded TokenError for each failure', () => {
  const now = Date.UTC(2026, 0, 1);
  const token = signToken({ sub: 'ops', role: 'analyst', expiresInS: 3_600 }, SECRET, now);
  assert.deepEqual(verifyToken(token, SECRET, now + 1_000), { sub: 'ops', role: 'analyst', iat: now / 1000, exp: now / 1000 + 3_600 });
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      assert.ok(err instanceof TokenError);
      return err.code;
    }
    return 'no error';
  };
  assert.equal(codeOf(() => verifyToken(undefined, SECRET)), 'TOKEN_MISSING');
  assert.equal(codeOf(() => verifyToken('', SECRET)), 'TOKEN_MISSING');
  assert.equal(codeOf(() => verifyToken('a.b', SECRET)), 'TOKEN_INVALID');
  assert.equal(codeOf(() => verifyToken(token, SECRET + 'x', now)), 'TOKEN_INVALID');
  assert.equal(codeOf(() => verifyToken(token, SECRET, now + 3_700_000)), 'TOKEN_EXPIRED');
  const badRole = (() => {
    const h = b64({ alg: 'HS256', typ: 'JWT' });
    const p = b64({ sub: 'x', role: 'root', iat: now / 1000, exp: now / 1000 + 60 });
    return `${h}.${p}.${createHmac('sha256', SECRET).update(`${h}.${p}`).digest('base64url')}`;
  })();
  assert.equal(codeOf(() => verifyToken(badRole, SECRET, now)), 'TOKEN_INVALID');
});
