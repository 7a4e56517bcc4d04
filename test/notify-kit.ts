// What the notifier's Kafka tests share: a real HTTP receiver that keeps every webhook it gets,
// and the teardown of a test's topics and Redis keys.
import { createServer, type Server } from 'node:http';
import { Redis } from 'ioredis';
import type { Streams } from '../streams/index.js';
import { testEnv } from './env.js';

/** An HTTP receiver that keeps every webhook it gets, by path. */
export async function webhookReceiver() {
  const received: Array<{ path: string; body: any }> = [];
  const http: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ path: req.url!, body: JSON.parse(body) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  return { received, base, close: () => new Promise((r) => http.close(r)) };
}

/** Deletes the test's topics (named with `prefix`), closes its streams and drops its Redis keys. */
export async function dropTestState(streams: Streams, prefix: string): Promise<void> {
  await streams.admin.deleteTopics(Object.values(streams.topics).filter((t) => t.startsWith(prefix))).catch(() => undefined);
  await streams.close();
  const redis = new Redis(testEnv.redisUrl);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
}
