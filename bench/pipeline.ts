// The whole pipeline at stepped offered loads: synthetic SNMP polls of 8 interfaces produced into
// telemetry.raw.snmp (stamped with the wall clock) → processor → sink and api → a GraphQL
// subscription client (a NOC wall). Per step: offered and derived readings/s, end-to-end latency
// from the reading's timestamp to the subscription client (points received in the step's second
// half), and the processor's and sink's lag at the step's middle and end. First on the test stack
// (one broker), then on the three-broker cluster (replication 3, min.insync.replicas 2).
// A step is sustained when its p99 is under a second and the lag does not grow (at its end the
// processor and the sink are within a second of input of where they were at its middle); two
// failed steps in a row end a target's run.
// Options (after `npm run bench -- pipeline`):
//   --rates a,b,c          one-broker steps, readings/s (default 250,500,750,1000,1250,1500,2000)
//   --cluster-rates a,b,c  cluster steps (default 50,100,200,300,400,600)
// Each target first runs 20 s at its first rate, unmeasured (warm-up).
//   --step-ms MS           length of each step (default 20000)
//   --skip-single / --skip-cluster
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { kafkaSecurityEnv, type KafkaSecurityConfig } from '../common/kafka-security.js';
import { createLogger } from '../common/log.js';
import { connectStreams, type StreamConsumer, type Streams } from '../streams/index.js';
import { freePort, projectRoot, startRole, type RoleProcess } from '../infra/supervisor.js';
import { startStack } from '../infra/stack.js';
import { createTestDatabase } from '../test/pg-db.js';
import { WallClient, percentile } from '../test/resilience/wall-client.js';
import { produceLoad } from '../test/resilience/load.js';
import { syntheticPoll } from './synthetic-polls.js';
import type { BenchContext } from './run.js';

const DEFAULTS = {
  rates: [250, 500, 750, 1_000, 1_250, 1_500, 2_000],
  clusterRates: [50, 100, 200, 300, 400, 600],
  stepMs: 20_000,
  warmupMs: 20_000,
  catchUpTimeoutMs: 120_000, // ms the steps wait for the processor to work off the warm-up
  partitions: 6,
  wallSeries: 500, // series the subscription client watches (the api's limit per subscription)
  p99GoalMs: 1_000,
};

