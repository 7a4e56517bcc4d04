// Rollup tables of the plain-PostgreSQL layout, refreshed incrementally: writers log the hours
// their rows touched (rollup_invalidations, same transaction as the rows); a refresh recomputes
// exactly those hours of metric_points_5m from raw points, the same hours of _1h from _5m, and
// their days of _1d from _1h. Recomputing a whole bucket (instead of adding a batch into it) is
// what keeps rollups right under replays, late points and retries: the result depends only on
// the rows, never on how often they were written.
import type { Queryable } from './migrations.js';
import { HOUR_MS, DAY_MS } from '../common/time-units.js';

const REFRESH_LOCK = 7_324_002; // advisory lock: one refresher at a time across sink replicas
/**
 * Where every rollup bucket starts counting (SQL): UTC-aligned buckets, as time_bucket's. The API
 * places raw points of not-yet-refreshed hours in the same buckets, so it reads this one value.
 */
export const BUCKET_ORIGIN = `TIMESTAMPTZ '2000-01-01 00:00:00+00'`;

/** Distinct hour starts (ms) of the given timestamps: what a write batch invalidates. */
export function hoursOf(tsMs: Iterable<number>): number[] {
  const hours = new Set<number>();
  for (const t of tsMs) hours.add(Math.floor(t / HOUR_MS) * HOUR_MS);
  return [...hours];
}

export async function logInvalidations(db: Queryable, hours: number[]): Promise<void> {
  if (hours.length === 0) return;
  await db.query('INSERT INTO rollup_invalidations (hour) SELECT unnest($1::timestamptz[]) ON CONFLICT DO NOTHING', [hours.map((h) => new Date(h))]);
}

/** [start, end) ranges of contiguous hours, so each recompute is one range scan. */
function ranges(sortedMs: number[], step: number): [Date, Date][] {
  const out: [Date, Date][] = [];
  for (const t of sortedMs) {
    const last = out[out.length - 1];
    if (last && last[1].getTime() === t) last[1] = new Date(t + step);
    else out.push([new Date(t), new Date(t + step)]);
  }
  return out;
}

const recompute = (target: string, source: string, width: string, timeCol: string) =>
  source === 'metric_points'
    ? `INSERT INTO ${target} (series_id, bucket, min, max, last, count, sum, last_ts)
       SELECT series_id, date_bin(INTERVAL '${width}', ts, ${BUCKET_ORIGIN}) AS b, min(value), max(value),
              (array_agg(value ORDER BY ts DESC))[1], count(*), sum(value), max(ts)
         FROM metric_points WHERE ${timeCol} >= $1 AND ${timeCol} < $2 GROUP BY series_id, b`
    : `INSERT INTO ${target} (series_id, bucket, min, max, last, count, sum, last_ts)
       SELECT series_id, date_bin(INTERVAL '${width}', bucket, ${BUCKET_ORIGIN}) AS b, min(min), max(max),
              (array_agg(last ORDER BY last_ts DESC))[1], sum(count), sum(sum), max(last_ts)
         FROM ${source} WHERE ${timeCol} >= $1 AND ${timeCol} < $2 GROUP BY series_id, b`;

/**
 * Applies up to `maxHours` logged invalidations in one transaction. Returns how many hours were
 * refreshed (0 when another replica holds the refresh). Hours before `notBeforeMs` (raw points
 * past retention) are discarded unapplied: recomputing them from dropped partitions would erase
 * rollups that outlive the raw data.
 */
export async function refreshRollups(db: Queryable, opts: { maxHours?: number; notBeforeMs?: number } = {}): Promise<{ hours: number }> {
  const maxHours = opts.maxHours ?? 24 * 7;
  await db.query('BEGIN');
  try {
    const locked = await db.query('SELECT pg_try_advisory_xact_lock($1) AS ok', [REFRESH_LOCK]);
    if (!locked.rows[0].ok) {
      await db.query('COMMIT');
      return { hours: 0 };
    }
    if (opts.notBeforeMs !== undefined) await db.query('DELETE FROM rollup_invalidations WHERE hour < $1', [new Date(opts.notBeforeMs)]);
    const res = await db.query(
      `DELETE FROM rollup_invalidations WHERE hour IN (SELECT hour FROM rollup_invalidations ORDER BY hour LIMIT $1)
       RETURNING (extract(epoch FROM hour) * 1000)::float8 AS ms`,
      [maxHours],
    );
    const hours = res.rows.map((r: { ms: number }) => Number(r.ms)).sort((a, b) => a - b);
    for (const [from, to] of ranges(hours, HOUR_MS)) {
      for (const [table, source, width] of [
        ['metric_points_5m', 'metric_points', '5 minutes'],
        ['metric_points_1h', 'metric_points_5m', '1 hour'],
      ] as const) {
        await db.query(`DELETE FROM ${table} WHERE bucket >= $1 AND bucket < $2`, [from, to]);
        await db.query(recompute(table, source, width, source === 'metric_points' ? 'ts' : 'bucket'), [from, to]);
      }
    }
    const days = [...new Set(hours.map((h) => Math.floor(h / DAY_MS) * DAY_MS))].sort((a, b) => a - b);
    for (const [from, to] of ranges(days, DAY_MS)) {
      await db.query('DELETE FROM metric_points_1d WHERE bucket >= $1 AND bucket < $2', [from, to]);
      await db.query(recompute('metric_points_1d', 'metric_points_1h', '1 day', 'bucket'), [from, to]);
    }
    await db.query('COMMIT');
    return { hours: hours.length };
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
