// The metric families analysts know, through the analyst views (storage/ddl-state.ts):
// which series belong to a family, with the item (port, interface, target) the view derives, is
// asked of the view itself, one index probe per candidate series (the view joins metric_points on
// (series_id, ts), so "has a point in range" is a primary-key lookup). Readings then come from the
// tier that fits, like readings.

import type pg from 'pg';
import { ApiError } from '../errors.js';
import { SERIES_COLUMNS, type SeriesRow } from '../series/series-query.js';

type Queryable = Pick<pg.Pool, 'query'>;

export const FAMILIES = {
  OPTICAL_POWER: { view: 'optical_power', item: 'v.port', lane: 'v.lane', direction: 'v.direction' },
  INTERFACE_TRAFFIC: { view: 'interface_traffic', item: 'v.if_name', lane: 'null::text', direction: 'null::text' },
  INTERFACE_ERRORS: { view: 'interface_errors', item: 'v.if_name', lane: 'null::text', direction: 'null::text' },
  PATH_LATENCY_LOSS: { view: 'path_latency_loss', item: 'v.target', lane: 'null::text', direction: 'null::text' },
  AVAILABILITY: { view: 'availability', item: 'v.item', lane: 'null::text', direction: 'null::text' },
} as const;
export type Family = keyof typeof FAMILIES;

export const FAMILY_MAX_SERIES = 100;

/** family's limit, checked before anything is charged or queried. */
export function validateFamilyLimit(limit: number | null | undefined): number {
  const n = limit ?? 50;
  if (!Number.isInteger(n) || n < 1 || n > FAMILY_MAX_SERIES) throw new ApiError('BAD_USER_INPUT', `limit must be between 1 and ${FAMILY_MAX_SERIES}, got ${n}`);
  return n;
}

export interface FamilySeriesRow {
  series: SeriesRow;
  deviceId: string;
  metric: string;
  unit: string;
  item: string | null;
  lane: string | null;
  direction: string | null;
}

export async function familySeries(
  db: Queryable,
  args: { family: Family; fromMs: number; toMs: number; deviceIds?: string[] | null; metrics?: string[] | null; limit: number },
): Promise<FamilySeriesRow[]> {
  const spec = FAMILIES[args.family];
  if (!spec) throw new ApiError('BAD_USER_INPUT', `unknown family ${String(args.family)}`);
  validateFamilyLimit(args.limit);
  const { rows } = await db.query<SeriesRow & { item: string | null; lane: string | null; direction: string | null }>(
    `select ${SERIES_COLUMNS}, f.item, f.lane, f.direction
     from series
     cross join lateral (
       select ${spec.item} as item, ${spec.lane} as lane, ${spec.direction} as direction
       from ${spec.view} v
       where v.series_id = series.series_id and v.ts >= to_timestamp($1::float8 / 1000) and v.ts <= to_timestamp($2::float8 / 1000)
       limit 1
     ) f
     where ($3::text[] is null or series.device_id = any($3)) and ($4::text[] is null or series.metric = any($4))
     order by series.series_key
     limit $5`,
    [args.fromMs, args.toMs, args.deviceIds?.length ? args.deviceIds : null, args.metrics?.length ? args.metrics : null, args.limit],
  );
  return rows.map(({ item, lane, direction, ...series }) => ({ series, deviceId: series.deviceId, metric: series.metric, unit: series.unit, item, lane, direction }));
}
