// Test support: a fresh PostgreSQL database per test file (api_test_<random>) holding the two
// tables the sink owns, with the DDL of CONTEXT.md, and helpers to fill them. Dropped at the end.

import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:35432/postgres';

const SINK_DDL = `
  create table series (
    series_id bigserial primary key, series_key text unique not null, device_id text not null,
    metric text not null, labels jsonb not null, unit text not null);
  create table metric_points (
    ts timestamptz not null, series_id bigint not null, value double precision not null,
    primary key (series_id, ts));`;

export interface TestDatabase {
  name: string;
  url: string;
  pool: pg.Pool;
  drop(): Promise<void>;
}

export async function createTestDatabase(prefix = 'api_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
  await pool.query(SINK_DDL);
  return {
    name,
    url: url.toString(),
    pool,
    drop: async () => {
      await pool.end();
      const cleanup = new pg.Client({ connectionString: DATABASE_URL });
      await cleanup.connect();
      try {
        await cleanup.query(`drop database if exists ${name} with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

export function seriesKeyOf(deviceId: string, metric: string, labels: Record<string, string>): string {
  const parts = Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`);
  return `${deviceId}/${metric}` + (parts.length ? `{${parts.join(',')}}` : '');
}

export async function insertSeries(
  pool: pg.Pool,
  s: { deviceId: string; metric: string; labels?: Record<string, string>; unit: string },
): Promise<{ id: string; key: string }> {
  const labels = s.labels ?? {};
  const key = seriesKeyOf(s.deviceId, s.metric, labels);
  const result = await pool.query<{ id: string }>(
    `insert into series (series_key, device_id, metric, labels, unit) values ($1, $2, $3, $4, $5) returning series_id::text as id`,
    [key, s.deviceId, s.metric, JSON.stringify(labels), s.unit],
  );
  return { id: result.rows[0]!.id, key };
}

/**
 * `count` points every `stepMs` from `startMs`, values from a deterministic wave with noise
 * (seeded by the series id), written by one INSERT ... SELECT generate_series.
 */
export async function insertWave(pool: pg.Pool, seriesId: string, opts: { startMs: number; count: number; stepMs: number; base?: number; amplitude?: number }): Promise<void> {
  await pool.query(
    `insert into metric_points (ts, series_id, value)
     select to_timestamp(($2::float8 + i * $4::float8) / 1000), $1::bigint,
            $5::float8 + $6::float8 * sin(i / 60.0 + $1::bigint) + ($6::float8 / 5) * sin(i * 7.3 + $1::bigint * 13)
     from generate_series(0, $3::int - 1) as i`,
    [seriesId, opts.startMs, opts.count, opts.stepMs, opts.base ?? 100, opts.amplitude ?? 40],
  );
}
