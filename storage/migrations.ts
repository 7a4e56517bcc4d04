// Versioned schema migrations, applied at sink start. Several sink replicas may start at once: a
// transaction-scoped advisory lock serialises them, and each version is recorded once. Some
// versions depend on the storage layout (TimescaleDB or native partitions), which is chosen once,
// when version 2 runs, and recorded: a later start never switches a database's layout.
import { hypertableHealthSql, hypertableLayoutSql } from './ddl-hypertable.js';
import { partitionedLayoutSql } from './ddl-partitioned.js';
import { analystViewsSql, stateTablesSql } from './ddl-state.js';
import { apiTablesSql } from './ddl-api.js';
import type { StorageLayout } from './storage-policy.js';

/** What migrations need of a client: pg.Client, or an adapter over PGlite in tests. */
export interface Queryable {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(sql: string, params?: unknown[]): Promise<{ rows: any[]; rowCount?: number | null }>;
}

export interface Migration {
  version: number;
  name: string;
  sql: string | ((layout: StorageLayout) => string);
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'series, points and sink offsets',
    sql: `
      CREATE TABLE IF NOT EXISTS series (
        series_id  bigserial PRIMARY KEY,
        series_key text UNIQUE NOT NULL,
        device_id  text NOT NULL,
        metric     text NOT NULL,
        labels     jsonb NOT NULL DEFAULT '{}'::jsonb,
        unit       text NOT NULL
      );
      CREATE INDEX IF NOT EXISTS series_device_metric ON series (device_id, metric);
      -- (series_id, ts) is the identity of a reading: a redelivered or replayed sample never
      -- makes a second row.
      CREATE TABLE IF NOT EXISTS metric_points (
        ts        timestamptz NOT NULL,
        series_id bigint NOT NULL,
        value     double precision NOT NULL,
        PRIMARY KEY (series_id, ts)
      );
      -- Kafka offsets consumed by each sink group, committed in the same transaction as the rows.
      CREATE TABLE IF NOT EXISTS sink_offsets (
        group_id    text NOT NULL,
        topic       text NOT NULL,
        partition   int NOT NULL,
        next_offset bigint NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (group_id, topic, partition)
      );`,
  },
  {
    version: 2,
    name: 'storage layout: hypertable or partitions, rollup tiers',
    sql: (layout) => `
      CREATE TABLE storage_layout (layout text PRIMARY KEY CHECK (layout IN ('timescaledb', 'partitioned')));
      INSERT INTO storage_layout VALUES ('${layout}');
      ${layout === 'timescaledb' ? hypertableLayoutSql : partitionedLayoutSql}`,
  },
  {
    version: 3,
    name: 'devices, baselines, anomaly events, health scores',
    sql: (layout) => stateTablesSql + (layout === 'timescaledb' ? hypertableHealthSql : ''),
  },
  { version: 4, name: 'analyst views', sql: analystViewsSql },
  // The API's own tables (api/): people's acknowledgements and notes, API keys.
  { version: 5, name: 'api keys, anomaly acknowledgements and notes', sql: apiTablesSql },
];

const LOCK_KEY = 7_324_001; // arbitrary, constant: the advisory lock that serialises migrations

/** The layout `wanted` resolves to on this server: TimescaleDB only when it can be created. */
export async function detectLayout(db: Queryable, wanted: 'auto' | StorageLayout): Promise<StorageLayout> {
  if (wanted !== 'auto') return wanted;
  const res = await db.query(
    `SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')
            AND (current_setting('shared_preload_libraries') LIKE '%timescaledb%'
                 OR EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')) AS ok`,
  );
  return res.rows[0].ok ? 'timescaledb' : 'partitioned';
}

/** Applies pending migrations; returns the versions applied and the database's layout. */
export async function migrate(db: Queryable, opts: { layout?: 'auto' | StorageLayout; list?: Migration[] } = {}): Promise<{ applied: number[]; layout: StorageLayout }> {
  const list = opts.list ?? migrations;
  await db.query('BEGIN');
  try {
    await db.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await db.query('SELECT version FROM schema_migrations')).rows.map((r: { version: number }) => r.version));
    const recorded = (await db.query(`SELECT to_regclass('storage_layout') IS NOT NULL AS ok`)).rows[0].ok
      ? (await db.query('SELECT layout FROM storage_layout')).rows[0]?.layout
      : undefined;
    const layout: StorageLayout = recorded ?? (await detectLayout(db, opts.layout ?? 'auto'));
    const applied: number[] = [];
    for (const m of list) {
      if (done.has(m.version)) continue;
      await db.query(typeof m.sql === 'string' ? m.sql : m.sql(layout));
      await db.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    await db.query('COMMIT');
    return { applied, layout };
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
