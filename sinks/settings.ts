import { defineSettings } from '../common/config.js';
import { opsSettingsFor } from '../common/settings.js';
import { streamSettings } from '../streams/settings.js';

export const sinkSettings = defineSettings({
  ...streamSettings,
  ...opsSettingsFor('sink'),
  databaseUrl: { kind: 'url', env: 'DATABASE_URL', default: 'postgres://postgres@127.0.0.1:15432/opsconductor', doc: 'PostgreSQL / TimescaleDB the sink writes to' },
  redisUrl: { kind: 'string', env: 'REDIS_URL', default: 'redis://127.0.0.1:16379', doc: 'Redis for last values per series and health per device ("off" disables it)' },
  redisKeyPrefix: { kind: 'string', env: 'SINK_REDIS_PREFIX', default: 'oc:', doc: 'prefix of every Redis key the sink writes' },
  groupId: { kind: 'string', env: 'SINK_GROUP', default: 'sink-timescale', doc: 'consumer group of sink replicas' },
  sessionTimeoutMs: { kind: 'int', env: 'SINK_SESSION_TIMEOUT_MS', default: 30_000, min: 6_000, max: 300_000, doc: 'Kafka group session timeout, ms (how long a dead replica holds its partitions)' },
  fetchBytesPerPartition: { kind: 'int', env: 'SINK_FETCH_BYTES_PER_PARTITION', default: 4 * 1024 * 1024, min: 64 * 1024, doc: 'Kafka bytes fetched per partition at once: the size of one PostgreSQL transaction, roughly' },
  copyMode: { kind: 'string', env: 'SINK_COPY_MODE', default: 'direct', choices: ['direct', 'staging'], doc: 'direct: COPY into metric_points, falling back to staging + ON CONFLICT when a row exists; staging: always the latter' },
  writerThread: { kind: 'bool', env: 'SINK_WRITER_THREAD', default: true, doc: 'run the connection that writes metric batches (binary COPY encoding included) on a worker thread, so the COPY of one batch overlaps the Kafka/Avro decoding of the next' },
  failpointCommitDelayMs: { kind: 'int', env: 'SINK_FAILPOINT_COMMIT_DELAY_MS', default: 0, min: 0, max: 10_000, doc: 'tests only: wait inside each batch transaction before COMMIT, so a crash test can kill the sink there' },
  storage: { kind: 'string', env: 'SINK_STORAGE', default: 'auto', choices: ['auto', 'timescaledb', 'partitioned'], doc: 'storage layout: TimescaleDB when the extension is available (auto), or native partitions' },
  rawRetentionDays: { kind: 'int', env: 'SINK_RETENTION_RAW_DAYS', default: 30, min: 1, doc: 'days metric_points are kept' },
  rollup5mRetentionDays: { kind: 'int', env: 'SINK_RETENTION_5M_DAYS', default: 90, min: 1, doc: 'days metric_points_5m is kept' },
  rollup1hRetentionDays: { kind: 'int', env: 'SINK_RETENTION_1H_DAYS', default: 400, min: 1, doc: 'days metric_points_1h is kept' },
  rollup1dRetentionDays: { kind: 'int', env: 'SINK_RETENTION_1D_DAYS', default: 1_830, min: 1, doc: 'days metric_points_1d is kept' },
  healthRetentionDays: { kind: 'int', env: 'SINK_RETENTION_HEALTH_DAYS', default: 90, min: 1, doc: 'days health_scores is kept' },
  compressAfterDays: { kind: 'int', env: 'SINK_COMPRESS_AFTER_DAYS', default: 7, min: 1, doc: 'TimescaleDB: age after which metric_points chunks are compressed (segmented by series)' },
  partitionsAheadDays: { kind: 'int', env: 'SINK_PARTITIONS_AHEAD_DAYS', default: 3, min: 1, max: 60, doc: 'native partitions: daily partitions created ahead of now' },
  maintenanceIntervalMs: { kind: 'int', env: 'SINK_MAINTENANCE_INTERVAL_MS', default: 60_000, min: 1_000, doc: 'native partitions: how often partitions, retention and rollups are maintained, ms' },
});
