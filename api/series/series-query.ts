// The series catalogue: find series by a substring of their key (device, metric or label value).

import type pg from 'pg';
import { ApiError } from '../errors.js';
import { API_DEFAULTS } from '../defaults.js';

export interface SeriesRow {
  id: string;
  key: string;
  deviceId: string;
  metric: string;
  labels: Record<string, string>;
  unit: string;
}

type Queryable = Pick<pg.Pool, 'query'>;

const SERIES_SQL = `
  select series_id::text as id, series_key as key, device_id as "deviceId", metric, labels, unit
  from series
  where $1::text is null or series_key ilike $1 escape '\\'
  order by series_key
  limit $2`;

function likePattern(search: string): string {
  return '%' + search.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
}

export async function querySeries(db: Queryable, args: { search?: string | null; limit?: number | null }): Promise<SeriesRow[]> {
  const limit = args.limit ?? API_DEFAULTS.series.defaultLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > API_DEFAULTS.series.maxLimit) {
    throw new ApiError('BAD_USER_INPUT', `limit must be between 1 and ${API_DEFAULTS.series.maxLimit}, got ${limit}`);
  }
  const search = args.search?.trim() ? likePattern(args.search.trim()) : null;
  const result = await db.query<SeriesRow>(SERIES_SQL, [search, limit]);
  return result.rows;
}
