// Authentication over HTTP: missing, forged and expired tokens are refused with 401 and their
// reason; a viewer token reads. Plus the token verifier's own contract, and tokens of an
// identity provider (issue 15, item 8): JWKS with a key rotation, issuer, audience, nbf, the
// longest lifetime, the role claim, HS256 off when an identity provider is configured.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createLogger } from '../../common/log.js';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, SignJWT } from 'jose';
import { signToken, TokenError } from './jwt.js';
import { jwtConfigOf, TokenVerifier } from './token-verifier.js';
import { buildApiServer, type ApiServer } from '../server.js';
import { createTestDatabase, insertSeries, type TestDatabase } from '../../test/api-db.js';
import { HOUR_MS } from '../../common/time-units.js';

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
  await startIdpServers();
}, { timeout: 30_000 });

after(async () => {
  await Promise.all([server, idp, idpAndHs256, idpSlowRefetch].map((s) => s?.app.close()));
  jwksServer.server.close();
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
  const anHourAgo = Date.now() - HOUR_MS;
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

test('TokenVerifier (HS256): claims back, and a coded TokenError for each failure', async () => {
  const verifier = new TokenVerifier(jwtConfigOf({ secret: SECRET }));
  const now = Date.UTC(2026, 0, 1);
  const token = signToken({ sub: 'ops', role: 'analyst', expiresInS: 3_600 }, SECRET, now);
  assert.deepEqual(await verifier.verify(token, now + 1_000), { sub: 'ops', role: 'analyst', iat: now / 1000, exp: now / 1000 + 3_600 });
  const codeOf = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      assert.ok(err instanceof TokenError, String(err));
      return err.code;
    }
    return 'no error';
  };
  assert.equal(await codeOf(verifier.verify(undefined)), 'TOKEN_MISSING');
  assert.equal(await codeOf(verifier.verify('')), 'TOKEN_MISSING');
  assert.equal(await codeOf(verifier.verify('a.b')), 'TOKEN_INVALID');
  assert.equal(await codeOf(new TokenVerifier(jwtConfigOf({ secret: SECRET + 'x' })).verify(token, now)), 'TOKEN_INVALID');
  assert.equal(await codeOf(verifier.verify(token, now + 3_700_000)), 'TOKEN_EXPIRED');
  const badRole = (() => {
    const h = b64({ alg: 'HS256', typ: 'JWT' });
    const p = b64({ sub: 'x', role: 'root', iat: now / 1000, exp: now / 1000 + 60 });
    return `${h}.${p}.${createHmac('sha256', SECRET).update(`${h}.${p}`).digest('base64url')}`;
  })();
  assert.equal(await codeOf(verifier.verify(badRole, now)), 'TOKEN_INVALID');
});

// ---- issue 15, item 8: tokens of an identity provider (JWKS served here, keys made here) ----

const ISSUER = 'https://idp.example/realms/noc';
const AUDIENCE = 'opsconductor-api';
const keyA = generateKeyPairSync('rsa', { modulusLength: 2048 });
const keyB = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwkOf = async (pair: typeof keyA, kid: string) => ({ ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' });

/** A JWKS endpoint whose key set a test changes (a rotation); counts its fetches. */
const jwksServer = { keys: [] as unknown[], fetches: 0, server: createServer(), url: '' };
let idp: ApiServer; // the identity provider's tokens only (HS256 off by default)
let idpAndHs256: ApiServer; // API_JWT_HS256=on
let idpSlowRefetch: ApiServer; // the default cooldown between JWKS fetches

async function idpToken(pair: typeof keyA, kid: string, claims: Record<string, unknown> = {}, opts: { lifetimeS?: number; iatS?: number } = {}): Promise<string> {
  const iat = opts.iatS ?? Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'alice@noc', realm_access: { roles: ['offline_access', 'operator', 'viewer'] }, iat, exp: iat + (opts.lifetimeS ?? 600), ...claims })
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
    .sign(pair.privateKey);
}

