// Rollups not yet refreshed. On plain PostgreSQL the sink rebuilds rollup rows from the hours its
// writers logged in rollup_invalidations; until its maintenance has run, rollup rows of those
// hours are missing or stale. A readings request over such hours reads them from raw points
// instead (placed in the rollup bucket they will land in), so a chart of the last days is never
// behind the raw data. TimescaleDB's continuous aggregates are real-time: no such table there.

import type pg from 'pg';
import { TIER_TABLE, type RollupTier } from './tiers.js';
import { BUCKET_ORIGIN } from '../../storage/rollups.js';
import { HOUR_MS, DAY_MS } from '../../common/time-units.js';

type Queryable = Pick<pg.Pool, 'query'>;

const WIDTH_SQL: Record<RollupTier, string> = { '5m': '5 minutes', '1h': '1 hour', '1d': '1 day' };

const hasLog = new WeakMap<object, Promise<boolean>>();

function invalidationLogExists(db: Queryable): Promise<boolean> {
  let known = hasLog.get(db);
  if (!known) {
    known = db.query<{ ok: boolean }>(`select to_regclass('rollup_invalidations') is not null as ok`).then((r) => r.rows[0].ok);
    known.catch(() => hasLog.delete(db));
    hasLog.set(db, known);
  }
  return known;
}

/** [start, end) ms spans whose rollup rows of `tier` cannot be trusted yet; empty almost always. */
export async function staleSpans(db: Queryable, tier: RollupTier, fromMs: number, toMs: number): Promise<Array<[number, number]>> {
  if (!(await invalidationLogExists(db))) return [];
  const { rows } = await db.query<{ ms: number }>(
    `select (extract(epoch from hour) * 1000)::float8 as ms from rollup_invalidations
     where hour >= to_timestamp($1::float8 / 1000) and hour <= to_timestamp($2::float8 / 1000) order by hour`,
    [fromMs - DAY_MS, toMs],
  );
  // A day row is built from all its hours: one stale hour makes the whole day stale.
  const span = tier === '1d' ? DAY_MS : HOUR_MS;
  const starts = [...new Set(rows.map((r) => Math.floor(Number(r.ms) / span) * span))];
  return starts.map((s) => [s, s + span]);
}

// Both queries return per (series, bucket index): sum, count, min, max, so they can be merged.
export function freshRollupSql(tier: RollupTier): string {
  return `
  select series_id::text as id,
         least(floor(((extract(epoch from bucket) * 1000)::float8 - $2::float8) / $4::float8)::int, $5::int - 1) as b,
         sum(sum) as s, sum(count)::float8 as n, min(min) as lo, max(max) as hi
  from ${TIER_TABLE[tier]}
  where series_id = any($1::bigint[]) and bucket >= to_timestamp($2::float8 / 1000) and bucket <= to_timestamp($3::float8 / 1000)
    and not exists (select 1 from unnest($6::float8[], $7::float8[]) x(a, z)
                    where bucket >= to_timestamp(x.a / 1000) and bucket < to_timestamp(x.z / 1000))
  group by 1, 2`;
}

export function staleFromRawSql(tier: RollupTier): string {
  return `
  select series_id::text as id,
         least(floor(((extract(epoch from date_bin(interval '${WIDTH_SQL[tier]}', ts, ${BUCKET_ORIGIN})) * 1000)::float8 - $2::float8) / $4::float8)::int, $5::int - 1) as b,
         sum(value) as s, count(*)::float8 as n, min(value) as lo, max(value) as hi
  from metric_points
  join unnest($6::float8[], $7::float8[]) x(a, z) on ts >= to_timestamp(x.a / 1000) and ts < to_timestamp(x.z / 1000)
  where series_id = any($1::bigint[])
    and date_bin(interval '${WIDTH_SQL[tier]}', ts, ${BUCKET_ORIGIN}) >= to_timestamp($2::float8 / 1000)
    and date_bin(interval '${WIDTH_SQL[tier]}', ts, ${BUCKET_ORIGIN}) <= to_timestamp($3::float8 / 1000)
  group by 1, 2`;
}

type Part = [id: string, b: number, sum: number, count: number, min: number, max: number];

/** Bucket rows [id, b, avg, min, max] ordered by series then bucket, from fresh rollups plus raw points of stale spans. */
export async function mergedBucketRows(
  db: Queryable,
  tier: RollupTier,
  params: { seriesIds: string[]; fromMs: number; toMs: number; bucketMs: number; bucketCount: number },
  spans: Array<[number, number]>,
): Promise<Array<[string, number, number, number, number]>> {
  const values = [params.seriesIds, params.fromMs, params.toMs, params.bucketMs, params.bucketCount, spans.map((s) => s[0]), spans.map((s) => s[1])];
  const query = async (text: string) => (await db.query({ text, values, rowMode: 'array' } as pg.QueryConfig)).rows as unknown as Part[];
  const [fresh, raw] = await Promise.all([query(freshRollupSql(tier)), query(staleFromRawSql(tier))]);
  const merged = new Map<string, Map<number, Part>>();
  for (const part of [...fresh, ...raw]) {
    let buckets = merged.get(part[0]);
    if (!buckets) merged.set(part[0], (buckets = new Map()));
    const cur = buckets.get(part[1]);
    if (!cur) buckets.set(part[1], [...part]);
    else buckets.set(part[1], [part[0], part[1], cur[2] + part[2], cur[3] + part[3], Math.min(cur[4], part[4]), Math.max(cur[5], part[5])]);
  }
  const out: Array<[string, number, number, number, number]> = [];
  for (const id of params.seriesIds) {
    const buckets = merged.get(id);
    if (!buckets) continue;
    for (const b of [...buckets.keys()].sort((x, y) => x - y)) {
      const [, , sum, count, min, max] = buckets.get(b)!;
      out.push([id, b, sum / count, min, max]);
    }
  }
  return out;
}
