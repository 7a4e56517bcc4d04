// Composition root of the API: builds the services (API keys, Redis readers and the event bus),
// then the Fastify instance with its plugins in order (CORS, health, GraphQL, dashboard), and
// hands back the app and the fan-out entry points the api role feeds from Kafka. The caller owns
// the pool, the Kafka consumers and the listener: the api role (api-role.ts) listens, tests
// listen on port 0 or inject(). Redis connections are the server's and close with app.close().

import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type pg from 'pg';
import type { Logger } from '../common/log.js';
import type { CredentialStore } from '../credentials/credential-store.js';
import type { AlarmOperation, AnomalyEvent, HealthScore, Link } from '../schemas/types.js';
import type { InventoryPublisher } from './admin/inventory.js';
import { alarmOperationPayload } from './alarms/alarms-resolvers.js';
import type { AlarmOps } from './alarms/alarm-ops.js';
import { ApiKeyStore } from './auth/api-keys.js';
import { Authenticator } from './auth/authenticate.js';
import { jwtConfigOf, TokenVerifier, type JwtSettings } from './auth/token-verifier.js';
import { RateLimiter } from './auth/rate-limit.js';
import { API_DEFAULTS, DEFAULT_LIMITS, type ApiLimits } from './defaults.js';
import { fastifyLoggerFrom } from './fastify-logger.js';
import type { ApiServices } from './graphql/context.js';
import { graphqlPlugin } from './graphql/plugin.js';
import { ConnectionWatch } from './live/connection-watch.js';
import { SocketLimits } from './live/socket-limits.js';
import { EventBus, type BusMessage } from './live/event-bus.js';
import { StateFanout } from './live/fanout.js';
import { LastValuesReader } from './live/last-values-reader.js';
import { LiveHub, type LiveBatch } from './live/live-hub.js';
import { registerCors } from './plugins/cors.js';
import { healthPlugin, type ReadinessCheck } from './plugins/health.js';
import { uiStaticPlugin } from './plugins/ui-static.js';
import { TopologyStore } from './topology/topology-store.js';
import type { UserRule } from '../devices/rule-file.js';
import { loadRuleSet } from '../devices/rule-set.js';

const builtinRules = loadRuleSet().rules;
import type { Upstream } from '../alarms/parent-down.js';
import { parentDownMarks } from './alarms/parent-down.js';

export interface ApiServerOptions {
  pool: pg.Pool;
  /** HS256 secret (API_JWT_SECRET); required while HS256 tokens are accepted. */
  jwtSecret?: string;
  /** HS256 switch and the identity provider (JWKS URL or PEM key, issuer, audience, role claim…). */
  jwt?: Omit<JwtSettings, 'secret'>;
  uiDir?: string;
  corsOrigins?: string[];
  logger: Logger;
  limits?: Partial<ApiLimits>;
  /** Without Redis: no rate limit, no snapshots, events reach this replica's subscribers only. */
  redis?: { url: string; keyPrefix?: string; sinkKeyPrefix?: string };
  inventory?: InventoryPublisher | null;
  credentials?: CredentialStore | null;
  alarms?: AlarmOps | null;
  /** The anomaly rules in force; by default the built-in files. */
  rules?: () => readonly UserRule[];
  /** Parent-down suppression's upstream (alarms/parent-down.ts); absent: off. */
  parentDown?: Upstream | null;
  /** More /readyz conditions (the api role adds its Kafka consumers); PostgreSQL and Redis are built in. */
  readinessChecks?: ReadinessCheck[];
}

export interface ApiServer {
  app: FastifyInstance;
  /** Fans a telemetry.live record out to subscribers. Never throws for data problems; drops are counted. */
  publishLive(batch: LiveBatch): Promise<void>;
  /** Fans a telemetry.anomalies record out to anomalies subscribers. */
  publishAnomaly(event: AnomalyEvent): Promise<void>;
  /** Fans a telemetry.health record out to health subscribers of its device. */
  publishHealth(score: HealthScore): void;
  /** An inventory.links record (null: tombstone) into the topology and out to its subscribers. */
  publishLink(linkId: string, link: Link | null): void;
  /** Fans an alarm.operations record out to silences / maintenance subscribers. */
  publishAlarmOperation(op: AlarmOperation): void;
  /** Whether Redis answers (always true without Redis). */
  redisReady(): Promise<boolean>;
}

