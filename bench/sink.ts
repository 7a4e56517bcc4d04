// Sink throughput: N metric samples from Kafka (Avro metric batches, as the processors write
// them) into metric_points by the real `sink` role, next to two references on the same table and
// the same rows in the same run: psql \copy from a file (the machine's limit for one COPY stream)
// and timescaledb-parallel-copy with one worker (`go install`ed into .cache/go-bin).
// The sink is timed from its first committed batch to its last (group join and process start
// are one-offs, not throughput); the references from process start to exit. psql runs once
// before and once after the sink and the mean is the reference (the machine's load drifts).
// Knobs for investigating (environment): SINK_COPY_MODE=staging (the staging + ON CONFLICT path),
// SINK_FETCH_BYTES_PER_PARTITION, SINK_WRITER_THREAD=false (COPY fed from the main thread), BENCH_SINK_REDIS=off, BENCH_SINK_LOG=debug with BENCH_SINK_KEEP=1
// (the per-batch timings stay in the sink's log under the temp folder), BENCH_SINK_NODE_OPTIONS
// (NODE_OPTIONS of the sink process only: a --require'd profiler, say; --cpu-prof is refused there).
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { kafkaSecurityEnv } from '../common/kafka-security.js';
import { createLogger } from '../common/log.js';
import { connectStreams } from '../streams/index.js';
import { projectRoot, startRole } from '../infra/supervisor.js';
import type { MetricBatch } from '../schemas/types.js';
import { migrate } from '../storage/migrations.js';
import { ensurePartitions } from '../storage/partitions.js';
import type { BenchContext } from './run.js';
import { DAY_MS } from '../common/time-units.js';

const DEFAULTS = {
  rows: 2_000_000,
  samplesPerBatch: 10, // one poll's samples: one Kafka message
  devices: 1_000,
  partitions: 6,
};
// Event times from yesterday's UTC midnight: inside the raw retention, so every row has a place.
const T0 = Math.floor(Date.now() / DAY_MS - 1) * DAY_MS;

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : args.find((a) => a.startsWith(`${name}=`))?.split('=')[1];
}

function batchOf(i: number, samples: number, devices: number): MetricBatch {
  const deviceId = `bench-${i % devices}`;
  return {
    deviceId,
    source: 'snmp',
    ts: T0 + Math.floor(i / devices) * 10_000, // every device polled every 10 s
    samples: Array.from({ length: samples }, (_, k) => ({
      seriesKey: `${deviceId}/if_in_bps{ifName=eth${k}}`,
      metric: 'if_in_bps',
      labels: { ifName: `eth${k}` },
      unit: 'bps',
      value: ((i * 7919 + k * 104729) % 1e9) / 8,
    })),
  };
}

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - t0) / 1e9) : reject(new Error(`${cmd} failed (${code}): ${err.slice(-500)}`))));
  });
}

// The module proxy refuses to list versions of some modules (`@latest` answers 403) while still
// serving exact releases of others; an exact, known release is asked for, once per machine.
const PARALLEL_COPY = { module: 'github.com/timescale/timescaledb-parallel-copy', version: 'v0.9.0' };

/**
 * timescaledb-parallel-copy from the Go module proxy, built once into .cache/go-bin. A refusal is
 * remembered in .cache/go-bin/timescaledb-parallel-copy.failed (delete it to try again), so the
 * bench does not ask the proxy again for something it said no to.
 */
