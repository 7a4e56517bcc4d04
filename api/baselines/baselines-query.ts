// Baselines per series (the sink keeps the latest one per series key) and the band they draw
// over a range.

import type pg from 'pg';
import type { Baseline } from '../../schemas/types.js';

type Queryable = Pick<pg.Pool, 'query'>;

/** A telemetry.baselines record as the sink stored it, with the series' id when it has points. */
export interface BaselineRow extends Baseline {
  seriesId: string | null;
}

export interface BaselineBand {
  seriesId: string;
  baseline: BaselineRow | null;
  timestamps: number[];
  expected: number[];
  lower: number[];
  upper: number[];
}

export async function baselinesOfSeries(db: Queryable, seriesIds: string[]): Promise<Map<string, BaselineRow>> {
  const { rows } = await db.query<BaselineRow>(
    `select s.series_id::text as "seriesId", b.series_key as "seriesKey", b.device_id as "deviceId", b.metric,
            (extract(epoch from b.ts) * 1000)::float8 as ts, b.expected, b.spread, b.lower, b.upper, b.seasonal, b.sample_count as "sampleCount"
     from series s join baselines b on b.series_key = s.series_key
     where s.series_id = any($1::bigint[])`,
    [seriesIds],
  );
  return new Map(rows.map((r) => [r.seriesId!, r]));
}

export async function baselineBands(db: Queryable, req: { seriesIds: string[]; fromMs: number; toMs: number }): Promise<BaselineBand[]> {
  const found = await baselinesOfSeries(db, req.seriesIds);
  return req.seriesIds.map((seriesId) => {
    const b = found.get(seriesId) ?? null;
    if (!b) return { seriesId, baseline: null, timestamps: [], expected: [], lower: [], upper: [] };
    return { seriesId, baseline: b, timestamps: [req.fromMs, req.toMs], expected: [b.expected, b.expected], lower: [b.lower, b.lower], upper: [b.upper, b.upper] };
  });
}
