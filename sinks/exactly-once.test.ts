// Exactly once into PostgreSQL: the sink role, a real child process, is SIGKILLed repeatedly while
// metric batches stream in. Afterwards metric_points holds exactly the samples produced, the
// stored offsets are the ends of the topic, and no batch was ever written twice (the sink's own
// per-batch log shows no row already present and no record below a stored offset).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { createLogger } from '../common/log.js';
import { connectStreams } from '../streams/index.js';
import { startRole, type RoleProcess } from '../infra/supervisor.js';
import { streamConfig, uniquePrefix, eventually, testEnv } from '../test/env.js';
import { createTestDatabase } from '../test/pg-db.js';
import { metricBatch, sinkEnv } from '../test/sink-fixtures.js';
import { HOUR_MS } from '../common/time-units.js';

const MESSAGES = 2_400; // metric batches, at least
const SAMPLES = 10; // per batch
const KILLS = 4;

test('SIGKILL the sink mid-stream repeatedly: every sample lands exactly once', { timeout: 120_000 }, async () => {
  const logger = createLogger({ test: 'exactly-once' }, 'error');
  const prefix = uniquePrefix('eos');
  const database = await createTestDatabase('sink_eos');
  const logDir = mkdtempSync(join(tmpdir(), 'oc-sink-eos-'));
  const streams = await connectStreams({ config: streamConfig(prefix), clientId: 'eos-test', logger, writes: ['metrics'] });
  const db = new pg.Client({ connectionString: database.url });
  // A failpoint holds each batch transaction open 40 ms before COMMIT, so kills can land there.
  const env = sinkEnv({ prefix, databaseUrl: database.url, extra: { SINK_FAILPOINT_COMMIT_DELAY_MS: '40' } });
  const redis = new Redis(testEnv.redisUrl);
  let sink: RoleProcess | undefined;
  let run = 0;
  const t0 = Date.now() - 2 * HOUR_MS;
  const start = async () => (sink = await startRole({ name: `sink-${run++}`, role: 'sink', env, logDir, timeoutMs: 60_000 }));
  try {
    await db.connect();
    await start();
    // Production goes on until the last kill is done (and at least MESSAGES were sent), so every
    // kill meets batches in flight.
    let killing = true;
    let produced = 0;
    const producing = (async () => {
      for (let i = 0; i < MESSAGES || killing; i += 40) {
        const records = Array.from({ length: 40 }, (_, k) => {
          const b = metricBatch(`dev-${(i + k) % 25}`, t0 + (i + k) * 100, SAMPLES);
          return { key: b.deviceId, value: b, timestamp: b.ts };
        });
        await streams.producer.send(streams.topics.metrics, records);
        produced += records.length;
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    // Each kill waits for the sink's writer to be inside a transaction, so it lands mid-batch:
    // after the COPY, before the COMMIT. A restarted sink first waits out the killed member's
    // session (6 s) before the group hands it the partitions, hence the long deadline.
    let midTransaction = 0;
    for (let k = 0; k < KILLS; k++) {
      await new Promise((r) => setTimeout(r, 200 + Math.random() * 500));
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const open = await db.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'opsconductor-sink' AND xact_start IS NOT NULL`);
        if (open.rowCount) {
          midTransaction++;
          break;
        }
      }
      await sink!.kill();
      await start();
    }
    killing = false;
    assert.ok(midTransaction >= KILLS - 1, `${midTransaction} of ${KILLS} kills landed inside a batch transaction`);
    await producing;
    const expected = produced * SAMPLES;
    const count = async () => Number((await db.query('SELECT count(*) AS n FROM metric_points')).rows[0].n);
    await eventually('every sample in metric_points', async () => ((await count()) >= expected ? true : undefined), 45_000, 500);
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(await count(), expected, 'row count equals the samples produced');

    const ends = await streams.admin.endOffsets(streams.topics.metrics);
    const stored = (await db.query('SELECT partition, next_offset FROM sink_offsets WHERE topic = $1', [streams.topics.metrics])).rows;
    for (const [p, end] of ends) if (end > 0n) assert.equal(String(stored.find((r) => r.partition === p)?.next_offset), String(end), `stored offset of partition ${p}`);

    let written = 0;
    let duplicates = 0;
    let replayed = 0;
    let largestBatch = 0; // records
    for (let i = 0; i < run; i++) {
      for (const line of readFileSync(join(logDir, `sink-${i}.log`), 'utf8').split('\n')) {
        if (!line.includes('"batch committed"')) continue;
        const e = JSON.parse(line);
        written += e.inserted;
        duplicates += e.rows - e.inserted;
        replayed += e.alreadyStored;
        largestBatch = Math.max(largestBatch, e.records);
      }
    }
    assert.equal(duplicates, 0, 'no batch row was already present: nothing was written twice');
    assert.equal(replayed, 0, 'the consumer resumed at the stored offsets: nothing below them was fetched');
    // The last value of each series reached Redis too (dev-0 sent every 25th message).
    const lastKey = `${env.SINK_REDIS_PREFIX}last:dev-0`;
    const last = await eventually('last value in Redis', async () => ((await redis.hget(lastKey, 'dev-0/if_in_bps{ifName=eth3}'))?.startsWith(String(t0 + Math.floor((produced - 1) / 25) * 25 * 100)) ? true : undefined), 10_000);
    assert.ok(last);
    // A kill between a batch's COMMIT and its log line leaves that batch unlogged: at most one batch a
    // kill (the consumer hands over what it has fetched, so a batch may hold many produce calls' worth).
    assert.ok(written <= expected && written >= expected - (KILLS + 1) * largestBatch * SAMPLES, `logged ${written} of ${expected} rows (largest batch ${largestBatch} records)`);
  } finally {
    await sink?.stop(5_000);
    await db.end().catch(() => undefined);
    const stale = await redis.keys(`${env.SINK_REDIS_PREFIX}*`);
    if (stale.length > 0) await redis.del(...stale);
    redis.disconnect();
    await streams.admin.deleteTopics(Object.values(streams.topics)).catch(() => undefined);
    await streams.close();
    await database.drop();
    rmSync(logDir, { recursive: true, force: true });
  }
});
