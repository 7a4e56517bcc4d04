// API keys and RS256 tokens: an admin creates a key (shown once, stored as a hash), it works as
// x-api-key and as Authorization: ApiKey, carries its role, and a revocation on one replica is
// refused at once by another replica that had the key cached (Redis event). RS256 tokens are
// accepted with the configured public key only; a token naming an algorithm the server has no
// key for is invalid.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import type { ApiServer } from '../server.js';
import { as, countingPool, gql, REDIS_URL, testServer, uniqueRedisPrefix } from '../../test/api-harness.js';
import { createTestDatabase, type TestDatabase } from '../../test/api-db.js';
import { HOUR_MS } from '../../common/time-units.js';

let db: TestDatabase;
let a: ApiServer;
let b: ApiServer;
const trusted = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (k: typeof trusted.privateKey | typeof trusted.publicKey, type: 'pkcs8' | 'spki') => k.export({ type, format: 'pem' }).toString();

const ISSUER = 'https://idp.example';
function signTokenRs256(input: { sub: string; role: string; expiresInS: number }, privateKey: typeof trusted.privateKey, nowMs = Date.now()): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({ sub: input.sub, role: input.role, iss: ISSUER, aud: 'api', iat, exp: iat + input.expiresInS }).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
}

const CREATE = 'mutation C($name: String!, $role: Role!) { createApiKey(name: $name, role: $role, expiresInDays: 30) { key apiKey { id name role prefix createdBy revokedAt } } }';
const ME = '{ me { subject role via apiKeyId } }';

before(async () => {
  db = await createTestDatabase();
  const redis = { url: REDIS_URL, keyPrefix: uniqueRedisPrefix('keys') };
  a = await testServer(db, { redis, jwt: { publicKeyPem: pem(trusted.publicKey, 'spki'), issuer: ISSUER, audience: ['api'], hs256: 'on' } });
  b = await testServer(db, { redis });
}, { timeout: 30_000 });

after(async () => {
  await a?.app.close();
  await b?.app.close();
  await db?.drop();
}, { timeout: 30_000 });

