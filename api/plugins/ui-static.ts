// Serves the built dashboard (ui/dist) at `/`, with the single-page-app fallback: any GET that is
// not a file, not an API route and not under /assets gets index.html. Hashed assets are cached
// for a year; index.html never, so a deploy is picked up on the next reload.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../../common/log.js';

export interface UiStaticPluginOptions {
  uiDir: string;
  logger: Logger;
}

const SECURITY_HEADERS: Record<string, string> = {
  // The page is opened with ?token=...; never send that URL to anyone as a referrer.
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'self'; connect-src 'self' ws: wss:; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
};

export async function uiStaticPlugin(app: FastifyInstance, opts: UiStaticPluginOptions): Promise<void> {
  const root = resolve(opts.uiDir);
  if (!existsSync(resolve(root, 'index.html'))) {
    opts.logger.warn('dashboard not built, / serves a notice', { uiDir: root, fix: 'npx vite build --config ui/vite.config.ts' });
    app.get('/', async (_request, reply) =>
      reply.code(503).type('text/plain').send('The dashboard is not built: run `npx vite build --config ui/vite.config.ts`.\n'),
    );
    return;
  }

  await app.register(fastifyStatic, {
    root,
    wildcard: false, // one route per file found at start; the fallback below takes the rest
    index: false,
    setHeaders: (reply, filePath) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
      reply.header('cache-control', filePath.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });

  const sendIndex = async (_request: unknown, reply: { sendFile(name: string): unknown }) => reply.sendFile('index.html');
  app.get('/', sendIndex);
  app.get('/*', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (path.startsWith('/assets/') || /\.[a-z0-9]+$/i.test(path)) {
      return reply.code(404).send({ code: 'NOT_FOUND', message: `no file ${path}` });
    }
    return reply.sendFile('index.html');
  });
}
