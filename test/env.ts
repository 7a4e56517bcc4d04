// Endpoints of the services the tests run against (set by `npm test`; the defaults are the
// development services a developer may have running by hand).
import { randomBytes } from 'node:crypto';

export const testEnv = {
  kafkaBrokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:29092').split(','),
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:25432/opsconductor',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:26379',
  registryUrl: process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:28081',
};

/** A topic prefix (and group prefix) of this test's own, so tests never see each other's data. */
export function uniquePrefix(name: string): string {
  return `t-${name}-${randomBytes(3).toString('hex')}.`;
}

export function streamConfig(prefix: string) {
  return {
    kafkaBrokers: testEnv.kafkaBrokers,
    schemaRegistryUrl: testEnv.registryUrl,
    partitions: 3,
    replicationFactor: 1,
    topicPrefix: prefix,
    compression: 'snappy',
  } as const;
}

/** Polls `check` until it returns a value that is not undefined, or fails naming `what`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