test('an admin creates a key that is shown once and stored only as a hash', { timeout: 10_000 }, async () => {
  const r = await gql<{ createApiKey: { key: string; apiKey: { id: string; role: string; prefix: string; createdBy: string; revokedAt: null } } }>(
    a, CREATE, { name: 'wall-1', role: 'viewer' }, as('admin'));
  const { key, apiKey } = r.data!.createApiKey;
  assert.match(key, /^ock_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  assert.ok(key.startsWith(apiKey.prefix));
  assert.equal(apiKey.createdBy, 'admin-user');
  const { rows } = await db.pool.query(`select * from api_keys where key_id = $1`, [apiKey.id]);
  assert.equal(rows.length, 1);
  assert.ok(!JSON.stringify(rows[0]).includes(key.slice(24)), 'the secret part is not stored');
  assert.equal((rows[0].key_hash as Buffer).length, 32);
  const listed = await gql<{ apiKeys: Array<Record<string, unknown>> }>(a, '{ apiKeys { id name prefix } }', {}, as('admin'));
  assert.ok(!JSON.stringify(listed.data).includes(key.slice(24)), 'never read back');
});

test('a key authenticates by x-api-key and by Authorization: ApiKey, with its role', { timeout: 10_000 }, async () => {
  const r = await gql<{ createApiKey: { key: string; apiKey: { id: string } } }>(a, CREATE, { name: 'script', role: 'operator' }, as('admin'));
  const { key, apiKey } = r.data!.createApiKey;
  for (const headers of [{ 'x-api-key': key }, { authorization: `ApiKey ${key}` }] as Array<Record<string, string>>) {
    const me = await gql<{ me: unknown }>(b, ME, {}, headers);
    assert.deepEqual(me.data?.me, { subject: 'apikey:script', role: 'operator', via: 'API_KEY', apiKeyId: apiKey.id });
  }
  const forbidden = await gql(b, CREATE, { name: 'escalate', role: 'admin' }, { 'x-api-key': key });
  assert.equal(forbidden.errors?.[0]?.extensions.code, 'FORBIDDEN');
  const { last_used_at } = (await db.pool.query('select last_used_at from api_keys where key_id = $1', [apiKey.id])).rows[0];
  assert.ok(last_used_at instanceof Date, 'use is recorded');
});

test('forged, malformed and revoked keys are refused; a revocation reaches the other replica at once', { timeout: 15_000 }, async () => {
  const r = await gql<{ createApiKey: { key: string; apiKey: { id: string } } }>(a, CREATE, { name: 'soon-gone', role: 'viewer' }, as('admin'));
  const { key, apiKey } = r.data!.createApiKey;
  assert.equal((await gql(b, ME, {}, { 'x-api-key': key })).status, 200, 'b has verified (and cached) the key');

  const forged = key.slice(0, -4) + (key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
  for (const bad of [forged, 'ock_nothing', 'x'.repeat(80)]) {
    const res = await gql(b, ME, {}, { 'x-api-key': bad });
    assert.equal(res.status, 401);
    assert.deepEqual([res.errors?.[0]?.extensions.code, res.errors?.[0]?.extensions.reason], ['UNAUTHENTICATED', 'API_KEY_INVALID']);
  }

  const revoked = await gql<{ revokeApiKey: { revokedAt: number } }>(a, 'mutation R($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id: apiKey.id }, as('admin'));
  assert.ok(revoked.data!.revokeApiKey.revokedAt > 0);
  const deadline = Date.now() + 2_000; // the Redis message, not the 10 s cache expiry
  let status = 200;
  while (status !== 401 && Date.now() < deadline) {
    const res = await gql(b, ME, {}, { 'x-api-key': key });
    status = res.status;
    if (status !== 401) await new Promise((res) => setTimeout(res, 50));
  }
  assert.equal(status, 401, 'replica b refuses the revoked key within 2 s');
  assert.equal((await gql(a, ME, {}, { authorization: `ApiKey ${key}` })).status, 401);
});

test('RS256 tokens: accepted with the configured public key (PEM), refused when signed by another key or where no key is configured', { timeout: 10_000 }, async () => {
  const good = await signTokenRs256({ sub: 'idp-user', role: 'analyst', expiresInS: 600 }, trusted.privateKey);
  const me = await gql<{ me: { role: string; via: string } }>(a, ME, {}, { authorization: `Bearer ${good}` });
  assert.deepEqual(me.data?.me, { subject: 'idp-user', role: 'analyst', via: 'JWT', apiKeyId: null });

  const foreign = await signTokenRs256({ sub: 'mallory', role: 'admin', expiresInS: 600 }, stranger.privateKey);
  const refused = await gql(a, ME, {}, { authorization: `Bearer ${foreign}` });
  assert.deepEqual([refused.status, refused.errors?.[0]?.extensions.reason], [401, 'TOKEN_INVALID']);

  const noKey = await gql(b, ME, {}, { authorization: `Bearer ${good}` });
  assert.deepEqual([noKey.status, noKey.errors?.[0]?.extensions.reason], [401, 'TOKEN_INVALID'], 'b has no public key: RS256 is not an algorithm it accepts');

  const expired = await signTokenRs256({ sub: 'idp-user', role: 'analyst', expiresInS: 60 }, trusted.privateKey, Date.now() - HOUR_MS);
  assert.equal((await gql(a, ME, {}, { authorization: `Bearer ${expired}` })).errors?.[0]?.extensions.reason, 'TOKEN_EXPIRED');
});

test('forged API keys: a key id found in no row is refused again without a PostgreSQL lookup', { timeout: 15_000 }, async () => {
  const lookups = countingPool(db.pool, /from api_keys where key_id/);
  const c = await testServer(db, { pool: lookups.pool });
  try {
    const forged = `ock_${'0123456789abcdef'}_${'A'.repeat(43)}`;
    for (let i = 0; i < 20; i++) {
      const r = await gql(c, ME, {}, { 'x-api-key': forged });
      assert.deepEqual([r.status, r.errors?.[0]?.extensions.reason], [401, 'API_KEY_INVALID']);
    }
    assert.equal(lookups.statements(), 1, 'one lookup for twenty presentations of the same forged key');
    const made = await gql<{ createApiKey: { key: string } }>(c, CREATE, { name: 'after-forgery', role: 'viewer' }, as('admin'));
    assert.equal((await gql(c, ME, {}, { 'x-api-key': made.data!.createApiKey.key })).status, 200, 'real keys still work');
  } finally {
    await c.app.close();
  }
});
