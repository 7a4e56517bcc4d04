// What mercurius and Fastify report at error level reaches our log at the level it deserves: a
// client's mistake or a client that went away is info, a server fault stays an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from '../common/log.js';
import { fastifyLoggerFrom } from './fastify-logger.js';

function recorder(): { logger: Logger; lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  const at = (level: string) => (msg: string) => void lines.push({ level, msg });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return { logger, lines };
}

test('an aborted subscription queue (the client navigated away) is logged as info, not as an error', () => {
  const { logger, lines } = recorder();
  const abort = Object.assign(new Error('The operation was aborted'), { code: 'ABORT_ERR', name: 'AbortError' });
  fastifyLoggerFrom(logger).error({ err: abort }, 'subscription queue error (suppressed)');
  assert.deepEqual(lines, [{ level: 'info', msg: 'subscription queue error (suppressed)' }]);
});

test('a 4xx error is info; a server fault stays an error', () => {
  const { logger, lines } = recorder();
  const log = fastifyLoggerFrom(logger);
  log.error({ err: Object.assign(new Error('bad token'), { statusCode: 401 }) }, 'request failed');
  log.error({ err: new Error('connection refused') }, 'request failed');
  log.error(new Error('pool exhausted'));
  assert.deepEqual(lines.map((l) => l.level), ['info', 'error', 'error']);
});
