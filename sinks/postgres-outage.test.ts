// PostgreSQL going away under load, on a throwaway cluster of this test's own (initdb on a random
// port, run as the postgres OS user like the stack does): the sink pauses, retries with backoff
// and resumes when the server is back, losing nothing. In the same stream, rows PostgreSQL refuses
// (a timestamp with no partition to hold it, a series key with a NUL byte) go to the dead-letter
// topic with PostgreSQL's reason, and the rest of their batch is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createLogger } from '../common/log.js';
import { connectStreams, deadLetterHeaders, type InRecord } from '../streams/index.js';
import { freePort, startRole, type RoleProcess } from '../infra/supervisor.js';
import { startPostgres, type PostgresServer } from '../infra/postgres.js';
import { streamConfig, uniquePrefix, eventually } from '../test/env.js';
import type { MetricBatch } from '../schemas/types.js';
import { metricBatch, sinkEnv } from '../test/sink-fixtures.js';
import { HOUR_MS } from '../common/time-units.js';

const ROUNDS = 30;
const PER_ROUND = 20; // metric batches
const SAMPLES = 5;
const SMALL = { shared_buffers: "'64MB'", effective_cache_size: "'256MB'", max_wal_size: "'256MB'", min_wal_size: "'64MB'", maintenance_work_mem: "'64MB'" };

test('PostgreSQL restarting under load: nothing lost; refused rows go to the dead-letter topic', { timeout: 120_000 }, async () => {
  const logger = createLogger({ test: 'pg-outage' }, 'warn');
  const prefix = uniquePrefix('pgdown');
  const dataDir = mkdtempSync(join(tmpdir(), 'oc-pg-outage-'));
  chmodSync(dataDir, 0o755);
  const port = await freePort();
  const startPg = () => startPostgres({ dataDir, port, logger, settings: SMALL });
  let server: PostgresServer | undefined = await startPg();
  const streams = await connectStreams({ config: streamConfig(prefix), clientId: 'pgdown-test', logger, writes: ['metrics'] });
  const dead: InRecord[] = [];
  const dlqReader = streams.consumer({ groupId: 'dlq-reader', topics: [streams.topics.dlq], handler: async (r) => void dead.push(...r) });
  let sink: RoleProcess | undefined;
  try {
    sink = await startRole({ name: 'sink', role: 'sink', env: sinkEnv({ prefix, databaseUrl: server.databaseUrl }), logDir: dataDir, timeoutMs: 60_000 });
    await dlqReader.start();
    const t0 = Date.now() - HOUR_MS;
    let good = 0;
    const send = (batches: MetricBatch[]) => streams.producer.send(streams.topics.metrics, batches.map((b) => ({ key: b.deviceId, value: b, timestamp: b.ts < Date.now() ? b.ts : undefined }))); // Kafka refuses record times far ahead
    const producing = (async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const batches = Array.from({ length: PER_ROUND }, (_, k) => metricBatch(`dev-${k}`, t0 + round * 10_000 + k, SAMPLES));
        good += PER_ROUND * SAMPLES;
        if (round === 5) {
          // A device clock in 2200: no partition holds it; the whole message is refused.
          batches.push(metricBatch('dev-0', Date.UTC(2200, 0, 1), SAMPLES));
          // An interface description with a NUL byte: PostgreSQL text cannot hold it; the
          // message's four other samples are written.
          const b = metricBatch('dev-1', t0 + round * 10_000 + 500, SAMPLES);
          b.samples[2] = { ...b.samples[2], seriesKey: 'dev-1/if_in_bps{ifName=ge-0/0/1\u0000}', labels: { ifName: 'ge-0/0/1\u0000' } };
          batches.push(b);
          good += SAMPLES - 1;
        }
        await send(batches);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    await new Promise((r) => setTimeout(r, 2_000));
    await server.stop();
    server = undefined;
    await new Promise((r) => setTimeout(r, 4_000));
    server = await startPg();
    await producing;

    const db = new pg.Client({ connectionString: server.databaseUrl });
    await db.connect();
    try {
      const count = async () => Number((await db.query('SELECT count(*) AS n FROM metric_points')).rows[0].n);
      await eventually('every good sample written', async () => ((await count()) >= good ? true : undefined), 45_000, 500);
      assert.equal(await count(), good, 'exactly the good samples, none lost or doubled');
    } finally {
      await db.end();
    }
    assert.equal(sink.child.exitCode, null, 'the sink rode out the outage without exiting');
    const log = readFileSync(sink.logFile, 'utf8');
    assert.match(log, /PostgreSQL unavailable; retrying/, 'it retried while the server was down');

    await eventually('two dead letters', () => (dead.length >= 2 ? true : undefined), 30_000);
    assert.equal(dead.length, 2);
    for (const d of dead) {
      assert.equal(d.headers[deadLetterHeaders.code], 'SINK_ROW_REJECTED');
      assert.equal(d.headers[deadLetterHeaders.stage], 'sink');
      assert.equal(d.headers[deadLetterHeaders.topic], streams.topics.metrics);
    }
    const reasons = dead.map((d) => d.headers[deadLetterHeaders.message]).join('\n');
    assert.match(reasons, /no partition of relation "metric_points" found for row/);
    assert.match(reasons, /0x00/);
  } finally {
    await sink?.stop(5_000);
    await dlqReader.stop();
    await server?.stop();
    await streams.admin.deleteTopics(Object.values(streams.topics)).catch(() => undefined);
    await streams.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
