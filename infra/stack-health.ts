// Quick checks that a stack's endpoints answer, used before reusing a profile another process
// owns. Each returns a short reason on failure so the caller can say what is wrong.

import pg from 'pg';
import { clusterBrokerIds } from '../common/kafka.js';
import { ping } from './redis.js';
import { settlesWithin } from './proc.js';

export interface Endpoints {
  kafkaBrokers: string[];
  databaseUrl: string;
  redisUrl: string;
}

/** undefined when every service answers within timeoutMs, else what did not. */
export async function checkEndpoints(endpoints: Endpoints, timeoutMs: number): Promise<string | undefined> {
  const checks: Array<[string, () => Promise<boolean>]> = [
    ['kafka', () => kafkaAnswers(endpoints.kafkaBrokers, timeoutMs)],
    ['postgresql', () => postgresAnswers(endpoints.databaseUrl)],
    ['redis', () => ping(Number(new URL(endpoints.redisUrl).port))],
  ];
  const results = await Promise.all(
    checks.map(async ([name, check]) => {
      let ok = false;
      const done = check().then((v) => (ok = v), () => (ok = false));
      return (await settlesWithin(done, timeoutMs)) && ok ? undefined : name;
    }),
  );
  const failed = results.filter(Boolean);
  return failed.length === 0 ? undefined : `${failed.join(', ')} not answering`;
}

/** Every broker registered: the metadata lists as many as the stack has. */
async function kafkaAnswers(brokers: string[], timeoutMs: number): Promise<boolean> {
  return (await clusterBrokerIds(brokers, { clientId: 'oc-stack-probe', timeoutMs })).length === brokers.length;
}

async function postgresAnswers(databaseUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}
