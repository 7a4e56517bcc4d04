// `npm run bench -- abuse`: replays the attacks of security issue 15 against a running api role
// (its own process, on the test stack, with an identity provider served here: a JWKS endpoint on
// loopback with keys made in this run, HS256 off) and after each one asks a normal query.
//   refused:  the attack got the refusal it should (a coded error, an HTTP 429, a close code)
//             and did not cost what it was after (PostgreSQL lookups, JWKS fetches, points)
//   survived: afterwards the api process is alive and answers a normal query within 1 s
// Each attack comes from an address of its own in 127/8 (the per-address limits are per
// attack), the normal query from 127.0.0.2 with a token of its own. Collector-side attacks
// (hostile SSH output, CLI injection) are covered by collectors/ssh's tests, not here. The
// limits of the api are lowered so each flood is short: see API_ENV.
import { generateKeyPairSync, randomBytes, createHmac } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { exportJWK, SignJWT } from 'jose';
import pg from 'pg';
import { WebSocket } from 'ws';
import { kafkaSecurityEnv } from '../common/kafka-security.js';
import { freePort, projectRoot, startRole, type RoleProcess } from '../infra/supervisor.js';
import { signToken } from '../api/auth/jwt.js';
import { insertDevice, insertSeries, insertWave } from '../test/api-db.js';
import { migrate } from '../storage/migrations.js';
import { createTestDatabase } from '../test/pg-db.js';
import type { BenchContext } from './run.js';
import { HOUR_MS, DAY_MS } from '../common/time-units.js';

const ISSUER = 'https://idp.bench.example/realms/noc';
const AUDIENCE = 'opsconductor-api';
const SURVIVAL_MS = 1_000;
const LIMITS = {
  wsPerAddress: 20,
  wsPerToken: 10,
  addressRequests: 300,
  requests: 200,
  wsInitTimeoutMs: 2_000,
};

interface Outcome {
  refused: boolean;
  detail: string;
}
interface Attack {
  item: string;
  name: string;
  run(): Promise<Outcome>;
}

interface HttpAnswer {
  status: number;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string; reason?: string } }> } | null;
}

/** POST /graphql from a given local address (node:http: fetch cannot choose its source). */
function post(base: string, query: string, headers: Record<string, string>, from: string, timeoutMs = 10_000): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify({ query });
    const req = httpRequest(`${base}/graphql`, { method: 'POST', localAddress: from, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers }, timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        let body: HttpAnswer['body'] = null;
        try {
          body = JSON.parse(text) as HttpAnswer['body'];
        } catch {
          // not JSON: body stays null
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

const codeOf = (a: HttpAnswer) => a.body?.errors?.[0]?.extensions?.code;
const reasonOf = (a: HttpAnswer) => a.body?.errors?.[0]?.extensions?.reason;

interface Sock {
  ws: WebSocket;
  /** HTTP status of a refused upgrade, or 'open' */
  upgrade: Promise<number | 'open'>;
  closed: Promise<{ code: number; reason: string }>;
  acked: Promise<boolean>;
  messages: Array<{ type: string; id?: string; payload?: Array<{ extensions?: { code?: string } }> }>;
}

function socket(wsUrl: string, from: string, init?: Record<string, unknown>): Sock {
  const ws = new WebSocket(wsUrl, 'graphql-transport-ws', { localAddress: from });
  const messages: Sock['messages'] = [];
  ws.on('error', () => undefined);
  const upgrade = new Promise<number | 'open'>((resolve) => {
    ws.once('open', () => resolve('open'));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(0));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const acked = new Promise<boolean>((resolve) => {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as Sock['messages'][number];
      messages.push(msg);
      if (msg.type === 'connection_ack') resolve(true);
    });
    ws.once('close', () => resolve(false));
    ws.once('unexpected-response', () => resolve(false));
  });
  if (init) ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: init })));
  return { ws, upgrade, closed, acked, messages };
}

const within = <T>(p: Promise<T>, ms: number, fallback: T) => Promise.race([p, new Promise<T>((r) => setTimeout(() => r(fallback), ms))]);

