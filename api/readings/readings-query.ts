// Columnar readings for charts, downsampled inside PostgreSQL from the tier that fits
// (tiers.ts). On the raw tier a series whose range holds at most maxPoints rows comes back raw;
// a larger one comes back as fixed-width buckets (avg, min, max), at most maxPoints of them. How
// many rows a series has is probed with LIMIT maxPoints + 1, so deciding costs at most maxPoints
// index entries per series. On a rollup tier, its rows are grouped into the same buckets (avg
// weighted by count: sum(sum) / sum(count)), one query for every series of the request.
//
// Bucket contract (the tests hold the server to it): range is from <= ts <= to (ms epoch);
// bucketMs = max(1, ceil((to - from) / maxPoints)); bucket i holds from + i*bucketMs <= ts <
// from + (i+1)*bucketMs, the last bucket also holding ts = to; its timestamp is its start;
// empty buckets are left out. On a rollup tier, "ts" is the rollup row's bucket start.

import type pg from 'pg';
import { ApiError } from '../errors.js';
import { API_DEFAULTS, type ApiLimits } from '../defaults.js';
import { readingsPoints } from '../metrics.js';
import { parseSeriesIds } from '../series/series-ids.js';
import { mergedBucketRows, staleSpans } from './pending-rollups.js';
import { bucketPlan, checkForcedTier, chooseTier, isTier, tierRanges, TIER_TABLE, TIERS, type RollupTier, type Tier } from './tiers.js';

export { bucketPlan } from './tiers.js';

export interface ReadingsRequest {
  seriesIds: string[];
  fromMs: number;
  toMs: number;
  maxPoints: number;
  tier?: Tier; // forced; chosen from range and maxPoints when absent
}

export interface SeriesColumns {
  seriesId: string;
  tier: Tier;
  timestamps: number[]; // ms epoch, ascending
  values: number[]; // raw values, or bucket averages
  min: number[] | null; // null when raw
  max: number[] | null;
  bucketMs: number | null; // null when raw
}

type Queryable = Pick<pg.Pool, 'query'>;

export function validateRange(from: number, to: number): void {
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new ApiError('BAD_USER_INPUT', 'from and to must be finite millisecond timestamps');
  if (from > to) throw new ApiError('BAD_USER_INPUT', `from (${from}) is after to (${to})`);
}

export function validateMaxPoints(value: number | null | undefined, limits: Pick<ApiLimits, 'maxPointsPerSeries'>): number {
  const maxPoints = value ?? API_DEFAULTS.readings.defaultMaxPoints;
  if (!Number.isInteger(maxPoints) || maxPoints < 1) throw new ApiError('BAD_USER_INPUT', `maxPoints must be a positive integer, got ${maxPoints}`);
  if (maxPoints > limits.maxPointsPerSeries) {
    throw new ApiError('LIMIT_MAX_POINTS', `maxPoints ${maxPoints} exceeds the limit of ${limits.maxPointsPerSeries} points per series`, {
      detail: { limit: limits.maxPointsPerSeries },
    });
  }
  return maxPoints;
}

type RangeLimits = Pick<ApiLimits, 'rangeRawDays' | 'range5mDays' | 'range1hDays' | 'range1dDays'>;

/** The tier that serves from..to: the one forced, or the one chosen; LIMIT_RANGE past its range. */
export function resolveTier(fromMs: number, toMs: number, maxPoints: number, tier: string | null | undefined, limits: RangeLimits): Tier {
  const ranges = tierRanges(limits);
  if (tier === undefined || tier === null) return chooseTier(fromMs, toMs, maxPoints, ranges);
  if (!isTier(tier)) throw new ApiError('BAD_USER_INPUT', `tier must be one of ${TIERS.join(', ')}, got "${String(tier).slice(0, 20)}"`);
  checkForcedTier(fromMs, toMs, tier, ranges);
  return tier;
}

/** healthHistory reads health_scores (at most a score a minute per device): the 5m tier's range. */
export function validateHealthRange(fromMs: number, toMs: number, limits: RangeLimits): void {
  if (toMs - fromMs > tierRanges(limits)['5m']) {
    throw new ApiError('LIMIT_RANGE', `healthHistory serves ranges of at most ${limits.range5mDays} days`, { detail: { tier: 'health', limitDays: limits.range5mDays } });
  }
}

/** Every argument checked, and the tier decided, before anything is charged or queried. */
export function validateReadingsRequest(
  args: { seriesIds: readonly string[]; from: number; to: number; maxPoints?: number | null; tier?: string | null },
  limits: Pick<ApiLimits, 'maxPointsPerSeries' | 'maxSeriesPerField'> & RangeLimits,
): ReadingsRequest & { tier: Tier } {
  const seriesIds = parseSeriesIds(args.seriesIds, limits.maxSeriesPerField);
  const maxPoints = validateMaxPoints(args.maxPoints, limits);
  validateRange(args.from, args.to);
  const tier = resolveTier(args.from, args.to, maxPoints, args.tier, limits);
  return { seriesIds, fromMs: args.from, toMs: args.to, maxPoints, tier };
}

const PROBE_SQL = `
  select s.id::text as id, c.n
  from unnest($1::bigint[]) as s(id)
  cross join lateral (
    select count(*)::int as n
    from (
      select 1 from metric_points m
      where m.series_id = s.id and m.ts >= to_timestamp($2::float8 / 1000) and m.ts <= to_timestamp($3::float8 / 1000)
      limit $4
    ) probe
  ) c`;

