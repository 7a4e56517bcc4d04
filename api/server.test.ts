// The server around GraphQL: readiness follows PostgreSQL, the dashboard is served with its SPA
// fallback and headers, CORS answers only allow-listed origins, and weak secrets are refused.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createLogger } from '../common/log.js';
import { buildApiServer, type ApiServer } from './server.js';
import { createTestDatabase, type TestDatabase } from '../test/api-db.js';

const SECRET = 'server-test-secret-0123456789abcdef';
const logger = createLogger({ test: 'server' }, 'error');
let db: TestDatabase;
let server: ApiServer;

before(async () => {
  db = await createTestDatabase();
  const uiDir = mkdtempSync(join(tmpdir(), 'oc-ui-'));
  mkdirSync(join(uiDir, 'assets'));
  writeFileSync(join(uiDir, 'index.html'), '<!doctype html><title>wall</title>');
  writeFileSync(join(uiDir, 'assets', 'app-123.js'), 'console.log(1)');
  server = await buildApiServer({ pool: db.pool, jwtSecret: SECRET, uiDir, corsOrigins: ['http://wall.example'], logger });
}, { timeout: 30_000 });

after(async () => {
  await server?.app.close();
  await db?.drop();
}, { timeout: 30_000 });

test('the dashboard: index at /, SPA fallback, hashed assets cached, missing files 404', { timeout: 10_000 }, async () => {
  const index = await server.app.inject({ method: 'GET', url: '/' });
  assert.equal(index.statusCode, 200);
  assert.match(index.body, /<title>wall<\/title>/);
  assert.equal(index.headers['referrer-policy'], 'no-referrer');
  assert.equal(index.headers['cache-control'], 'no-cache');
  const deepLink = await server.app.inject({ method: 'GET', url: '/devices/lab-r1?token=abc' });
  assert.equal(deepLink.statusCode, 200);
  assert.match(deepLink.body, /<title>wall<\/title>/);
  const asset = await server.app.inject({ method: 'GET', url: '/assets/app-123.js' });
  assert.equal(asset.statusCode, 200);
  assert.match(String(asset.headers['cache-control']), /immutable/);
  assert.equal((await server.app.inject({ method: 'GET', url: '/assets/gone.js' })).statusCode, 404);
});

test('CORS: allow-listed origin gets a preflight answer, others get nothing', { timeout: 10_000 }, async () => {
  const preflight = (origin: string) =>
    server.app.inject({ method: 'OPTIONS', url: '/graphql', headers: { origin, 'access-control-request-method': 'POST' } });
  const ok = await preflight('http://wall.example');
  assert.equal(ok.statusCode, 204);
  assert.equal(ok.headers['access-control-allow-origin'], 'http://wall.example');
  const other = await preflight('http://evil.example');
  assert.equal(other.headers['access-control-allow-origin'], undefined);
});

test('readyz is 503 DATABASE_UNAVAILABLE when PostgreSQL does not answer', { timeout: 15_000 }, async () => {
  const deadPool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 1_000 });
  const lonely = await buildApiServer({ pool: deadPool, jwtSecret: SECRET, uiDir: '/nonexistent', logger });
  try {
    const res = await lonely.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(res.statusCode, 503);
    assert.equal(res.json().code, 'DATABASE_UNAVAILABLE');
    assert.equal((await lonely.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  } finally {
    await lonely.app.close();
    await deadPool.end();
  }
});

test('a weak JWT secret is refused at build time with CONFIG_INVALID', { timeout: 10_000 }, async () => {
  await assert.rejects(buildApiServer({ pool: db.pool, jwtSecret: 'short', logger }), { code: 'CONFIG_INVALID' });
});
