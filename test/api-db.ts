// Test support: a fresh PostgreSQL database per test file (api_test_<random>) with the schema the
// sink writes through (storage/: migrate(), native partitions on plain PostgreSQL), and helpers to fill it the way
// the sink would: day partitions created before points, rollups refreshed from the invalidation
// log. Dropped at the end.

import pg from 'pg';
import { createTestDatabase as createScratchDatabase } from './pg-db.js';
import { migrate } from '../storage/migrations.js';
import { hoursOf, logInvalidations, refreshRollups } from '../storage/rollups.js';
import { testEnv } from './env.js';
import { HOUR_MS, DAY_MS } from '../common/time-units.js';


export interface TestDatabase {
  name: string;
  url: string;
  pool: pg.Pool;
  drop(): Promise<void>;
}

export async function createTestDatabase(prefix = 'api_test'): Promise<TestDatabase> {
  const db = await createScratchDatabase(prefix, testEnv.databaseUrl);
  // migrate() runs BEGIN/COMMIT itself: it needs one connection, not a pool.
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await migrate(client, { layout: 'partitioned' });
  } finally {
    await client.end();
  }
  const pool = new pg.Pool({ connectionString: db.url, max: 6 });
  // The drop at the end terminates whatever is left connected; an idle client's error is expected then.
  pool.on('error', () => undefined);
  return {
    name: db.name,
    url: db.url,
    pool,
    drop: async () => {
      await pool.end();
      await db.drop();
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
  return { id: result.rows[0].id, key };
}

/** Creates the day partitions of metric_points covering [fromMs, toMs]. */
export async function ensurePartitions(pool: pg.Pool, fromMs: number, toMs: number): Promise<void> {
  await pool.query(`select oc_metric_partition(d::date) from generate_series($1::date, $2::date, interval '1 day') as d`, [
    new Date(Math.floor(fromMs / DAY_MS) * DAY_MS).toISOString().slice(0, 10),
    new Date(Math.floor(toMs / DAY_MS) * DAY_MS).toISOString().slice(0, 10),
  ]);
}

/**
 * `count` points every `stepMs` from `startMs`, values from a deterministic wave with noise
 * (seeded by the series id), written by one INSERT ... SELECT generate_series. The hours written
 * are logged for the rollups, as the sink does; call refreshTestRollups to build them.
 */
export async function insertWave(pool: pg.Pool, seriesId: string, opts: { startMs: number; count: number; stepMs: number; base?: number; amplitude?: number }): Promise<void> {
  const endMs = opts.startMs + (opts.count - 1) * opts.stepMs;
  await ensurePartitions(pool, opts.startMs, endMs);
  await pool.query(
    `insert into metric_points (ts, series_id, value)
     select to_timestamp(($2::float8 + i * $4::float8) / 1000), $1::bigint,
            $5::float8 + $6::float8 * sin(i / 60.0 + $1::bigint) + ($6::float8 / 5) * sin(i * 7.3 + $1::bigint * 13)
     from generate_series(0, $3::int - 1) as i`,
    [seriesId, opts.startMs, opts.count, opts.stepMs, opts.base ?? 100, opts.amplitude ?? 40],
  );
  const hours: number[] = [];
  for (let h = Math.floor(opts.startMs / HOUR_MS) * HOUR_MS; h <= endMs; h += HOUR_MS) hours.push(h);
  await logInvalidations(pool, hoursOf(hours));
}

/** Applies every logged invalidation to the rollup tables (what the sink's maintenance does). */
export async function refreshTestRollups(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    while ((await refreshRollups(client, { maxHours: 24 * 31 })).hours > 0);
  } finally {
    client.release();
  }
}

/** A devices row as the sink writes it from inventory.devices. */
export async function insertDevice(pool: pg.Pool, d: { id: string; site?: string; role?: string; platform?: string; status?: string; hostname?: string; deleted?: boolean }): Promise<void> {
  await pool.query(
    `insert into devices (device_id, hostname, address, site, role, platform, vendor, status, tags, labels, snmp, updated_at, deleted)
     values ($1, $2, '127.0.0.1', $3, $4, $5, 'acme', $6, '{}', '{}', '{"version":"v2c","port":161,"credential":"lab-community","profiles":["if-mib"]}', now(), $7)`,
    [d.id, d.hostname ?? d.id, d.site ?? 'lab', d.role ?? 'core', d.platform ?? 'iosxr', d.status ?? 'active', d.deleted ?? false],
  );
}

/** An anomaly_events row as the sink merges it. */
export async function insertAnomaly(
  pool: pg.Pool,
  a: { id: string; deviceId: string; seriesKey: string; startedMs: number; state?: string; severity?: string; peakSeverity?: string; endedMs?: number | null; metric?: string; detector?: string },
): Promise<void> {
  await pool.query(
    `insert into anomaly_events (anomaly_id, state, series_key, device_id, metric, labels, started_at, updated_at, ended_at, severity, peak_severity,
       score, peak_score, observed, expected, lower, upper, detector, reason, events)
     values ($1, $2, $3, $4, $5, '{}', to_timestamp($6::float8 / 1000), to_timestamp($6::float8 / 1000), to_timestamp($7::float8 / 1000), $8, $9,
       4, 5, 150, 100, 80, 120, $10, 'above the band', 3)`,
    [a.id, a.state ?? 'OPEN', a.seriesKey, a.deviceId, a.metric ?? 'if_in_bps', a.startedMs, a.endedMs ?? null, a.severity ?? 'MAJOR', a.peakSeverity ?? a.severity ?? 'MAJOR', a.detector ?? 'zscore'],
  );
}

export async function insertHealth(pool: pg.Pool, deviceId: string, tsMs: number, score: number): Promise<void> {
  await pool.query(
    `insert into health_scores (device_id, ts, score, components) values ($1, to_timestamp($2::float8 / 1000), $3, '[{"name":"reachability","score":100,"weight":1,"detail":null}]')`,
    [deviceId, tsMs, score],
  );
}

export async function insertBaseline(pool: pg.Pool, b: { seriesKey: string; deviceId: string; metric: string; tsMs: number; expected: number; spread: number }): Promise<void> {
  await pool.query(
    `insert into baselines (series_key, device_id, metric, ts, expected, spread, lower, upper, seasonal, sample_count)
     values ($1, $2, $3, to_timestamp($4::float8 / 1000), $5::float8, $6::float8, $5::float8 - 3 * $6::float8, $5::float8 + 3 * $6::float8, false, 500)`,
    [b.seriesKey, b.deviceId, b.metric, b.tsMs, b.expected, b.spread],
  );
}
