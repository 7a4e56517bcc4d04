// Test support for the API's own tests: tokens per role, a GraphQL call through inject(), a
// server on a fresh database, and a graphql-ws client factory with its cleanup.

import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { createClient, type Client } from 'graphql-ws';
import type pg from 'pg';
import { createLogger } from '../common/log.js';
import { signToken, type Role } from '../api/auth/jwt.js';
import type { ApiLimits } from '../api/defaults.js';
import { buildApiServer, type ApiServer, type ApiServerOptions } from '../api/server.js';
import type { TestDatabase } from './api-db.js';

export const TEST_SECRET = 'api-test-secret-0123456789abcdef';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:26379';

// Node 20 has no global WebSocket; `ws` is what @fastify/websocket itself runs on.
export const WebSocketImpl = createRequire(import.meta.url)('ws') as unknown;

export function tokenFor(role: Role, sub = `${role}-user`, secret = TEST_SECRET): string {
  return signToken({ sub, role, expiresInS: 600 }, secret);
}

export function uniqueRedisPrefix(name: string): string {
  return `t-${name}-${randomBytes(3).toString('hex')}:`;
}

export interface GqlError {
  message: string;
  path?: string[];
  extensions: { code: string; reason?: string; field?: string; limit?: number; retryAfterMs?: number };
}
export interface GqlResult<T = Record<string, any>> {
  status: number;
  data: T | null;
  errors?: GqlError[];
  raw: string;
  headers: Record<string, unknown>;
}

export async function gql<T = Record<string, any>>(
  server: ApiServer,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = { authorization: `Bearer ${tokenFor('viewer')}` },
): Promise<GqlResult<T>> {
  const res = await server.app.inject({ method: 'POST', url: '/graphql', headers, payload: { query, variables } });
  const body = res.json() as { data: T | null; errors?: GqlError[] };
  return { status: res.statusCode, data: body.data, errors: body.errors, raw: res.body, headers: res.headers };
}

export const as = (role: Role) => ({ authorization: `Bearer ${tokenFor(role)}` });

export async function testServer(db: TestDatabase, opts: Partial<ApiServerOptions> & { limits?: Partial<ApiLimits> } = {}): Promise<ApiServer> {
  return buildApiServer({ pool: db.pool, jwtSecret: TEST_SECRET, uiDir: '/nonexistent', logger: createLogger({ test: 'api' }, 'error'), ...opts });
}

/** A graphql-ws client; dispose every client made here with disposeClients(). */
const clients: Client[] = [];
export function wsClient(url: string, connectionParams: Record<string, unknown>, on: { closed?: (e: { code: number; reason: string }) => void } = {}): Client {
  const client = createClient({
    url,
    webSocketImpl: WebSocketImpl,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
    on: { closed: (e) => on.closed?.(e as { code: number; reason: string }) },
  });
  clients.push(client);
  return client;
}
export async function disposeClients(): Promise<void> {
  await Promise.all(clients.splice(0).map(async (c) => c.dispose()));
}

export function collect<T>(client: Client, query: string, variables: Record<string, unknown>) {
  const items: T[] = [];
  const errors: unknown[] = [];
  const stop = client.subscribe<T>({ query, variables }, { next: (r) => r.data && items.push(r.data), error: (e) => errors.push(e), complete: () => {} });
  return { items, errors, stop };
}

/** The pool, with a count of the statements sent through it (matching `only`, when given). */
export function countingPool(pool: pg.Pool, only?: RegExp): { pool: pg.Pool; statements: () => number; reset: () => void } {
  let n = 0;
  const counted = new Proxy(pool, {
    get(target, prop, receiver) {
      if (prop === 'query') return (...args: unknown[]) => {
        const text = typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string })?.text ?? '');
        if (!only || only.test(text)) n++;
        return (target.query as (...a: unknown[]) => unknown).apply(target, args);
      };
      return Reflect.get(target, prop, receiver);
    },
  });
  return { pool: counted, statements: () => n, reset: () => (n = 0) };
}

export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
