// Composition root of the API: builds the Fastify instance with its plugins in order (CORS,
// health, GraphQL, dashboard) and hands back the app and the live fan-out entry point. The caller
// owns the pool and the listener: the api role (api-role.ts) listens, tests listen on port 0 or inject().

import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { Logger } from '../common/log.js';
import { assertUsableSecret } from './auth/jwt.js';
import { API_DEFAULTS } from './defaults.js';
import { ApiError } from './errors.js';
import { fastifyLoggerFrom } from './fastify-logger.js';
import { graphqlPlugin } from './graphql/plugin.js';
import { LiveHub, type LiveBatch } from './live/live-hub.js';
import { registerCors } from './plugins/cors.js';
import { healthPlugin } from './plugins/health.js';
import { uiStaticPlugin } from './plugins/ui-static.js';

export interface ApiServerOptions {
  pool: pg.Pool;
  jwtSecret: string;
  uiDir?: string;
  corsOrigins?: string[];
  logger: Logger;
}

export interface ApiServer {
  app: FastifyInstance;
  /** Fans a telemetry.live record out to subscribers. Never throws for data problems; drops are counted. */
  publishLive(batch: LiveBatch): Promise<void>;
}

export async function buildApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  try {
    assertUsableSecret(opts.jwtSecret, 'API_JWT_SECRET');
  } catch (err) {
    throw new ApiError('CONFIG_INVALID', (err as Error).message);
  }
  const logger = opts.logger.child({ component: 'api' });

  // Typed as a plain FastifyInstance: the adapter logger is pino-shaped, not a pino instance.
  const app = Fastify({
    loggerInstance: fastifyLoggerFrom(logger) as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    bodyLimit: 1_048_576, // bytes; GraphQL documents are small
  });

  // Errors outside GraphQL (static files, health): a code and a message, never a stack.
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) request.log.error({ err }, 'request failed');
    return reply.code(status).send(status >= 500 ? { code: 'INTERNAL', message: 'internal error' } : { code: err.code ?? 'BAD_REQUEST', message: err.message });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` }));

  const hub = new LiveHub({ db: opts.pool, logger });
  registerCors(app, { origins: opts.corsOrigins ?? [] });
  await app.register(healthPlugin, { db: opts.pool });
  await app.register(graphqlPlugin, { db: opts.pool, jwtSecret: opts.jwtSecret, hub, logger });
  await app.register(uiStaticPlugin, { uiDir: opts.uiDir ?? API_DEFAULTS.uiDir, logger });
  await app.ready();

  return { app, publishLive: (batch) => hub.publish(batch) };
}
