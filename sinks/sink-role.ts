// Composition root of the `sink` role: telemetry.metrics → PostgreSQL (+ Redis last values).
// Migrations run first (safe from several replicas at once) and pick the storage layout; then
// storage policies (TimescaleDB) or the sink's own maintenance (native partitions), Redis, Kafka,
// and the consumer, which resumes each partition from the offsets stored next to the rows.
// On stop the batch in hand commits first; a batch waiting for PostgreSQL gives up (redelivered).
import { loadConfig, type ConfigOf } from '../common/config.js';
import { createLogger, type Logger } from '../common/log.js';
import { OpsError } from '../common/errors.js';
import { runRole } from '../common/role.js';
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
import { runMaintenance } from '../storage/maintenance.js';
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

/** Periodic maintenance of the native-partition layout, on a connection of its own. */
function maintenanceLoop(session: PgSession, policy: StoragePolicy, everyMs: number, logger: Logger) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = session
      .run('storage maintenance', (db) => runMaintenance(db, policy), { shouldStop: () => stopped })
      .then((r) => {
        if (r.created.length || r.dropped.length || r.refreshedHours) logger.info('storage maintenance', { ...r, created: r.created.length });
      })
      .catch((err) => logger.warn('storage maintenance failed; next round retries', { err }))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, everyMs);
      });
  };
  return {
    start: () => tick(),
    first: () => running,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await session.close();
    },
  };
}

export async function runSinkRole(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(sinkSettings, env);
  const logger = createLogger({ role: 'sink' });
  const policy = policyOf(config);
  const pgOpts = { url: config.databaseUrl, logger };
  const writer = new PgSession<SessionClient & PointsClient>({
    ...pgOpts,
    applicationName: 'opsconductor-sink',
    create: config.writerThread ? (o) => new OffThreadPgClient(o) : undefined,
  });
  const offsetReader = new PgSession({ ...pgOpts, applicationName: 'opsconductor-sink-offsets' });
  const seriesWriter = new PgSession({ ...pgOpts, applicationName: 'opsconductor-sink-series' });
  let layout!: StorageLayout;
  let maintenance: ReturnType<typeof maintenanceLoop> | undefined;
  let lastValues: LastValues | undefined;
  let streams!: Streams;
  let consumer!: StreamConsumer;
  let stateConsumer!: StreamConsumer;
  const stateWriter = new PgSession({ ...pgOpts, applicationName: 'opsconductor-sink-state' });
  let stopping = false;
  let drain: () => Promise<void> = async () => undefined;
  return runRole({ role: 'sink', opsHost: config.opsHost, opsPort: config.opsPort, logger }, [
    {
      name: 'postgres',
      start: async () => {
        const db = await writer.client().catch((err) => {
          throw new OpsError('SINK_WRITE_FAILED', `cannot connect to PostgreSQL at DATABASE_URL (${new URL(config.databaseUrl).host}): ${(err as Error).message}`, { canRetry: true, cause: err });
        });
        const m = await migrate(db, { layout: config.storage as 'auto' | StorageLayout });
        layout = m.layout;
        logger.info('migrations applied', { applied: m.applied, layout });
        if (layout === 'timescaledb') for (const sql of hypertablePolicySql(policy)) await db.query(sql);
        else {
          maintenance = maintenanceLoop(new PgSession({ ...pgOpts, applicationName: 'opsconductor-sink-maintenance' }), policy, config.maintenanceIntervalMs, logger);
          maintenance.start();
          await maintenance.first(); // partitions for today and ahead exist before the first batch
        }
      },
      stop: async () => {
        await maintenance?.stop();
        await writer.close();
        await offsetReader.close();
        await seriesWriter.close();
        await stateWriter.close();
      },
      ready: () => writer.healthy,
    },
    {
      name: 'redis',
      start: async () => {
        if (config.redisUrl !== 'off') lastValues = createLastValues({ url: config.redisUrl, prefix: config.redisKeyPrefix, logger });
      },
      stop: async () => lastValues?.close(),
    },
    {
      name: 'streams',
      start: async () => {
        streams = await connectStreams({ config, clientId: 'sink', logger, writes: [] });
      },
      stop: () => streams.close(),
    },
    {
      name: 'metrics-sink',
      start: async () => {
        const sink = createMetricsSink({
          session: writer,
          seriesSession: seriesWriter,
          groupId: config.groupId,
          logger,
          partitions: layout === 'partitioned' ? new PartitionGuard(policy.rawRetentionDays, policy.partitionsAheadDays) : undefined,
          lastValues,
          shouldStop: () => stopping,
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
        consumer = streams.consumer({
          groupId: config.groupId,
          topics: [streams.topics.metrics],
          sessionTimeoutMs: config.sessionTimeoutMs,
          maxBytesPerPartition: config.fetchBytesPerPartition,
          handler: (records, ctx) => sink.accept(records, ctx),
          storedOffsets: (assigned) => offsetReader.run('read stored offsets', (db) => readStoredOffsets(db, config.groupId, assigned), { shouldStop: () => stopping }),
        });
        await consumer.start();
      },
      stop: async () => {
        stopping = true;
        await consumer.stop();
        await drain();
      },
      ready: () => consumer.isReady(),
    },
    {
      // Devices, baselines, anomalies, health: idempotent upserts, so the group's Kafka commits
      // (at least once) are enough here.
      name: 'state-sink',
      start: async () => {
        const t = streams.topics;
        const topics = { devices: t.inventory, baselines: t.baselines, anomalies: t.anomalies, health: t.health };
        stateConsumer = streams.consumer({
          groupId: `${config.groupId}-state`,
          topics: Object.values(topics),
          sessionTimeoutMs: config.sessionTimeoutMs,
          handler: (records) => stateWriter.run('write state', (db) => writeState(db, topics, records, lastValues), { shouldStop: () => stopping }),
        });
        await stateConsumer.start();
      },
      stop: async () => {
        stopping = true;
        await stateConsumer.stop();
      },
      ready: () => stateConsumer.isReady(),
    },
  ]);
}