async function startIdpServers(): Promise<void> {
  jwksServer.keys = [await jwkOf(keyA, 'key-a')];
  jwksServer.server.on('request', (_req, res) => {
    jwksServer.fetches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: jwksServer.keys }));
  });
  await new Promise<void>((r) => jwksServer.server.listen(0, '127.0.0.1', r));
  jwksServer.url = `http://127.0.0.1:${(jwksServer.server.address() as AddressInfo).port}/realms/noc/protocol/openid-connect/certs`;
  const jwt = { jwksUrl: jwksServer.url, issuer: ISSUER, audience: [AUDIENCE], roleClaim: 'realm_access.roles', jwksCooldownMs: 0 };
  const logger = createLogger({ test: 'auth-idp' }, 'error');
  idp = await buildApiServer({ pool: db.pool, jwtSecret: SECRET, jwt, uiDir: '/nonexistent', logger });
  idpAndHs256 = await buildApiServer({ pool: db.pool, jwtSecret: SECRET, jwt: { ...jwt, hs256: 'on' }, uiDir: '/nonexistent', logger });
  idpSlowRefetch = await buildApiServer({ pool: db.pool, jwt: { ...jwt, jwksCooldownMs: undefined }, uiDir: '/nonexistent', logger });
}

async function meAs(s: ApiServer, token: string) {
  const res = await s.app.inject({ method: 'POST', url: '/graphql', headers: { authorization: `Bearer ${token}` }, payload: { query: '{ me { subject role via } }' } });
  const body = res.json() as { data: { me: unknown } | null; errors?: Array<{ message: string; extensions: { code: string; reason?: string } }> };
  return { status: res.statusCode, me: body.data?.me, code: body.errors?.[0]?.extensions.code, reason: body.errors?.[0]?.extensions.reason, message: body.errors?.[0]?.message };
}

test('identity-provider tokens: keys from the JWKS URL, the role from a configured claim (its highest known role)', { timeout: 10_000 }, async () => {
  const r = await meAs(idp, await idpToken(keyA, 'key-a'));
  assert.deepEqual([r.status, r.me], [200, { subject: 'alice@noc', role: 'operator', via: 'JWT' }]);
  const noRole = await meAs(idp, await idpToken(keyA, 'key-a', { realm_access: { roles: ['offline_access'] } }));
  assert.deepEqual([noRole.status, noRole.reason], [401, 'TOKEN_INVALID']);
});

test('key rotation: a token signed by a new key is accepted once the JWKS has it; the retired key is refused', { timeout: 10_000 }, async () => {
  assert.equal((await meAs(idp, await idpToken(keyA, 'key-a'))).status, 200);
  jwksServer.keys = [await jwkOf(keyB, 'key-b')]; // the provider rotates: key-a retired
  const rotated = await meAs(idp, await idpToken(keyB, 'key-b'));
  assert.deepEqual([rotated.status, rotated.me], [200, { subject: 'alice@noc', role: 'operator', via: 'JWT' }], rotated.message);
  const retired = await meAs(idp, await idpToken(keyA, 'key-a'));
  assert.deepEqual([retired.status, retired.reason], [401, 'TOKEN_INVALID'], 'the key set was fetched again: key-a is gone');
  jwksServer.keys = [await jwkOf(keyA, 'key-a'), await jwkOf(keyB, 'key-b')];
});

test('a token of another issuer is refused (wrong iss)', { timeout: 10_000 }, async () => {
  const r = await meAs(idp, await idpToken(keyA, 'key-a', { iss: 'https://evil.example/realms/noc' }));
  assert.deepEqual([r.status, r.reason], [401, 'TOKEN_INVALID']);
  assert.match(r.message!, /iss/);
});

test('a token minted for another audience is refused (wrong aud)', { timeout: 10_000 }, async () => {
  const r = await meAs(idp, await idpToken(keyA, 'key-a', { aud: 'some-other-app' }));
  assert.deepEqual([r.status, r.reason], [401, 'TOKEN_INVALID']);
  assert.match(r.message!, /aud/);
  const none = await meAs(idp, await idpToken(keyA, 'key-a', { aud: undefined }));
  assert.deepEqual([none.status, none.reason], [401, 'TOKEN_INVALID'], 'aud is required');
});

test('a token not valid yet (nbf in the future) is refused', { timeout: 10_000 }, async () => {
  const r = await meAs(idp, await idpToken(keyA, 'key-a', { nbf: Math.floor(Date.now() / 1000) + 3_600 }));
  assert.deepEqual([r.status, r.reason], [401, 'TOKEN_INVALID']);
  assert.match(r.message!, /nbf/);
});

test('an expired identity-provider token is TOKEN_EXPIRED', { timeout: 10_000 }, async () => {
  const r = await meAs(idp, await idpToken(keyA, 'key-a', {}, { iatS: Math.floor(Date.now() / 1000) - 7_200, lifetimeS: 3_600 }));
  assert.deepEqual([r.status, r.reason], [401, 'TOKEN_EXPIRED']);
});

