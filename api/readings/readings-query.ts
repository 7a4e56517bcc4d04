// Columnar readings for charts, downsampled inside PostgreSQL. A series whose range holds at most
// maxPoints rows comes back raw; a larger one comes back as fixed-width time buckets
// (avg, min, max per bucket), at most maxPoints of them, so the bytes on the wire are bounded by
// what a chart can draw, whatever the range. How many rows a series has is probed with
// LIMIT maxPoints + 1, so deciding costs at most maxPoints index entries per series.
//
// Bucket contract (the tests hold the server to it): range is from <= ts <= to (ms epoch);
// bucketMs = max(1, ceil((to - from) / maxPoints)); bucket i holds from + i*bucketMs <= ts <
// from + (i+1)*bucketMs, the last bucket also holding ts = to; its timestamp is its start;
// empty buckets are left out.

import type pg from 'pg';
import { ApiError } from '../errors.js';
import { API_DEFAULTS } from '../defaults.js';
import { readingsPoints } from '../metrics.js';
import { parseSeriesIds } from '../series/series-ids.js';

export interface ReadingsRequest {
  seriesIds: string[];
  fromMs: number;
  toMs: number;
  maxPoints: number;
}

export interface SeriesColumns {
  seriesId: string;
  timestamps: number[]; // ms epoch, ascending
  values: number[]; // raw values, or bucket averages
  min: number[] | null; // null when raw
  max: number[] | null;
  bucketMs: number | null; // null when raw
}

type Queryable = Pick<pg.Pool, 'query'>;

const limits = API_DEFAULTS.readings;

export function validateReadingsRequest(args: { seriesIds: readonly string[]; from: number; to: number; maxPoints?: number | null }): ReadingsRequest {
  const seriesIds = parseSeriesIds(args.seriesIds, limits.maxSeriesPerRequest);
  const maxPoints = args.maxPoints ?? limits.defaultMaxPoints;
  if (!Number.isInteger(maxPoints) || maxPoints < 1) {
    throw new ApiError('BAD_USER_INPUT', `maxPoints must be a positive integer, got ${maxPoints}`);
  }
  if (maxPoints > limits.maxPointsCap) {
    throw new ApiError('MAX_POINTS_EXCEEDED', `maxPoints ${maxPoints} exceeds the limit of ${limits.maxPointsCap} points per series`);
  }
  if (!Number.isFinite(args.from) || !Number.isFinite(args.to)) {
    throw new ApiError('BAD_USER_INPUT', 'from and to must be finite millisecond timestamps');
  }
  if (args.from > args.to) throw new ApiError('BAD_USER_INPUT', `from (${args.from}) is after to (${args.to})`);
  return { seriesIds, fromMs: args.from, toMs: args.to, maxPoints };
}

export function bucketPlan(fromMs: number, toMs: number, maxPoints: number): { bucketMs: number; bucketCount: number } {
  const rangeMs = toMs - fromMs;
  const bucketMs = Math.max(1, Math.ceil(rangeMs / maxPoints));
  return { bucketMs, bucketCount: Math.max(1, Math.ceil(rangeMs / bucketMs)) };
}

const IN_RANGE = `ts >= to_timestamp($2::float8 / 1000) and ts <= to_timestamp($3::float8 / 1000)`;

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
  where series_id = any($1::bigint[]) and ${IN_RANGE}
  order by series_id, ts`;

const BUCKET_SQL = `
  select series_id::text as id,
         least(floor(((extract(epoch from ts) * 1000)::float8 - $2::float8) / $4::float8)::int, $5::int - 1) as b,
         avg(value) as avg, min(value) as min, max(value) as max
  from metric_points
  where series_id = any($1::bigint[]) and ${IN_RANGE}
  group by 1, 2
  order by 1, 2`;

function emptyColumns(seriesId: string, bucketMs: number | null): SeriesColumns {
  return bucketMs === null
    ? { seriesId, timestamps: [], values: [], min: null, max: null, bucketMs: null }
    : { seriesId, timestamps: [], values: [], min: [], max: [], bucketMs };
}

export async function queryReadings(db: Queryable, req: ReadingsRequest): Promise<SeriesColumns[]> {
  const { seriesIds, fromMs, toMs, maxPoints } = req;
  if (seriesIds.length === 0) return [];

  const probe = await db.query<{ id: string; n: number }>(PROBE_SQL, [seriesIds, fromMs, toMs, maxPoints + 1]);
  const rawIds: string[] = [];
  const bucketIds: string[] = [];
  for (const row of probe.rows) (row.n > maxPoints ? bucketIds : rawIds).push(row.id);

  const { bucketMs, bucketCount } = bucketPlan(fromMs, toMs, maxPoints);
  const byId = new Map<string, SeriesColumns>();
  for (const id of rawIds) byId.set(id, emptyColumns(id, null));
  for (const id of bucketIds) byId.set(id, emptyColumns(id, bucketMs));

  if (rawIds.length > 0) {
    const raw = await db.query<{ id: string; t: number; value: number }>(RAW_SQL, [rawIds, fromMs, toMs]);
    for (const row of raw.rows) {
      const cols = byId.get(row.id)!;
      cols.timestamps.push(row.t);
      cols.values.push(row.value);
    }
    readingsPoints.inc({ mode: 'raw' }, raw.rows.length);
  }

  if (bucketIds.length > 0) {
    const buckets = await db.query<{ id: string; b: number; avg: number; min: number; max: number }>(
      BUCKET_SQL,
      [bucketIds, fromMs, toMs, bucketMs, bucketCount],
    );
    for (const row of buckets.rows) {
      const cols = byId.get(row.id)!;
      cols.timestamps.push(fromMs + row.b * bucketMs);
      cols.values.push(row.avg);
      cols.min!.push(row.min);
      cols.max!.push(row.max);
    }
    readingsPoints.inc({ mode: 'downsampled' }, buckets.rows.length);
  }

  return seriesIds.map((id) => byId.get(id) ?? emptyColumns(id, null));
}
