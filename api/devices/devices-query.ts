// Devices (the table the sink builds from inventory.devices): filtered, paged list by id, and
// lookups by id for the loaders.

import type pg from 'pg';
import type { Device, DeviceFilter, QueryDevicesArgs } from '../graphql/schema-types.js';
import { decodeCursor, page, pageSize, type PageInfo } from '../paging.js';

type Queryable = Pick<pg.Pool, 'query'>;

/** The fields of Device that its resolvers and loaders compute from a row rather than read from it. */
type ResolvedDeviceFields = 'interfaces' | 'series' | 'health' | 'openAnomalies' | 'lastValues';

/** A row of the devices table as DEVICE_COLUMNS reads it: the schema's Device without the fields
 *  resolved apart, its labels as the sink stores them (string values). */
export type DeviceRow = Omit<Device, ResolvedDeviceFields | 'labels'> & { labels: Record<string, string> };

export const DEVICE_COLUMNS = `device_id as id, hostname, address, site, role, platform, vendor, status, tags, labels, snmp,
  (extract(epoch from updated_at) * 1000)::float8 as "updatedAt", deleted`;

function likePattern(search: string): string {
  return '%' + search.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
}

// One statement for every filter combination: a null parameter disables its condition.
const WHERE = `
  ($1::text is null or site = $1) and ($2::text is null or role = $2) and ($3::text is null or platform = $3)
  and ($4::text is null or status = $4)
  and ($5::text is null or device_id ilike $5 escape '\\' or hostname ilike $5 escape '\\' or address ilike $5 escape '\\')
  and ($6::boolean or not deleted)`;

function filterParams(f: DeviceFilter | null | undefined): unknown[] {
  const text = f?.text?.trim();
  return [f?.site ?? null, f?.role ?? null, f?.platform ?? null, f?.status ?? null, text ? likePattern(text) : null, f?.includeDeleted ?? false];
}

export interface DevicePage {
  nodes: DeviceRow[];
  pageInfo: PageInfo;
  /** Counted only when a client selects totalCount. */
  countAll(): Promise<number>;
}

export async function listDevices(db: Queryable, args: QueryDevicesArgs): Promise<DevicePage> {
  const first = pageSize(args.first);
  const after = decodeCursor(args.after, ['string']);
  const params = filterParams(args.filter);
  const { rows } = await db.query<DeviceRow>(
    `select ${DEVICE_COLUMNS} from devices where ${WHERE} and ($7::text is null or device_id > $7) order by device_id limit $8`,
    [...params, after?.[0] ?? null, first + 1],
  );
  return {
    ...page(rows, first, (d) => [d.id]),
    countAll: async () => (await db.query<{ n: number }>(`select count(*)::int as n from devices where ${WHERE}`, params)).rows[0].n,
  };
}

export async function devicesByIds(db: Queryable, ids: readonly string[]): Promise<Map<string, DeviceRow>> {
  const { rows } = await db.query<DeviceRow>(`select ${DEVICE_COLUMNS} from devices where device_id = any($1::text[])`, [[...new Set(ids)]]);
  return new Map(rows.map((r) => [r.id, r]));
}
