// The series catalogue: find series by a substring of their key (device, metric or label value),
// optionally of one device and metric; lookups by id, key and device for the loaders.

import type pg from 'pg';
import { ApiError } from '../errors.js';
import { API_DEFAULTS } from '../defaults.js';
import type { Series } from '../graphql/schema-types.js';

/** A row of the series catalogue: the schema's Series without its device (a loader's), its labels
 *  as the sink stores them (string values). */
export type SeriesRow = Omit<Series, 'device' | 'labels'> & { labels: Record<string, string> };

type Queryable = Pick<pg.Pool, 'query'>;

export const SERIES_COLUMNS = `series_id::text as id, series_key as key, device_id as "deviceId", metric, labels, unit`;

const SERIES_SQL = `
  select ${SERIES_COLUMNS}
  from series
  where ($1::text is null or series_key ilike $1 escape '\\')
    and ($3::text is null or device_id = $3) and ($4::text is null or metric = $4)
    and ($5::text is null or series_key > $5)
  order by series_key
  limit $2`;

/** An ILIKE pattern matching `search` anywhere, its own wildcards escaped. */
export function likePattern(search: string): string {
  return '%' + search.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
}

export async function querySeries(
  db: Queryable,
  args: { search?: string | null; limit?: number | null; deviceId?: string | null; metric?: string | null; after?: string | null },
): Promise<SeriesRow[]> {
  const limit = args.limit ?? API_DEFAULTS.series.defaultLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > API_DEFAULTS.series.maxLimit) {
    throw new ApiError('BAD_USER_INPUT', `limit must be between 1 and ${API_DEFAULTS.series.maxLimit}, got ${limit}`);
  }
  const search = args.search?.trim() ? likePattern(args.search.trim()) : null;
  const result = await db.query<SeriesRow>(SERIES_SQL, [search, limit, args.deviceId ?? null, args.metric ?? null, args.after || null]);
  return result.rows;
}

export async function seriesByIds(db: Queryable, ids: readonly string[]): Promise<Map<string, SeriesRow>> {
  const wanted = [...new Set(ids)].filter((id) => /^[1-9][0-9]{0,18}$/.test(id));
  if (wanted.length === 0) return new Map();
  const { rows } = await db.query<SeriesRow>(`select ${SERIES_COLUMNS} from series where series_id = any($1::bigint[])`, [wanted]);
  return new Map(rows.map((r) => [r.id, r]));
}

export async function seriesByKeys(db: Queryable, keys: readonly string[]): Promise<Map<string, SeriesRow>> {
  const { rows } = await db.query<SeriesRow>(`select ${SERIES_COLUMNS} from series where series_key = any($1::text[])`, [[...new Set(keys)]]);
  return new Map(rows.map((r) => [r.key, r]));
}

/** Every series of the given devices, ordered by key. */
export async function seriesOfDevices(db: Queryable, deviceIds: readonly string[]): Promise<Map<string, SeriesRow[]>> {
  const { rows } = await db.query<SeriesRow>(`select ${SERIES_COLUMNS} from series where device_id = any($1::text[]) order by series_key`, [[...new Set(deviceIds)]]);
  const out = new Map<string, SeriesRow[]>();
  for (const r of rows) {
    let list = out.get(r.deviceId);
    if (!list) out.set(r.deviceId, (list = []));
    list.push(r);
  }
  return out;
}
