// Quick checks that a stack's endpoints answer, used before reusing a profile another process
// owns. Each returns a short reason on failure so the caller can say what is wrong.

import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
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
    ['kafka', () => kafkaAnswers(endpoints.kafkaBrokers)],
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

async function kafkaAnswers(brokers: string[]): Promise<boolean> {
  const kafka = new Kafka({ clientId: 'oc-stack-probe', brokers, logLevel: logLevel.NOTHING, connectionTimeout: 1_000, retry: { retries: 0 } });
  const admin = kafka.admin();
  try {
    await admin.connect();
    return (await admin.describeCluster()).brokers.length === brokers.length;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
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
