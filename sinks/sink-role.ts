// Composition root of the `sink` role: telemetry.metrics → PostgreSQL (+ Redis last values).
// Migrations run first (safe from several replicas at once) and pick the storage layout; then
// storage policies (TimescaleDB) or the sink's own maintenance (native partitions), Redis, Kafka,
// and the consumer, which resumes each partition from the offsets stored next to the rows.
// On stop the batch in hand commits first; a batch waiting for PostgreSQL gives up (redelivered).
import { loadConfig, type ConfigOf } from '../common/config.js';
import { createLogger, type Logger } from '../common/log.js';
import { OpsError } from '../common/errors.js';
import { runRole, type Component } from '../common/role.js';
import { connectStreams, type Streams, type StreamConsumer } from '../streams/index.js';
import { sinkSettings } from './settings.js';
import { migrate } from '../storage/migrations.js';
import { createMetricsSink } from './timescale/metrics-sink.js';
import { PgSession, type SessionClient } from './timescale/pg-session.js';
import { OffThreadPgClient } from './timescale/off-thread-client.js';
import type { PointsClient } from './timescale/point-writer.js';
import { PartitionGuard } from '../storage/partitions.js';
import { readStoredOffsets } from './timescale/point-writer.js';
import { writeState } from './timescale/state-sink.js';
import { maintenanceLoop, type MaintenanceLoop } from '../storage/maintenance-loop.js';
import { hypertablePolicySql } from '../storage/ddl-hypertable.js';
import type { StorageLayout, StoragePolicy } from '../storage/storage-policy.js';
import { createLastValues, type LastValues } from './redis/last-values.js';

type SinkConfig = ConfigOf<typeof sinkSettings>;

function policyOf(c: SinkConfig): StoragePolicy {
  return {
    rawRetentionDays: c.rawRetentionDays,
    rollup5mRetentionDays: c.rollup5mRetentionDays,
    rollup1hRetentionDays: c.rollup1hRetentionDays,
    rollup1dRetentionDays: c.rollup1dRetentionDays,
    healthRetentionDays: c.healthRetentionDays,
    compressAfterDays: c.compressAfterDays,
    partitionsAheadDays: c.partitionsAheadDays,
  };
}

/** What the role's components share: settings, sessions, and what a later one needs of an earlier one. */
interface SinkRoleState {
  config: SinkConfig;
  logger: Logger;
  policy: StoragePolicy;
  pgOpts: { url: string; logger: Logger };
  writer: PgSession<SessionClient & PointsClient>;
  offsetReader: PgSession;
  seriesWriter: PgSession;
  stateWriter: PgSession;
  layout?: StorageLayout;
  lastValues?: LastValues;
  streams?: Streams;
  stopping: boolean;
}

/** Migrations pick the layout; then TimescaleDB's policies, or the plain layout's own maintenance. */
function postgresComponent(r: SinkRoleState): Component {
  let maintenance: MaintenanceLoop | undefined;
  let maintenanceSession: PgSession | undefined;
  return {
    name: 'postgres',
    start: async () => {
      const db = await r.writer.client().catch((err) => {
        throw new OpsError('SINK_WRITE_FAILED', `cannot connect to PostgreSQL at DATABASE_URL (${new URL(r.config.databaseUrl).host}): ${(err as Error).message}`, { canRetry: true, cause: err });
      });
      const m = await migrate(db, { layout: r.config.storage as 'auto' | StorageLayout });
      r.layout = m.layout;
      r.logger.info('migrations applied', { applied: m.applied, layout: m.layout });
      if (m.layout === 'timescaledb') for (const sql of hypertablePolicySql(r.policy)) await db.query(sql);
      else {
        const session = new PgSession({ ...r.pgOpts, applicationName: 'opsconductor-sink-maintenance' });
        maintenanceSession = session;
        maintenance = maintenanceLoop((what, work, o) => session.run(what, work, o), r.policy, r.config.maintenanceIntervalMs, r.logger);
        maintenance.start();
        await maintenance.first(); // partitions for today and ahead exist before the first batch
      }
    },
    stop: async () => {
      await maintenance?.stop();
      await maintenanceSession?.close();
      for (const session of [r.writer, r.offsetReader, r.seriesWriter, r.stateWriter]) await session.close();
    },
    ready: () => r.writer.healthy,
  };
}