export function parallelCopyBinary(say: (m: string) => void): { path: string | null; reason?: string } {
  const bin = join(projectRoot, '.cache', 'go-bin');
  const path = join(bin, 'timescaledb-parallel-copy');
  const failed = `${path}.failed`;
  if (existsSync(path)) return { path };
  if (existsSync(failed)) return { path: null, reason: readFileSync(failed, 'utf8').trim() };
  const target = `${PARALLEL_COPY.module}/cmd/timescaledb-parallel-copy@${PARALLEL_COPY.version}`;
  say(`installing timescaledb-parallel-copy (go install ${target})…`);
  const r = spawnSync('go', ['install', target], {
    env: { ...process.env, GOBIN: bin, GOFLAGS: '-mod=mod' },
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (r.status === 0 && existsSync(path)) return { path };
  const reason = `go install ${target} failed: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').slice(-2).join(' ')}`;
  mkdirSync(bin, { recursive: true });
  writeFileSync(failed, reason + '\n');
  return { path: null, reason };
}

async function count(db: pg.Client): Promise<number> {
  return Number((await db.query('SELECT count(*) AS n FROM metric_points')).rows[0].n);
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const rows = Number(argValue(ctx.args, '--rows') ?? ctx.args.find((a) => /^\d+$/.test(a)) ?? DEFAULTS.rows);
  const { samplesPerBatch, devices, partitions } = DEFAULTS;
  const messages = Math.ceil(rows / samplesPerBatch);
  const total = messages * samplesPerBatch;
  const logger = createLogger({ role: 'bench' }, 'warn');
  const prefix = `benchsink${randomBytes(3).toString('hex')}.`;
  const config = { kafkaBrokers: ctx.kafkaBrokers, schemaRegistryUrl: ctx.registryUrl, partitions, replicationFactor: 1, topicPrefix: prefix, compression: 'snappy', ...ctx.kafkaSecurity } as const;
  const dbName = `bench_sink_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ctx.databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(ctx.databaseUrl);
  url.pathname = `/${dbName}`;
  const databaseUrl = url.toString();
  const db = new pg.Client({ connectionString: databaseUrl });
  const dir = mkdtempSync(join(tmpdir(), 'oc-bench-sink-'));
  const streams = await connectStreams({ config, clientId: 'bench-sink', logger, writes: ['metrics'] });
  try {
    ctx.say(`sink bench: ${total} samples in ${messages} Avro metric batches of ${samplesPerBatch}, ${devices * samplesPerBatch} series, ${partitions} partitions`);
    // 1. The rows, to Kafka (not timed) and to a file for the references, in the same order.
    const file = join(dir, 'rows.csv');
    const out = createWriteStream(file);
    const chunk = 2_000;
    const sends: Promise<void>[] = [];
    const seriesIds = new Map<string, number>(); // the ids the sink will assign, in first-seen order
    for (let i = 0; i < messages; i += chunk) {
      const batches = Array.from({ length: Math.min(chunk, messages - i) }, (_, k) => batchOf(i + k, samplesPerBatch, devices));
      let text = '';
      for (const b of batches) {
        const ts = new Date(b.ts).toISOString();
        for (const s of b.samples) {
          let id = seriesIds.get(s.seriesKey);
          if (id === undefined) seriesIds.set(s.seriesKey, (id = seriesIds.size + 1));
          text += `${ts},${id},${s.value}\n`;
        }
      }
      if (!out.write(text)) await once(out, 'drain');
      sends.push(streams.producer.send(streams.topics.metrics, batches.map((b) => ({ key: b.deviceId, value: b, timestamp: b.ts }))));
      if (sends.length >= 8) await sends.shift();
    }
    await Promise.all(sends);
    out.end();
    await once(out, 'finish');
    // Done means every message in the topic, which can be more than were sent: a produce retried
    // by the client after a timeout can land twice (the sink then skips the copies' rows).
    let inTopic = 0;
    for (const high of (await streams.admin.endOffsets(streams.topics.metrics)).values()) inTopic += Number(high);
    if (inTopic !== messages) ctx.say(`note: the topic holds ${inTopic} messages for ${messages} sent (producer retries)`);

    // 2. psql \copy of the same rows, once before the sink and once after: on a machine shared
    // with other work the load drifts, and the mean of two runs around the sink's is the fairer
    // reference. Schema and partitions first, as the sink's start would make them.
    await db.connect();
    await migrate(db, { layout: 'auto' });
    await ensurePartitions(db, T0, T0 + (messages / devices) * 10_000);
    const psqlRun = async (): Promise<number> => {
      await db.query('TRUNCATE metric_points');
      await db.query('CHECKPOINT');
      const seconds = await timed('psql', [databaseUrl, '-v', 'ON_ERROR_STOP=1', '-q', '-c', `\\copy metric_points (ts, series_id, value) FROM '${file}' WITH (FORMAT csv)`]);
      if ((await count(db)) !== total) throw new Error('psql \\copy did not load every row');
      await db.query('TRUNCATE metric_points');
      await db.query('CHECKPOINT');
      ctx.say(`psql \\copy: ${Math.round(total / seconds)} rows/s (${seconds.toFixed(2)} s)`);
      return total / seconds;
    };
    const psqlBefore = await psqlRun();

    // 3. The sink role, a child process as deployed; timed from the first committed batch.
    ctx.say('running the sink role…');
    const sink = await startRole({
      name: 'bench-sink',
      role: 'sink',
      logDir: join(dir, 'logs'),
      env: {
        KAFKA_BROKERS: ctx.kafkaBrokers.join(','),
        ...kafkaSecurityEnv(ctx.kafkaSecurity),
        SCHEMA_REGISTRY_URL: ctx.registryUrl,
        DATABASE_URL: databaseUrl,
        REDIS_URL: process.env.BENCH_SINK_REDIS ?? ctx.redisUrl,
        SINK_REDIS_PREFIX: `${prefix}oc:`,
        KAFKA_TOPIC_PREFIX: prefix,
        KAFKA_PARTITIONS: String(partitions),
        LOG_LEVEL: process.env.BENCH_SINK_LOG ?? 'warn',
        ...(process.env.SINK_COPY_MODE ? { SINK_COPY_MODE: process.env.SINK_COPY_MODE } : {}),
        ...(process.env.SINK_FETCH_BYTES_PER_PARTITION ? { SINK_FETCH_BYTES_PER_PARTITION: process.env.SINK_FETCH_BYTES_PER_PARTITION } : {}),
        ...(process.env.SINK_WRITER_THREAD ? { SINK_WRITER_THREAD: process.env.SINK_WRITER_THREAD } : {}),
        ...(process.env.BENCH_SINK_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SINK_NODE_OPTIONS } : {}),
      },
      timeoutMs: 90_000,
    });
    const topic = streams.topics.metrics;
    const consumedMessages = async () => Number((await db.query('SELECT coalesce(sum(next_offset), 0) AS n FROM sink_offsets WHERE topic = $1', [topic])).rows[0].n);
    let first = 0;
    let firstAt = 0n;
    for (;;) {
      const n = await consumedMessages();
      if (n > 0 && firstAt === 0n) {
        first = n;
        firstAt = process.hrtime.bigint();
      }
      if (n >= inTopic) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const sinkSeconds = Number(process.hrtime.bigint() - firstAt) / 1e9;
    await sink.stop();
    const loaded = await count(db);
    if (loaded !== total) throw new Error(`the sink loaded ${loaded} rows, expected ${total}`);
    const rowsS = ((inTopic - first) * samplesPerBatch) / sinkSeconds;
    ctx.say(`sink: ${Math.round(rowsS)} rows/s (${inTopic - first} messages after the first commit in ${sinkSeconds.toFixed(2)} s)`);

    const psqlAfter = await psqlRun();
    const psqlRowsS = (psqlBefore + psqlAfter) / 2;

    // 4. timescaledb-parallel-copy, one worker.
    let parallelRowsS: number | null = null;
    let parallelNote: string | undefined;
    const tool = parallelCopyBinary(ctx.say);
    if (tool.path) {
      await db.query('TRUNCATE metric_points');
      await db.query('CHECKPOINT');
      const u = new URL(databaseUrl);
      const conn = `host=${u.hostname} port=${u.port} user=${decodeURIComponent(u.username) || 'postgres'} dbname=${dbName} sslmode=disable`;
      const s = await timed(tool.path, ['--connection', conn, '--table', 'metric_points', '--columns', 'ts,series_id,value', '--file', file, '--workers', '1', '--batch-size', '10000', '--skip-header=false']);
      if ((await count(db)) !== total) throw new Error('timescaledb-parallel-copy did not load every row');
      parallelRowsS = total / s;
      ctx.say(`timescaledb-parallel-copy (1 worker): ${Math.round(parallelRowsS)} rows/s`);
    } else {
      parallelNote = tool.reason;
      ctx.say(`timescaledb-parallel-copy: not measured (${tool.reason})`);
    }
    const f = (x: number) => Math.round(x);
    return {
      rows: total,
      rows_s: f(rowsS),
      psql_copy_rows_s: f(psqlRowsS),
      psql_copy_runs_rows_s: [f(psqlBefore), f(psqlAfter)],
      parallel_copy_rows_s: parallelRowsS === null ? null : f(parallelRowsS),
      ratio_vs_psql: Number((rowsS / psqlRowsS).toFixed(3)),
      ...(parallelNote ? { parallel_copy_note: parallelNote } : {}),
    };
  } finally {
    await db.end().catch(() => undefined);
    await streams.admin.deleteTopics(Object.values(streams.topics)).catch(() => undefined);
    await streams.close();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    const redis = new Redis(ctx.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis
      .connect()
      .then(async () => {
        const keys = await redis.keys(`${prefix}oc:*`);
        if (keys.length > 0) await redis.del(...keys);
      })
      .catch(() => undefined);
    redis.disconnect();
    if (!process.env.BENCH_SINK_KEEP) rmSync(dir, { recursive: true, force: true });
  }
}