const RAW_SQL = `
  select series_id::text as id, (extract(epoch from ts) * 1000)::float8 as t, value
  from metric_points
  where series_id = any($1::bigint[]) and ts >= to_timestamp($2::float8 / 1000) and ts <= to_timestamp($3::float8 / 1000)
  order by series_id, ts`;

const RAW_BUCKET_SQL = `
  select series_id::text as id,
         least(floor(((extract(epoch from ts) * 1000)::float8 - $2::float8) / $4::float8)::int, $5::int - 1) as b,
         avg(value) as avg, min(value) as min, max(value) as max
  from metric_points
  where series_id = any($1::bigint[]) and ts >= to_timestamp($2::float8 / 1000) and ts <= to_timestamp($3::float8 / 1000)
  group by 1, 2
  order by 1, 2`;

/** The rollup query of a tier; exported so the benchmark runs the very SQL the API runs. */
export function rollupBucketSql(tier: RollupTier): string {
  return `
  select series_id::text as id,
         least(floor(((extract(epoch from bucket) * 1000)::float8 - $2::float8) / $4::float8)::int, $5::int - 1) as b,
         sum(sum) / sum(count) as avg, min(min) as min, max(max) as max
  from ${TIER_TABLE[tier]}
  where series_id = any($1::bigint[]) and bucket >= to_timestamp($2::float8 / 1000) and bucket <= to_timestamp($3::float8 / 1000)
  group by 1, 2
  order by 1, 2`;
}

function emptyColumns(seriesId: string, tier: Tier, bucketMs: number | null): SeriesColumns {
  return bucketMs === null
    ? { seriesId, tier, timestamps: [], values: [], min: null, max: null, bucketMs: null }
    : { seriesId, tier, timestamps: [], values: [], min: [], max: [], bucketMs };
}

// Bucket rows come back as arrays (rowMode 'array'): a dashboard reads 100,000 of them, and
// skipping an object per row is a measurable part of what the API adds to the SQL.
type BucketRow = [id: string, b: number, avg: number, min: number, max: number];

async function bucketRows(db: Queryable, text: string, values: unknown[]): Promise<BucketRow[]> {
  return (await db.query<BucketRow>({ text, values, rowMode: 'array' } as pg.QueryConfig)).rows;
}

function fillBuckets(byId: Map<string, SeriesColumns>, rows: BucketRow[], fromMs: number, bucketMs: number): void {
  let id: string | undefined;
  let cols: SeriesColumns | undefined;
  for (const [rowId, b, avg, min, max] of rows) {
    if (rowId !== id) {
      id = rowId;
      cols = byId.get(rowId)!;
    }
    cols!.timestamps.push(fromMs + b * bucketMs);
    cols!.values.push(avg);
    cols!.min!.push(min);
    cols!.max!.push(max);
  }
}

export async function queryReadings(db: Queryable, req: ReadingsRequest): Promise<SeriesColumns[]> {
  const { seriesIds, fromMs, toMs, maxPoints } = req;
  if (seriesIds.length === 0) return [];
  const tier = req.tier ?? chooseTier(fromMs, toMs, maxPoints);
  const byId = new Map<string, SeriesColumns>();

  if (tier !== 'raw') {
    const { bucketMs, bucketCount } = bucketPlan(fromMs, toMs, maxPoints, tier);
    for (const id of seriesIds) byId.set(id, emptyColumns(id, tier, bucketMs));
    const spans = await staleSpans(db, tier, fromMs, toMs);
    const rows = spans.length === 0
      ? await bucketRows(db, rollupBucketSql(tier), [seriesIds, fromMs, toMs, bucketMs, bucketCount])
      : await mergedBucketRows(db, tier, { seriesIds, fromMs, toMs, bucketMs, bucketCount }, spans);
    fillBuckets(byId, rows, fromMs, bucketMs);
    readingsPoints.inc({ tier }, rows.length);
    return seriesIds.map((id) => byId.get(id)!);
  }

  const probe = await db.query<{ id: string; n: number }>(PROBE_SQL, [seriesIds, fromMs, toMs, maxPoints + 1]);
  const rawIds: string[] = [];
  const bucketIds: string[] = [];
  for (const row of probe.rows) (row.n > maxPoints ? bucketIds : rawIds).push(row.id);

  const { bucketMs, bucketCount } = bucketPlan(fromMs, toMs, maxPoints);
  for (const id of rawIds) byId.set(id, emptyColumns(id, 'raw', null));
  for (const id of bucketIds) byId.set(id, emptyColumns(id, 'raw', bucketMs));

  const [raw, buckets] = await Promise.all([
    rawIds.length > 0 ? db.query<{ id: string; t: number; value: number }>(RAW_SQL, [rawIds, fromMs, toMs]) : null,
    bucketIds.length > 0 ? bucketRows(db, RAW_BUCKET_SQL, [bucketIds, fromMs, toMs, bucketMs, bucketCount]) : null,
  ]);
  if (raw) {
    for (const row of raw.rows) {
      const cols = byId.get(row.id)!;
      cols.timestamps.push(row.t);
      cols.values.push(row.value);
    }
    readingsPoints.inc({ tier: 'raw' }, raw.rows.length);
  }
  if (buckets) {
    fillBuckets(byId, buckets, fromMs, bucketMs);
    readingsPoints.inc({ tier: 'raw' }, buckets.length);
  }
  return seriesIds.map((id) => byId.get(id) ?? emptyColumns(id, 'raw', null));
}