/** telemetry.metrics → rows by binary COPY, resuming each partition from the offsets stored with them. */
function metricsSinkComponent(r: SinkRoleState): Component {
  let consumer: StreamConsumer | undefined;
  let drain: () => Promise<void> = async () => undefined;
  return {
    name: 'metrics-sink',
    start: async () => {
      const { config, policy, logger } = r;
      const sink = createMetricsSink({
        session: r.writer,
        seriesSession: r.seriesWriter,
        groupId: config.groupId,
        logger,
        partitions: r.layout === 'partitioned' ? new PartitionGuard(policy.rawRetentionDays, policy.partitionsAheadDays) : undefined,
        lastValues: r.lastValues,
        shouldStop: () => r.stopping,
        directCopy: config.copyMode === 'direct',
        delayBeforeCommitMs: config.failpointCommitDelayMs,
        onFatal: (err) => {
          // Crash-only: the stored offsets are where a restart resumes, nothing is lost.
          logger.error('writing a batch failed for good; stopping so a restart resumes from the stored offsets', { err });
          process.exitCode = 1;
          process.kill(process.pid, 'SIGTERM');
        },
      });
      drain = () => sink.drain();
      const streams = r.streams!;
      consumer = streams.consumer({
        groupId: config.groupId,
        topics: [streams.topics.metrics],
        sessionTimeoutMs: config.sessionTimeoutMs,
        maxBytesPerPartition: config.fetchBytesPerPartition,
        handler: (records, ctx) => sink.accept(records, ctx),
        storedOffsets: (assigned) => r.offsetReader.run('read stored offsets', (db) => readStoredOffsets(db, config.groupId, assigned), { shouldStop: () => r.stopping }),
      });
      await consumer.start();
    },
    stop: async () => {
      r.stopping = true;
      await consumer?.stop();
      await drain();
    },
    ready: () => consumer?.isReady() ?? false,
  };
}

/**
 * Devices, baselines, anomalies, health: idempotent upserts, so the group's Kafka commits (at
 * least once) are enough here.
 */
function stateSinkComponent(r: SinkRoleState): Component {
  let consumer: StreamConsumer | undefined;
  return {
    name: 'state-sink',
    start: async () => {
      const streams = r.streams!;
      const t = streams.topics;
      const topics = { devices: t.inventory, baselines: t.baselines, anomalies: t.anomalies, health: t.health };
      consumer = streams.consumer({
        groupId: `${r.config.groupId}-state`,
        topics: Object.values(topics),
        sessionTimeoutMs: r.config.sessionTimeoutMs,
        handler: (records) => r.stateWriter.run('write state', (db) => writeState(db, topics, records, r.lastValues), { shouldStop: () => r.stopping }),
      });
      await consumer.start();
    },
    stop: async () => {
      r.stopping = true;
      await consumer?.stop();
    },
    ready: () => consumer?.isReady() ?? false,
  };
}

export async function runSinkRole(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(sinkSettings, env);
  const logger = createLogger({ role: 'sink' });
  const pgOpts = { url: config.databaseUrl, logger };
  const r: SinkRoleState = {
    config,
    logger,
    policy: policyOf(config),
    pgOpts,
    writer: new PgSession<SessionClient & PointsClient>({ ...pgOpts, applicationName: 'opsconductor-sink', create: config.writerThread ? (o) => new OffThreadPgClient(o) : undefined }),
    offsetReader: new PgSession({ ...pgOpts, applicationName: 'opsconductor-sink-offsets' }),
    seriesWriter: new PgSession({ ...pgOpts, applicationName: 'opsconductor-sink-series' }),
    stateWriter: new PgSession({ ...pgOpts, applicationName: 'opsconductor-sink-state' }),
    stopping: false,
  };
  return runRole({ role: 'sink', opsHost: config.opsHost, opsPort: config.opsPort, logger }, [
    postgresComponent(r),
    {
      name: 'redis',
      start: async () => {
        if (config.redisUrl !== 'off') r.lastValues = createLastValues({ url: config.redisUrl, prefix: config.redisKeyPrefix, logger });
      },
      stop: async () => r.lastValues?.close(),
    },
    {
      name: 'streams',
      start: async () => {
        r.streams = await connectStreams({ config, clientId: 'sink', logger, writes: [] });
      },
      stop: async () => r.streams?.close(),
    },
    metricsSinkComponent(r),
    stateSinkComponent(r),
  ]);
}