/** A counter of the api role's /metrics (the role runner adds labels of its own, role="api"). */
async function metric(opsPort: number, name: string, label = ''): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (label && !line.slice(0, line.lastIndexOf(' ')).includes(label)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const prefix = `bench-abuse-${randomBytes(3).toString('hex')}`;
  const db = await createTestDatabase('abuse', ctx.databaseUrl);
  const jwks = { keys: [] as unknown[], fetches: 0 };
  const idp = createServer((_req, res) => {
    jwks.fetches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: jwks.keys }));
  });
  let api: RoleProcess | undefined;
  const sockets: WebSocket[] = [];
  try {
    // ---- data: one device with 150 series, an hour of points ----
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await migrate(client);
    } finally {
      await client.end();
    }
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    await insertDevice(pool, { id: 'abuse-1' });
    const ids: string[] = [];
    for (let i = 0; i < 150; i++) ids.push((await insertSeries(pool, { deviceId: 'abuse-1', metric: `if_in_bps`, labels: { ifName: `eth${i}` }, unit: 'bps' })).id);
    await insertWave(pool, ids[0], { startMs: Date.now() - HOUR_MS, count: 60, stepMs: 60_000 });
    await pool.end();

    // ---- the identity provider: keys made here, JWKS on loopback ----
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
    jwks.keys = [{ ...(await exportJWK(key.publicKey)), kid: 'bench-key', alg: 'RS256', use: 'sig' }];
    await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
    const jwksUrl = `http://127.0.0.1:${(idp.address() as AddressInfo).port}/certs`;
    const idpToken = (claims: Record<string, unknown> = {}, o: { kid?: string; lifetimeS?: number; iatS?: number; signWith?: typeof key } = {}) => {
      const iat = o.iatS ?? Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'noc-user', role: 'viewer', iat, exp: iat + (o.lifetimeS ?? 600), ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: o.kid ?? 'bench-key', typ: 'JWT' })
        .sign((o.signWith ?? key).privateKey);
    };

    // ---- the api role ----
    const jwtSecret = randomBytes(24).toString('hex');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const wsUrl = base.replace(/^http/, 'ws') + '/graphql';
    const API_ENV: Record<string, string> = {
      KAFKA_BROKERS: ctx.kafkaBrokers.join(','),
      ...kafkaSecurityEnv(ctx.kafkaSecurity),
      KAFKA_TOPIC_PREFIX: `${prefix}.`,
      SCHEMA_REGISTRY_URL: ctx.registryUrl,
      DATABASE_URL: db.url,
      REDIS_URL: ctx.redisUrl,
      API_REDIS_PREFIX: `${prefix}:api:`,
      SINK_REDIS_PREFIX: `${prefix}:oc:`,
      API_PORT: String(port),
      API_UI_DIR: '/nonexistent',
      API_JWT_SECRET: jwtSecret, // held, but HS256 is off: an identity provider is configured
      API_JWT_JWKS_URL: jwksUrl,
      API_JWT_ISSUER: ISSUER,
      API_JWT_AUDIENCE: AUDIENCE,
      API_LIMIT_WS_PER_ADDRESS: String(LIMITS.wsPerAddress),
      API_LIMIT_WS_PER_TOKEN: String(LIMITS.wsPerToken),
      API_LIMIT_ADDRESS_REQUESTS: String(LIMITS.addressRequests),
      API_LIMIT_REQUESTS: String(LIMITS.requests),
      API_WS_INIT_TIMEOUT_MS: String(LIMITS.wsInitTimeoutMs),
      LOG_LEVEL: 'error',
    };
    api = await startRole({ name: 'abuse-api', role: 'api', env: API_ENV, logDir: join(projectRoot, '.run', 'bench', 'abuse'), timeoutMs: 120_000 });
    const opsPort = api.opsPort;
    ctx.say(`api role on ${base} (ops ${opsPort}), identity provider ${jwksUrl}, limits ${JSON.stringify(LIMITS)}`);

    // ---- the normal query, and whether the service still answers it ----
    const probeToken = await idpToken({ sub: 'probe' });
    const probeMs: number[] = [];
    const survives = async (): Promise<{ ok: boolean; ms: number; why: string }> => {
      if (api!.child.exitCode !== null || api!.child.signalCode !== null) return { ok: false, ms: 0, why: 'the api process exited' };
      const t = performance.now();
      try {
        const a = await post(base, '{ device(id: "abuse-1") { id series(limit: 5) { id key } } }', { authorization: `Bearer ${probeToken}` }, '127.0.0.2', SURVIVAL_MS);
        const ms = performance.now() - t;
        probeMs.push(ms);
        const ok = a.status === 200 && (a.body?.data as { device?: { id?: string } } | undefined)?.device?.id === 'abuse-1' && ms <= SURVIVAL_MS;
        return { ok, ms, why: ok ? '' : `HTTP ${a.status} ${JSON.stringify(a.body).slice(0, 200)}` };
      } catch (err) {
        return { ok: false, ms: performance.now() - t, why: (err as Error).message };
      }
    };
    const before = await survives();
    if (!before.ok) throw new Error(`the normal query fails before any attack: ${before.why}`);

    let nextAddress = 10;
    const from = () => `127.0.1.${nextAddress++}`;
    const viewer = (sub: string) => idpToken({ sub });
    const gqlAs = async (query: string, token: string, address = from()) => post(base, query, { authorization: `Bearer ${token}` }, address);
    const refusedWith = (a: HttpAnswer, status: number, code: string, extra = true): Outcome => ({
      refused: a.status === status && codeOf(a) === code && extra,
      detail: `HTTP ${a.status} ${codeOf(a) ?? ''}${reasonOf(a) ? `/${reasonOf(a)}` : ''}`,
    });
    const tokenRefused = async (token: string, reason = 'TOKEN_INVALID'): Promise<Outcome> => {
      const a = await gqlAs('{ me { subject role } }', token);
      return { refused: a.status === 401 && reasonOf(a) === reason, detail: `HTTP ${a.status} ${codeOf(a) ?? ''}/${reasonOf(a) ?? ''}: ${a.body?.errors?.[0]?.message ?? ''}` };
    };
    const now = () => Date.now();

    const attacks: Attack[] = [
      // ---- item 6: budgets ----
      { item: '6', name: 'nested lists without arguments (Device.series, interfaces) on 500 devices', run: async () =>
        refusedWith(await gqlAs('{ devices(first: 500) { nodes { series { id key } interfaces { series { id } } } } }', await viewer('a6-1')), 400, 'LIMIT_COST') },
      { item: '6', name: 'family(limit: -1000000) to buy points for six 100k-point readings', run: async () => {
        const idsJson = JSON.stringify(ids.slice(0, 10));
        const readings = Array.from({ length: 6 }, (_, i) => `r${i}: readings(seriesIds: ${idsJson}, from: 0, to: ${now()}, maxPoints: 10000) { tier }`).join(' ');
        const analyst = await idpToken({ sub: 'a6-2', role: 'analyst' });
        const a = await gqlAs(`{ f: family(family: INTERFACE_TRAFFIC, from: ${now() - HOUR_MS}, to: ${now()}, limit: -1000000) { family } ${readings} }`, analyst);
        return refusedWith(a, 400, 'BAD_USER_INPUT', a.body?.data == null);
      } },
      { item: '6', name: 'devices(first: -5)', run: async () => refusedWith(await gqlAs('{ devices(first: -5) { nodes { id } } }', await viewer('a6-3')), 400, 'BAD_USER_INPUT') },
      { item: '6', name: 'raw tier forced over three years', run: async () =>
        refusedWith(await gqlAs(`{ readings(seriesIds: ["${ids[0]}"], from: ${now() - 3 * 365 * DAY_MS}, to: ${now()}, tier: "raw", maxPoints: 10000) { tier } }`, await viewer('a6-4')), 400, 'LIMIT_RANGE') },
      { item: '6', name: 'readings since 1970 (past every tier)', run: async () =>
        refusedWith(await gqlAs(`{ readings(seriesIds: ["${ids[0]}"], from: 0, to: ${now()}) { tier } }`, await viewer('a6-5')), 400, 'LIMIT_RANGE') },
      { item: '6', name: 'healthHistory since 1970', run: async () =>
        refusedWith(await gqlAs(`{ healthHistory(deviceIds: ["abuse-1"], from: 0, to: ${now()}) { tier } }`, await viewer('a6-6')), 400, 'LIMIT_RANGE') },
      { item: '6', name: 'aliases multiplying points (6 × 100 series × 10,000)', run: async () => {
        const idsJson = JSON.stringify(ids.slice(0, 100));
        const fields = Array.from({ length: 6 }, (_, i) => `r${i}: readings(seriesIds: ${idsJson}, from: ${now() - DAY_MS}, to: ${now()}, maxPoints: 10000) { tier }`).join(' ');
        const a = await gqlAs(`{ ${fields} }`, await viewer('a6-7'));
        return { refused: a.body?.errors?.some((e) => e.extensions?.code === 'LIMIT_POINTS_BUDGET' || e.extensions?.code === 'LIMIT_COST') === true, detail: `HTTP ${a.status} ${codeOf(a)}` };
      } },
      { item: '6', name: 'nesting 12 levels deep', run: async () =>
        refusedWith(await gqlAs('{ devices(first: 1) { nodes { openAnomalies(limit: 1) { device { openAnomalies(limit: 1) { device { openAnomalies(limit: 1) { device { openAnomalies(limit: 1) { device { id } } } } } } } } } } }', await viewer('a6-8')), 400, 'LIMIT_DEPTH') },

      // ---- item 7: unauthenticated resource use ----
      { item: '7', name: 'websocket that never sends connection_init', run: async () => {
        const s = socket(wsUrl, from());
        sockets.push(s.ws);
        const closed = await within(s.closed, LIMITS.wsInitTimeoutMs + 3_000, { code: 0, reason: 'still open' });
        return { refused: closed.code === 4408, detail: `closed ${closed.code} ${closed.reason}` };
      } },
      { item: '7', name: `socket flood: 60 sockets from one address (cap ${LIMITS.wsPerAddress})`, run: async () => {
        const address = from();
        const flood = Array.from({ length: 60 }, () => socket(wsUrl, address));
        sockets.push(...flood.map((s) => s.ws));
        const upgrades = await Promise.all(flood.map((s) => s.upgrade));
        const open = upgrades.filter((u) => u === 'open').length;
        const tooMany = upgrades.filter((u) => u === 429).length;
        for (const s of flood) s.ws.terminate();
        return { refused: open <= LIMITS.wsPerAddress && tooMany >= 60 - LIMITS.wsPerAddress, detail: `${open} open, ${tooMany} refused with HTTP 429` };
      } },
      { item: '7', name: `one token on 25 sockets from 25 addresses (cap ${LIMITS.wsPerToken})`, run: async () => {
        const token = await viewer('a7-token');
        const flood: Sock[] = [];
        for (let i = 0; i < 25; i++) {
          const s = socket(wsUrl, from(), { token });
          flood.push(s);
          sockets.push(s.ws);
          await within(s.acked, 2_000, false); // in order: the first ten hold
        }
        const closes = await Promise.all(flood.slice(LIMITS.wsPerToken).map((s) => within(s.closed, 3_000, { code: 0, reason: 'still open' })));
        const held = flood.filter((s) => s.ws.readyState === WebSocket.OPEN).length;
        for (const s of flood) s.ws.terminate();
        return { refused: held <= LIMITS.wsPerToken && closes.every((c) => c.code === 4429), detail: `${held} held, ${closes.filter((c) => c.code === 4429).length} closed 4429 LIMIT_CONNECTIONS` };
      } },
      { item: '7', name: 'connection_init sent 50 times on one socket', run: async () => {
        const token = await viewer('a7-init');
        const s = socket(wsUrl, from(), { token });
        sockets.push(s.ws);
        await within(s.acked, 3_000, false);
        for (let i = 0; i < 50 && s.ws.readyState === WebSocket.OPEN; i++) s.ws.send(JSON.stringify({ type: 'connection_init', payload: { token } }));
        const closed = await within(s.closed, 3_000, { code: 0, reason: 'still open' });
        return { refused: closed.code === 4429, detail: `closed ${closed.code} ${closed.reason}` };
      } },
      { item: '7', name: 'forged API keys: 400 requests, 40 made-up key ids, one address', run: async () => {
        const lookups0 = await metric(opsPort, 'oc_api_key_lookups_total', 'source="database"');
        const address = from();
        const statuses = new Map<number, number>();
        for (let i = 0; i < 400; i++) {
          const keyId = (i % 40).toString(16).padStart(16, '0');
          const a = await post(base, '{ me { subject } }', { 'x-api-key': `ock_${keyId}_${'F'.repeat(43)}` }, address);
          statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
        }
        const lookups = (await metric(opsPort, 'oc_api_key_lookups_total', 'source="database"')) - lookups0;
        const accepted = [...statuses.keys()].some((s) => s === 200);
        return { refused: !accepted && lookups <= 40 && (statuses.get(429) ?? 0) > 0, detail: `${JSON.stringify(Object.fromEntries(statuses))}, ${lookups} PostgreSQL lookups` };
      } },
      { item: '7', name: `unauthenticated flood: 400 requests from one address (budget ${LIMITS.addressRequests})`, run: async () => {
        const address = from();
        let limited = 0;
        let other = 0;
        for (let i = 0; i < 400; i++) {
          const a = await post(base, '{ me { subject } }', {}, address);
          if (a.status === 429 && codeOf(a) === 'LIMIT_RATE') limited++;
          else if (a.status !== 401) other++;
        }
        return { refused: limited >= 400 - LIMITS.addressRequests && other === 0, detail: `${limited} refused with 429 LIMIT_RATE before authentication` };
      } },
      { item: '7', name: 'subscribe flood: 400 subscribes on one socket', run: async () => {
        const s = socket(wsUrl, from(), { token: await viewer('a7-subs') });
        sockets.push(s.ws);
        await within(s.acked, 3_000, false);
        for (let i = 0; i < 400 && s.ws.readyState === WebSocket.OPEN; i++) s.ws.send(JSON.stringify({ id: `s${i}`, type: 'subscribe', payload: { query: 'subscription { anomalies { kind } }' } }));
        const closed = await within(s.closed, 5_000, { code: 0, reason: 'still open' });
        const limited = s.messages.filter((m) => m.type === 'error' && m.payload?.[0]?.extensions?.code === 'LIMIT_RATE').length;
        return { refused: closed.code === 4429 && limited > 0, detail: `${limited} LIMIT_RATE, closed ${closed.code} ${closed.reason}` };
      } },

      // ---- item 8: tokens ----
      { item: '8', name: 'token of another issuer', run: async () => tokenRefused(await idpToken({ iss: 'https://evil.example/realms/noc', sub: 'a8-1' })) },
      { item: '8', name: 'token for another audience', run: async () => tokenRefused(await idpToken({ aud: 'another-app', sub: 'a8-2' })) },
      { item: '8', name: 'expired token', run: async () => tokenRefused(await idpToken({ sub: 'a8-3' }, { iatS: Math.floor(now() / 1000) - 7_200, lifetimeS: 3_600 }), 'TOKEN_EXPIRED') },
      { item: '8', name: 'token with a ten-year lifetime', run: async () => tokenRefused(await idpToken({ sub: 'a8-4' }, { lifetimeS: 10 * 365 * 86_400 })) },
      { item: '8', name: 'token not valid before next hour (nbf)', run: async () => tokenRefused(await idpToken({ sub: 'a8-5', nbf: Math.floor(now() / 1000) + 3_600 })) },
      { item: '8', name: 'HS256 admin token signed with the api\'s own secret (identity provider configured)', run: async () => tokenRefused(signToken({ sub: 'a8-6', role: 'admin', expiresInS: 600 }, jwtSecret)) },
      { item: '8', name: 'HS256 token keyed with the identity provider\'s public key (algorithm confusion)', run: async () => {
        const pem = key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
        const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const h = b64({ alg: 'HS256', typ: 'JWT', kid: 'bench-key' });
        const p = b64({ iss: ISSUER, aud: AUDIENCE, sub: 'a8-7', role: 'admin', iat: Math.floor(now() / 1000), exp: Math.floor(now() / 1000) + 600 });
        return tokenRefused(`${h}.${p}.${createHmac('sha256', pem).update(`${h}.${p}`).digest('base64url')}`);
      } },
      { item: '8', name: 'unsigned token (alg none)', run: async () => {
        const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
        return tokenRefused(`${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: 'a8-8', role: 'admin', iat: Math.floor(now() / 1000), exp: Math.floor(now() / 1000) + 600 })}.`);
      } },
      { item: '8', name: 'token signed by a stranger\'s key under the provider\'s key id', run: async () => tokenRefused(await idpToken({ sub: 'a8-9', role: 'admin' }, { signWith: stranger })) },
      { item: '8', name: '100 tokens with made-up key ids (JWKS refetch flood)', run: async () => {
        const fetches0 = jwks.fetches;
        let refused = 0;
        const address = from();
        for (let i = 0; i < 100; i++) {
          const a = await post(base, '{ me { subject } }', { authorization: `Bearer ${await idpToken({ sub: 'a8-10' }, { kid: `made-up-${i}` })}` }, address);
          if (a.status === 401) refused++;
        }
        const fetches = jwks.fetches - fetches0;
        return { refused: refused === 100 && fetches <= 2, detail: `${refused}/100 refused, ${fetches} JWKS fetches` };
      } },

      // ---- item 10: the event bus ----
      { item: '10', name: 'hostile messages on the Redis event channel', run: async () => {
        const refused0 = await metric(opsPort, 'oc_api_bus_messages_refused_total');
        const hostile = ['not json', '[]', '{"kind":"anomaly-update"}', '{"kind":"anomaly-update","update":{"kind":"EVENT","anomaly":{"id":"x"}}}', '{"kind":"api-key-revoked","id":{"$gt":""}}', 'x'.repeat(9 * 1024 * 1024)];
        const redis = new Redis(ctx.redisUrl);
        try {
          for (const m of hostile) await redis.publish(`${prefix}:api:events`, m);
        } finally {
          await redis.quit();
        }
        let refused = 0;
        for (let i = 0; i < 50 && refused < hostile.length; i++) {
          refused = (await metric(opsPort, 'oc_api_bus_messages_refused_total')) - refused0;
          if (refused < hostile.length) await new Promise((r) => setTimeout(r, 100));
        }
        return { refused: refused === hostile.length, detail: `${refused}/${hostile.length} refused` };
      } },
    ];

    let refused = 0;
    let survived = 0;
    const rows: Array<{ item: string; name: string; refused: boolean; survived: boolean }> = [];
    for (const attack of attacks) {
      const t = performance.now();
      let outcome: Outcome;
      try {
        outcome = await attack.run();
      } catch (err) {
        outcome = { refused: false, detail: `the attack failed: ${(err as Error).message}` };
      }
      const ms = Math.round(performance.now() - t);
      const after = await survives();
      if (outcome.refused) refused++;
      if (after.ok) survived++;
      rows.push({ item: attack.item, name: attack.name, refused: outcome.refused, survived: after.ok });
      ctx.say(`${outcome.refused ? 'refused ' : 'ACCEPTED'} ${after.ok ? `survived (${Math.round(after.ms)} ms)` : `DOWN: ${after.why}`}  item ${attack.item}: ${attack.name} — ${outcome.detail} [${ms} ms]`);
    }
    probeMs.sort((a, b) => a - b);
    const round = (n: number) => Math.round(n * 10) / 10;
    return {
      attacks: attacks.length,
      refused,
      survived,
      probe_p50_ms: round(probeMs[Math.floor(probeMs.length / 2)] ?? 0),
      probe_max_ms: round(probeMs[probeMs.length - 1] ?? 0),
      not_refused: rows.filter((r) => !r.refused).map((r) => r.name),
      not_survived: rows.filter((r) => !r.survived).map((r) => r.name),
    };
  } finally {
    for (const s of sockets) s.terminate();
    await api?.stop();
    idp.close();
    await db.drop();
  }
}
