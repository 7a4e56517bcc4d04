// The whole pipeline for one end-to-end test: a database and a topic prefix of its own, the lab,
// every role, and a PostgreSQL client on that database; all stopped and dropped after the test.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import pg from 'pg';
import { startPipeline, type PipelineOptions } from '../infra/pipeline.js';
import { testEnv, uniquePrefix } from './env.js';
import { createTestDatabase } from './pg-db.js';

export async function startTestPipeline(t: TestContext, name: string, overrides: Partial<PipelineOptions> = {}) {
  const db = await createTestDatabase(name);
  const jwtSecret = randomBytes(32).toString('base64url');
  const topicPrefix = overrides.topicPrefix ?? uniquePrefix(name);
  const pipeline = await startPipeline({
    endpoints: { ...testEnv, databaseUrl: db.url },
    registryUrl: testEnv.registryUrl,
    runDir: mkdtempSync(join(tmpdir(), `oc-${name}-`)),
    jwtSecret,
    labIcmpPaths: 0,
    pollIntervalMs: 2_000,
    ...overrides,
    topicPrefix,
  });
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  t.after(async () => {
    await client.end();
    await pipeline.stop();
    await db.drop();
  });
  return { pipeline, client, jwtSecret, topicPrefix };
}