test('a token living longer than the maximum lifetime is refused, even while fresh', { timeout: 10_000 }, async () => {
  const r = await meAs(idp, await idpToken(keyA, 'key-a', {}, { lifetimeS: 10 * 365 * 86_400 }));
  assert.deepEqual([r.status, r.reason], [401, 'TOKEN_INVALID']);
  assert.match(r.message!, /lifetime/);
  const noIat = await meAs(idp, await idpToken(keyA, 'key-a', { iat: undefined }));
  assert.deepEqual([noIat.status, noIat.reason], [401, 'TOKEN_INVALID'], 'without iat the lifetime is unknown');
});

test('an HS256 token is refused when an identity provider is configured, unless HS256 is asked for', { timeout: 10_000 }, async () => {
  // Signed with the very secret the server holds: a leaked or long-lived local token is no way in.
  const local = signToken({ sub: 'mallory', role: 'admin', expiresInS: 600 }, SECRET);
  const r = await meAs(idp, local);
  assert.deepEqual([r.status, r.reason], [401, 'TOKEN_INVALID']);
  assert.match(r.message!, /algorithm must be RS256/);
  const asked = await meAs(idpAndHs256, local);
  assert.deepEqual([asked.status, asked.me], [200, { subject: 'mallory', role: 'admin', via: 'JWT' }]);
  // The RS256 key used as an HMAC secret (algorithm confusion) never verifies.
  const pem = keyA.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const h = b64({ alg: 'HS256', typ: 'JWT', kid: 'key-a' });
  const p = b64({ iss: ISSUER, aud: AUDIENCE, sub: 'mallory', role: 'admin', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600 });
  const confused = `${h}.${p}.${createHmac('sha256', pem).update(`${h}.${p}`).digest('base64url')}`;
  assert.deepEqual((await meAs(idpAndHs256, confused)).reason, 'TOKEN_INVALID');
});

test('made-up key ids cost one JWKS fetch per cooldown, not one each', { timeout: 15_000 }, async () => {
  assert.equal((await meAs(idpSlowRefetch, await idpToken(keyA, 'key-a'))).status, 200);
  const before = jwksServer.fetches;
  for (let i = 0; i < 20; i++) {
    const r = await meAs(idpSlowRefetch, await idpToken(keyA, `forged-${i}`));
    assert.deepEqual([r.status, r.reason], [401, 'TOKEN_INVALID']);
  }
  assert.ok(jwksServer.fetches - before <= 1, `${jwksServer.fetches - before} JWKS fetches for 20 unknown key ids`);
});

test('the identity provider unreachable: 503 AUTH_UNAVAILABLE, not a refusal of the token', { timeout: 15_000 }, async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  const down = await buildApiServer({ pool: db.pool, jwt: { jwksUrl: `http://127.0.0.1:${port}/certs`, issuer: ISSUER, audience: [AUDIENCE] }, uiDir: '/nonexistent', logger: createLogger({ test: 'auth-idp' }, 'error') });
  try {
    const r = await meAs(down, await idpToken(keyA, 'key-a'));
    assert.deepEqual([r.status, r.code], [503, 'AUTH_UNAVAILABLE']);
  } finally {
    await down.app.close();
  }
});

test('identity-provider settings are checked at start, naming the setting', () => {
  const idpKeys = { jwksUrl: 'https://idp.example/certs' };
  assert.throws(() => jwtConfigOf({ ...idpKeys, audience: [AUDIENCE] }), /API_JWT_ISSUER/);
  assert.throws(() => jwtConfigOf({ ...idpKeys, issuer: ISSUER }), /API_JWT_AUDIENCE/);
  assert.throws(() => jwtConfigOf({ jwksUrl: 'http://idp.example/certs', issuer: ISSUER, audience: [AUDIENCE] }), /API_JWT_JWKS_URL must be https/);
  assert.throws(() => jwtConfigOf({ ...idpKeys, issuer: ISSUER, audience: [AUDIENCE], hs256: 'on' }), /API_JWT_SECRET/);
  assert.throws(() => jwtConfigOf({}), /API_JWT_SECRET/);
  assert.equal(jwtConfigOf({ ...idpKeys, issuer: ISSUER, audience: [AUDIENCE], secret: SECRET }).hs256Secret, undefined, 'HS256 off with an identity provider');
  assert.equal(jwtConfigOf({ secret: SECRET }).hs256Secret, SECRET);
});
