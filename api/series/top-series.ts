// Series ranked by their recent values: "busiest links" (highest traffic first) and "optics at
// risk" (lowest receive power first) walls ask for the top of the catalogue rather than its first
// keys. The average over the last minutes, not the last reading: one burst must not reshuffle a
// wall, and a series that stopped reporting drops out of the ranking with its window.

import type pg from 'pg';
import { ApiError } from '../errors.js';
import { API_DEFAULTS } from '../defaults.js';
import { SERIES_COLUMNS, likePattern, type SeriesRow } from './series-query.js';

type Queryable = Pick<pg.Pool, 'query'>;

export type RankOrder = 'HIGHEST' | 'LOWEST';

export interface RankedSeriesRow extends SeriesRow {
  value: number;
}

export interface TopSeriesArgs {
  search: readonly string[];
  order?: RankOrder | null;
  windowMinutes?: number | null;
  limit?: number | null;
  deviceIds?: readonly string[] | null;
}

// Two statements rather than a direction parameter: ORDER BY cannot take one.
const topSql = (direction: 'desc' | 'asc') => `
  select ${SERIES_COLUMNS}, v.value
  from (
    select p.series_id as ranked_id, avg(p.value) as value
    from metric_points p
    where p.series_id = any(
        select series_id from series
        where series_key ilike any($1::text[]) -- backslash, likePattern's escape, is LIKE's default
          and ($4::text[] is null or device_id = any($4::text[])))
      and p.ts > now() - make_interval(mins => $2::int)
    group by p.series_id
  ) v
  join series s on s.series_id = v.ranked_id -- (one name per column: SERIES_COLUMNS is unqualified)
  order by v.value ${direction}, s.series_key
  limit $3`;

const SQL = { HIGHEST: topSql('desc'), LOWEST: topSql('asc') };

export async function topSeries(db: Queryable, args: TopSeriesArgs): Promise<RankedSeriesRow[]> {
  const { top } = API_DEFAULTS.series;
  const terms = args.search.map((s) => s.trim()).filter(Boolean);
  if (terms.length === 0 || terms.length > top.maxTerms) throw new ApiError('BAD_USER_INPUT', `search must hold 1 to ${top.maxTerms} non-empty terms, got ${terms.length}`);
  const order = args.order ?? 'HIGHEST';
  const windowMinutes = args.windowMinutes ?? top.defaultWindowMinutes;
  if (!Number.isInteger(windowMinutes) || windowMinutes < 1 || windowMinutes > top.maxWindowMinutes) {
    throw new ApiError('BAD_USER_INPUT', `windowMinutes must be between 1 and ${top.maxWindowMinutes}, got ${windowMinutes}`);
  }
  const limit = args.limit ?? top.defaultLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > top.maxLimit) throw new ApiError('BAD_USER_INPUT', `limit must be between 1 and ${top.maxLimit}, got ${limit}`);
  const devices = args.deviceIds && args.deviceIds.length > 0 ? [...args.deviceIds] : null;
  if (devices && devices.length > API_DEFAULTS.paging.maxFirst) throw new ApiError('BAD_USER_INPUT', `deviceIds holds at most ${API_DEFAULTS.paging.maxFirst} ids, got ${devices.length}`);
  const { rows } = await db.query<RankedSeriesRow>(SQL[order], [terms.map(likePattern), windowMinutes, limit, devices]);
  return rows;
}
