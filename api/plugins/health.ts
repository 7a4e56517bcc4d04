// Liveness and readiness. /healthz answers as long as the event loop does; /readyz only when
// PostgreSQL answers and every other dependency the caller names (Redis, the Kafka consumers)
// says it is ready, so a load balancer stops sending traffic to a replica that cannot serve it.

import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { API_DEFAULTS } from '../defaults.js';

export interface ReadinessCheck {
  name: string; // redis | kafka ...
  check(): Promise<boolean> | boolean;
}

export interface HealthPluginOptions {
  db: Pick<pg.Pool, 'query'>;
  checks?: ReadinessCheck[];
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
    } catch (err) {
      request.log.warn({ err }, 'readiness check failed: PostgreSQL unreachable');
      return reply.code(503).send({ status: 'unavailable', code: 'DATABASE_UNAVAILABLE', message: 'PostgreSQL is not reachable' });
    }
    const failing: string[] = [];
    for (const c of opts.checks ?? []) {
      const ok = await withTimeout(Promise.resolve(c.check()), API_DEFAULTS.readyzTimeoutMs).catch(() => false);
      if (!ok) failing.push(c.name);
    }
    if (failing.length > 0) {
      return reply.code(503).send({ status: 'unavailable', code: 'DEPENDENCY_UNAVAILABLE', message: `not ready: ${failing.join(', ')}` });
    }
    return { status: 'ready' };
  });
}