export interface PipelineStep {
  offered_s: number;
  produced_s: number;
  derived_s: number; // raw readings the processor had consumed, per second of the step
  e2e_p50_ms: number;
  e2e_p99_ms: number;
  e2e_n: number;
  /** Where the time goes: reading → acknowledged on telemetry.raw.snmp (collector publish), →
   * visible on telemetry.live (processor: batch wait, transform, commit), the rest is api and websocket. */
  raw_p50_ms: number;
  raw_p99_ms: number;
  live_p50_ms: number;
  live_p99_ms: number;
  processor_lag_mid: number;
  processor_lag_end: number;
  sink_lag_mid: number;
  sink_lag_end: number;
  sustained: boolean;
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

const sum = (m: Map<number, bigint>) => [...m.values()].reduce((a, b) => a + b, 0n);

async function runTarget(o: {
  label: string;
  endpoints: { kafkaBrokers: string[]; databaseUrl: string; redisUrl: string };
  /** TLS and SASL of kafkaBrokers (absent: plaintext, as the local stacks are) */
  kafkaSecurity?: KafkaSecurityConfig;
  registryUrl?: string;
  replicationFactor: number;
  rates: number[];
  stepMs: number;
  say(m: string): void;
}): Promise<PipelineStep[]> {
  const logger = createLogger({ role: 'bench' }, 'warn');
  const prefix = `bench-pl-${randomBytes(3).toString('hex')}.`;
  const logDir = join(projectRoot, '.run', 'bench', `pipeline-${o.label}`);
  const database = await createTestDatabase('pipeline', o.endpoints.databaseUrl);
  const roles: RoleProcess[] = [];
  const jwtSecret = randomBytes(24).toString('hex');
  let streams: Streams | undefined;
  let wall: WallClient | undefined;
  const readers: StreamConsumer[] = [];
  const sql = new pg.Pool({ connectionString: database.url, max: 2 });
  try {
    const base: Record<string, string> = {
      KAFKA_BROKERS: o.endpoints.kafkaBrokers.join(','),
      ...kafkaSecurityEnv(o.kafkaSecurity),
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_PARTITIONS: String(DEFAULTS.partitions),
      KAFKA_REPLICATION_FACTOR: String(o.replicationFactor),
      DATABASE_URL: database.url,
      REDIS_URL: o.endpoints.redisUrl,
      LOG_LEVEL: 'warn',
    };
    let registryUrl = o.registryUrl;
    if (!registryUrl) {
      const port = await freePort();
      registryUrl = `http://127.0.0.1:${port}`;
      roles.push(await startRole({ name: 'registry', role: 'registry', env: { ...base, REGISTRY_PORT: String(port) }, logDir, ready: async () => (await fetch(`${registryUrl}/subjects`).catch(() => null))?.ok === true }));
    }
    base.SCHEMA_REGISTRY_URL = registryUrl;
    streams = await connectStreams({
      config: { kafkaBrokers: o.endpoints.kafkaBrokers, schemaRegistryUrl: registryUrl, partitions: DEFAULTS.partitions, replicationFactor: o.replicationFactor, topicPrefix: prefix, compression: 'snappy', ...o.kafkaSecurity },
      clientId: 'bench-pipeline',
      logger,
      writes: ['rawSnmp'],
    });
    roles.push(await startRole({ name: 'processor', role: 'processor', env: { ...base, PROCESSOR_INSTANCE_ID: 'processor' }, logDir, timeoutMs: 120_000 }));
    roles.push(await startRole({ name: 'sink', role: 'sink', env: { ...base, SINK_REDIS_PREFIX: `${prefix}oc:` }, logDir, timeoutMs: 120_000 }));
    const apiPort = await freePort();
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    roles.push(await startRole({ name: 'api', role: 'api', env: { ...base, API_PORT: String(apiPort), API_JWT_SECRET: jwtSecret, API_UI_DIR: join(projectRoot, 'ui', 'dist') }, logDir, timeoutMs: 120_000 }));
    wall = new WallClient(apiUrl, jwtSecret);
    // When a reading is acknowledged on the raw topic (the collector's publish: the producer's
    // acknowledgement, without decoding every raw poll in this process, which would take the
    // pipeline's CPU) and when its live point is visible on telemetry.live to a read_committed reader.
    const seenAt: { raw: [number, number][]; live: [number, number][] } = { raw: [], live: [] };
    const send = streams.producer.send.bind(streams.producer);
    streams.producer.send = async (topic, records) => {
      await send(topic, records);
      const now = Date.now();
      for (const r of records) if (r.timestamp !== undefined) seenAt.raw.push([now, now - r.timestamp]);
    };
    const liveReader = streams.consumer({
      groupId: 'bench-live-reader',
      topics: [streams.topics.live],
      fromBeginning: false,
      handler: async (records) => {
        const now = Date.now();
        for (const r of records) seenAt.live.push([now, now - r.timestamp]);
      },
    });
    await liveReader.start();
    readers.push(liveReader);
    const stageLatency = (which: 'raw' | 'live', from: number, to: number) => {
      const l = seenAt[which].filter(([at]) => at >= from && at < to).map(([, ms]) => ms).sort((a, b) => a - b);
      return { p50: percentile(l, 50), p99: percentile(l, 99) };
    };

    const s = streams;
    const processorLag = async () => {
      const [ends, committed] = await Promise.all([s.admin.endOffsets(s.topics.rawSnmp), s.admin.groupOffsets(`${prefix}processors`, s.topics.rawSnmp)]);
      return Number([...ends].reduce((lag, [p, end]) => lag + end - ((committed.get(p) ?? -1n) < 0n ? 0n : committed.get(p)!), 0n));
    };
    const sinkLag = async () => {
      const ends = await s.admin.endOffsets(s.topics.metrics);
      const { rows } = await sql.query<{ partition: number; next_offset: string }>(`SELECT partition, next_offset FROM sink_offsets WHERE topic = $1`, [s.topics.metrics]);
      const stored = new Map(rows.map((r) => [r.partition, BigInt(r.next_offset)]));
      return Number([...ends].reduce((lag, [p, end]) => lag + end - (stored.get(p) ?? 0n), 0n));
    };
    const consumedRaw = async () => sum(await s.admin.groupOffsets(`${prefix}processors`, s.topics.rawSnmp));

    const counters = new Map<number, number>();
    const watched = new Set<string>();
    const steps: PipelineStep[] = [];
    // Warm-up, not measured: JIT, connections, group joins and the first series in PostgreSQL.
    o.say(`${o.label}: warming up at ${o.rates[0]} readings/s for ${DEFAULTS.warmupMs / 1000} s`);
    await produceLoad(s, o.rates[0], DEFAULTS.warmupMs, counters, (d, n, at) => syntheticPoll(`pl-${d}`, n, at));
    // A fresh cluster creates its transaction-state and offsets topics (replicated) on first use:
    // the steps start once the processor has worked off the warm-up.
    for (const until = Date.now() + DEFAULTS.catchUpTimeoutMs; Date.now() < until && (await processorLag()) > o.rates[0]; ) await sleep(1_000);
    for (const rate of o.rates) {
      o.say(`${o.label}: offering ${rate} readings/s for ${o.stepMs / 1000} s`);
      const from = Date.now();
      const consumedBefore = await consumedRaw();
      const producing = produceLoad(s, rate, o.stepMs, counters, (d, n, at) => syntheticPoll(`pl-${d}`, n, at));
      // The wall watches series as the sink creates them (the api resolves ids from PostgreSQL).
      let lagMid = { processor: -1, sink: -1 };
      while (Date.now() - from < o.stepMs / 2) {
        await sleep(500);
        if (watched.size >= DEFAULTS.wallSeries) continue;
        const { rows } = await sql.query<{ id: string }>(`SELECT series_id::text AS id FROM series WHERE metric = 'if_in_bps' ORDER BY series_id LIMIT ${DEFAULTS.wallSeries}`);
        const fresh = rows.map((r) => r.id).filter((id) => !watched.has(id));
        fresh.forEach((id) => watched.add(id));
        if (fresh.length > 0) wall.subscribe(fresh);
      }
      lagMid = { processor: await processorLag(), sink: await sinkLag() };
      const sent = await producing;
      const to = Date.now();
      const seconds = (to - from) / 1000;
      const lagEnd = { processor: await processorLag(), sink: await sinkLag() };
      const e2e = wall.latency(from + (to - from) / 2, to + 1);
      const raw = stageLatency('raw', from + (to - from) / 2, to + 1);
      const live = stageLatency('live', from + (to - from) / 2, to + 1);
      const derived = Number((await consumedRaw()) - consumedBefore);
      const step: PipelineStep = {
        offered_s: rate,
        produced_s: Math.round(sent / seconds),
        derived_s: Math.round(derived / seconds),
        e2e_p50_ms: e2e.p50,
        e2e_p99_ms: e2e.p99,
        e2e_n: e2e.n,
        raw_p50_ms: raw.p50,
        raw_p99_ms: raw.p99,
        live_p50_ms: live.p50,
        live_p99_ms: live.p99,
        processor_lag_mid: lagMid.processor,
        processor_lag_end: lagEnd.processor,
        sink_lag_mid: lagMid.sink,
        sink_lag_end: lagEnd.sink,
        sustained: e2e.n > 0 && e2e.p99 < DEFAULTS.p99GoalMs && lagEnd.processor <= lagMid.processor + rate && lagEnd.sink <= lagMid.sink + rate * 8,
      };
      steps.push(step);
      o.say(`${o.label}: ${JSON.stringify(step)}`);
      // One failed step can be a hiccup (a compaction, a GC): two in a row end the run.
      if (!step.sustained && steps.length >= 2 && !steps[steps.length - 2].sustained) break;
    }
    return steps;
  } finally {
    await wall?.close().catch(() => undefined);
    for (const r of readers) await r.stop().catch(() => undefined);
    for (const r of roles.reverse()) await r.stop().catch(() => undefined);
    if (streams) {
      await streams.admin.deleteTopics(Object.values(streams.topics)).catch(() => undefined);
      await streams.close();
    }
    await sql.end().catch(() => undefined);
    await database.drop().catch(() => undefined);
  }
}

/** The highest offered load of a run that was sustained, and its p99 (0 and -1 when none was). */
function best(steps: PipelineStep[]): { sustained: number; p99: number } {
  const ok = steps.filter((s) => s.sustained);
  const top = ok[ok.length - 1];
  return top ? { sustained: top.offered_s, p99: top.e2e_p99_ms } : { sustained: 0, p99: -1 };
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const list = (name: string, dflt: number[]) => (option(ctx.args, name) ?? dflt.join(',')).split(',').map(Number);
  const stepMs = Number(option(ctx.args, 'step-ms') ?? DEFAULTS.stepMs);
  const figures: Record<string, unknown> = {};
  const single = ctx.args.includes('--skip-single')
    ? []
    : await runTarget({ label: 'one broker', endpoints: { kafkaBrokers: ctx.kafkaBrokers, databaseUrl: ctx.databaseUrl, redisUrl: ctx.redisUrl }, kafkaSecurity: ctx.kafkaSecurity, registryUrl: ctx.registryUrl, replicationFactor: 1, rates: list('rates', DEFAULTS.rates), stepMs, say: ctx.say });
  const one = best(single);
  figures.sustained_readings_s = one.sustained;
  figures.e2e_p99_ms = one.p99;
  if (!ctx.args.includes('--skip-cluster')) {
    const stack = await startStack({ root: projectRoot, profile: 'cluster', brokers: 3, logger: createLogger({ role: 'bench' }, 'warn') });
    try {
      const cluster = await runTarget({ label: 'cluster', endpoints: stack.endpoints, replicationFactor: 3, rates: list('cluster-rates', DEFAULTS.clusterRates), stepMs, say: ctx.say });
      const c = best(cluster);
      figures.cluster_sustained_readings_s = c.sustained;
      figures.cluster_e2e_p99_ms = c.p99;
      figures.cluster_steps = cluster;
    } finally {
      await stack.stop();
    }
  }
  figures.steps = single;
  return figures;
}