export async function buildApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const tokens = new TokenVerifier(jwtConfigOf({ ...opts.jwt, secret: opts.jwtSecret }));
  const logger = opts.logger.child({ component: 'api' });
  const limits: ApiLimits = { ...DEFAULT_LIMITS, ...opts.limits };

  const redisOptions = { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false };
  const redis = opts.redis ? new Redis(opts.redis.url, redisOptions) : null;
  const redisSub = opts.redis ? new Redis(opts.redis.url, { ...redisOptions, maxRetriesPerRequest: null }) : null;
  for (const r of [redis, redisSub]) r?.on('error', (err) => logger.debug('redis error', { err }));
  const keyPrefix = opts.redis?.keyPrefix ?? API_DEFAULTS.redisKeyPrefix;

  const apiKeys = new ApiKeyStore(opts.pool, logger);
  const topology = new TopologyStore();
  const upstream = opts.parentDown ?? null;
  const fanout = new StateFanout(opts.pool, logger, opts.alarms?.book ?? null, upstream ? (rows) => parentDownMarks(opts.pool, topology, upstream, rows) : null);
  const connections = new ConnectionWatch();
  const deliver = (msg: BusMessage) => {
    if (msg.kind === 'api-key-revoked') {
      apiKeys.forget(msg.id);
      connections.revoked(msg.id);
    } else fanout.publishAnomalyUpdate(msg.update);
  };
  const events = new EventBus({ publisher: redis, subscriber: redisSub, keyPrefix, logger, deliver });
  const svc: ApiServices = {
    db: opts.pool,
    logger,
    limits,
    apiKeys,
    events,
    lastValues: redis ? new LastValuesReader(redis, opts.redis?.sinkKeyPrefix ?? API_DEFAULTS.sinkRedisKeyPrefix, logger) : null,
    inventory: opts.inventory ?? null,
    credentials: opts.credentials ?? null,
    topology,
    alarms: opts.alarms ?? null,
    rules: opts.rules ?? (() => builtinRules),
    parentDown: upstream,
  };
  const rateLimiter = redis
    ? new RateLimiter(redis, { keyPrefix, requestsPerWindow: limits.requestsPerWindow, addressRequestsPerWindow: limits.addressRequestsPerWindow, windowMs: limits.rateWindowMs, logger })
    : null;
  const socketLimits = new SocketLimits({
    initTimeoutMs: limits.wsInitTimeoutMs,
    perAddress: limits.wsPerAddress,
    perToken: limits.wsPerToken,
    rateRefusalsBeforeClose: API_DEFAULTS.ws.rateRefusalsBeforeClose,
    closeDelayMs: API_DEFAULTS.ws.closeAfterAuthFailureMs,
  });

  // Typed as a plain FastifyInstance: the adapter logger is pino-shaped, not a pino instance.
  const app = Fastify({
    loggerInstance: fastifyLoggerFrom(logger),
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    bodyLimit: limits.bodyBytes,
  });
  app.addHook('onClose', async () => {
    await Promise.all([redis, redisSub].map(async (r) => r?.quit().catch(() => r.disconnect())));
  });

  // Errors outside GraphQL (static files, health): a code and a message, never a stack.
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) request.log.error({ err }, 'request failed');
    return reply.code(status).send(status >= 500 ? { code: 'INTERNAL', message: 'internal error' } : { code: err.code ?? 'BAD_REQUEST', message: err.message });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` }));

  const hub = new LiveHub({ db: opts.pool, logger });
  const authenticator = new Authenticator(tokens, apiKeys);
  registerCors(app, { origins: opts.corsOrigins ?? [] });
  const redisCheck: ReadinessCheck[] = redis ? [{ name: 'redis', check: async () => (await redis.ping().catch(() => null)) === 'PONG' }] : [];
  await app.register(healthPlugin, { db: opts.pool, checks: [...redisCheck, ...(opts.readinessChecks ?? [])] });
  await app.register(graphqlPlugin, { svc, authenticator, rateLimiter, hub, fanout, connections, socketLimits });
  await app.register(uiStaticPlugin, { uiDir: opts.uiDir ?? API_DEFAULTS.uiDir, logger });
  try {
    await events.start();
    await app.ready();
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }

  return {
    app,
    publishLive: (batch) => hub.publish(batch),
    publishAnomaly: (event) => fanout.publishAnomalyEvent(event),
    publishHealth: (score) => fanout.publishHealth(score),
    publishLink: (linkId, link) => void svc.topology.apply(linkId, link),
    publishAlarmOperation: (op) => {
      const payload = alarmOperationPayload(op);
      if (payload) fanout.publishAlarmOperation(payload);
    },
    redisReady: async () => (redis ? (await redis.ping().catch(() => null)) === 'PONG' : true),
  };
}
