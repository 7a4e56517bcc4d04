// Versioned schema migrations, applied at sink start. Several sink replicas may start at once: a
// transaction-scoped advisory lock serialises them, and each version is recorded once.
import type pg from 'pg';

export interface Migration {
  version: number;
  name: string;
  sql: string;
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
];

const LOCK_KEY = 7_324_001; // arbitrary, constant: the advisory lock that serialises migrations

export async function migrate(client: pg.ClientBase, list: Migration[] = migrations): Promise<number[]> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of list) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
