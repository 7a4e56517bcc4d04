// Storage layout on TimescaleDB: metric_points as a hypertable compressed by series, continuous
// aggregates for the 5 m / 1 h / 1 d tiers (each built on the one below), health_scores as a
// hypertable. Policies (compression age, retention per tier, refresh windows) follow the
// configuration and are re-applied at every start, so changing a setting needs no migration.
import type { StoragePolicy } from './storage-policy.js';

/** Columns of every rollup tier, the same in both layouts: series_id, bucket, min, max, avg,
 *  last, count, plus sum and last_ts, which let a coarser tier be built from a finer one. */
const rollupOf = (source: 'raw' | string, width: string) =>
  source === 'raw'
    ? `SELECT series_id, time_bucket(INTERVAL '${width}', ts) AS bucket,
              min(value) AS min, max(value) AS max, avg(value) AS avg, last(value, ts) AS last,
              count(*) AS count, sum(value) AS sum, max(ts) AS last_ts
         FROM metric_points GROUP BY series_id, time_bucket(INTERVAL '${width}', ts)`
    : `SELECT series_id, time_bucket(INTERVAL '${width}', bucket) AS bucket,
              min(min) AS min, max(max) AS max, sum(sum) / sum(count) AS avg, last(last, last_ts) AS last,
              sum(count)::bigint AS count, sum(sum) AS sum, max(last_ts) AS last_ts
         FROM ${source} GROUP BY series_id, time_bucket(INTERVAL '${width}', bucket)`;

// materialized_only = false: queries see the not-yet-materialized recent buckets too (real-time
// aggregation), so a chart of the last minutes is never empty waiting for a refresh.
const cagg = (name: string, source: string, width: string) => `
  CREATE MATERIALIZED VIEW IF NOT EXISTS ${name}
    WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
    ${rollupOf(source, width)}
    WITH NO DATA;`;

export const hypertableLayoutSql = `
  CREATE EXTENSION IF NOT EXISTS timescaledb;
  SELECT create_hypertable('metric_points', by_range('ts', INTERVAL '1 day'), migrate_data => true, if_not_exists => true);
  -- Segmenting by series keeps one series' points together in a compressed batch: the queries
  -- read one or a few series over a range, and values of one series compress well together.
  ALTER TABLE metric_points SET (timescaledb.compress, timescaledb.compress_segmentby = 'series_id', timescaledb.compress_orderby = 'ts DESC');
  ${cagg('metric_points_5m', 'raw', '5 minutes')}
  ${cagg('metric_points_1h', 'metric_points_5m', '1 hour')}
  ${cagg('metric_points_1d', 'metric_points_1h', '1 day')}`;

export const hypertableHealthSql = `
  SELECT create_hypertable('health_scores', by_range('ts', INTERVAL '7 days'), migrate_data => true, if_not_exists => true);`;

/** Statements that (re)apply the policies of `p`; each is idempotent. */
export function hypertablePolicySql(p: StoragePolicy): string[] {
  const days = (n: number) => `INTERVAL '${Math.round(n)} days'`;
  const retention = (table: string, n: number) => [
    `SELECT remove_retention_policy('${table}', if_exists => true)`,
    `SELECT add_retention_policy('${table}', ${days(n)})`,
  ];
  // Refresh windows: a tier refreshes what its source may still change, ending one bucket back
  // (an open bucket is served by real-time aggregation). Each window spans several buckets.
  const refresh = (view: string, start: string, end: string, every: string) => [
    `SELECT remove_continuous_aggregate_policy('${view}', if_exists => true)`,
    `SELECT add_continuous_aggregate_policy('${view}', start_offset => INTERVAL '${start}', end_offset => INTERVAL '${end}', schedule_interval => INTERVAL '${every}')`,
  ];
  return [
    `SELECT remove_compression_policy('metric_points', if_exists => true)`,
    `SELECT add_compression_policy('metric_points', ${days(p.compressAfterDays)})`,
    ...retention('metric_points', p.rawRetentionDays),
    ...retention('metric_points_5m', p.rollup5mRetentionDays),
    ...retention('metric_points_1h', p.rollup1hRetentionDays),
    ...retention('metric_points_1d', p.rollup1dRetentionDays),
    ...retention('health_scores', p.healthRetentionDays),
    ...refresh('metric_points_5m', '6 hours', '5 minutes', '1 minute'),
    ...refresh('metric_points_1h', '3 days', '1 hour', '15 minutes'),
    ...refresh('metric_points_1d', '35 days', '1 day', '1 hour'),
  ];
}
