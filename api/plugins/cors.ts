// Cross-origin access for the allow-listed origins only (a dashboard served from elsewhere,
// a developer's Vite server). Tokens travel in the Authorization header, never cookies, so no
// credentials mode is needed. Same-origin use (the UI served by this API) needs none of this.

import type { FastifyInstance } from 'fastify';

export interface CorsPluginOptions {
  origins: readonly string[];
}

const PREFLIGHT_MAX_AGE_S = '600';

export function registerCors(app: FastifyInstance, opts: CorsPluginOptions): void {
  const allowed = new Set(opts.origins);
  if (allowed.size === 0) return;

  // A root-level hook (not an encapsulated plugin) so it runs before the GraphQL auth hook and
  // answers preflights, which never carry the Authorization header.
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin === undefined || !(allowed.has(origin) || allowed.has('*'))) return;
    reply.header('access-control-allow-origin', allowed.has('*') ? '*' : origin);
    reply.header('vary', 'Origin');
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
      return reply
        .code(204)
        .header('access-control-allow-methods', 'GET, POST, OPTIONS')
        .header('access-control-allow-headers', 'authorization, content-type, x-api-key')
        .header('access-control-max-age', PREFLIGHT_MAX_AGE_S)
        .send();
    }
  });
}
