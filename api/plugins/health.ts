// Liveness and readiness. /healthz answers as long as the event loop does; /readyz only when
// PostgreSQL answers, so a load balancer stops sending queries to a replica that cannot serve them.

import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { API_DEFAULTS } from '../defaults.js';

export interface HealthPluginOptions {
  db: Pick<pg.Pool, 'query'>;
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function healthPlugin(app: FastifyInstance, opts: HealthPluginOptions): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (request, reply) => {
    try {
      await withTimeout(opts.db.query('select 1'), API_DEFAULTS.readyzTimeoutMs);
      return { status: 'ready' };
    } catch (err) {
      request.log.warn({ err }, 'readiness check failed: PostgreSQL unreachable');
      return reply.code(503).send({ status: 'unavailable', code: 'DATABASE_UNAVAILABLE', message: 'PostgreSQL is not reachable' });
    }
  });
}
