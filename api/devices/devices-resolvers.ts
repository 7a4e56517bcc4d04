// Resolvers and loaders of Device and the device queries. Loaders batch a field over every
// device of a request: one query per field per request, whatever the page size.

import { redactLabels, redactSnmpAccess } from '../../credentials/credential-refs.js';
import { API_DEFAULTS } from '../defaults.js';
import type { ApiContext } from '../graphql/context.js';
import { listLimit } from '../paging.js';
import { latestHealth } from '../health/health-query.js';
import { openAnomaliesOfDevices } from '../anomalies/anomalies-query.js';
import { seriesOfDevices, type SeriesRow } from '../series/series-query.js';
import type { QueryDeviceArgs, QueryDevicesArgs } from '../graphql/schema-types.js';
import { devicesByIds, listDevices, type DeviceRow, type DevicePage } from './devices-query.js';

type Query<P = Record<string, unknown>> = { obj: DeviceRow; params: P };
type Limited = { limit?: number | null };

const { lists } = API_DEFAULTS;

function interfacesOf(series: SeriesRow[]): Array<{ name: string; series: SeriesRow[] }> {
  const byName = new Map<string, SeriesRow[]>();
  for (const s of series) {
    const name = s.labels?.ifName;
    if (!name) continue;
    let list = byName.get(name);
    if (!list) byName.set(name, (list = []));
    list.push(s);
  }
  return [...byName.keys()].sort().map((name) => ({ name, series: byName.get(name)! }));
}

export const devicesResolvers = {
  Query: {
    devices: (_: unknown, args: QueryDevicesArgs, ctx: ApiContext): Promise<DevicePage> => listDevices(ctx.db, args),
    device: async (_: unknown, args: QueryDeviceArgs, ctx: ApiContext): Promise<DeviceRow | null> => (await devicesByIds(ctx.db, [args.id])).get(args.id) ?? null,
  },
  DeviceConnection: {
    totalCount: (page: DevicePage) => page.countAll(),
  },
  // Inventory records name credentials and never hold secrets any more, but rows written from older
  // records may still carry one ("login:user:password", "community:value"): whoever reads, a
  // credential reference shows its name only and anything secret-like shows "(redacted)".
  Device: {
    labels: (d: DeviceRow) => redactLabels(d.labels),
    snmp: (d: DeviceRow) => redactSnmpAccess(d.snmp as { credential?: unknown } | null),
  },
  Interface: {
    series: (iface: { series: SeriesRow[] }, args: Limited) => iface.series.slice(0, listLimit(args.limit, lists.interfaceSeries, 'Interface.series')),
  },
};

export const devicesLoaders = {
  Device: {
    series: async (queries: Query<{ metric?: string | null } & Limited>[], ctx: ApiContext) => {
      const limits = queries.map((q) => listLimit(q.params.limit, lists.deviceSeries, 'Device.series'));
      const all = await seriesOfDevices(ctx.db, queries.map((q) => q.obj.id));
      return queries.map((q, i) => (all.get(q.obj.id) ?? []).filter((s) => !q.params.metric || s.metric === q.params.metric).slice(0, limits[i]));
    },
    interfaces: async (queries: Query<Limited>[], ctx: ApiContext) => {
      const limits = queries.map((q) => listLimit(q.params.limit, lists.deviceInterfaces, 'Device.interfaces'));
      const all = await seriesOfDevices(ctx.db, queries.map((q) => q.obj.id));
      return queries.map((q, i) => interfacesOf(all.get(q.obj.id) ?? []).slice(0, limits[i]));
    },
    health: async (queries: Query[], ctx: ApiContext) => {
      const found = await latestHealth(ctx.db, ctx.svc.lastValues, queries.map((q) => q.obj.id));
      return queries.map((q) => found.get(q.obj.id) ?? null);
    },
    openAnomalies: async (queries: Query<Limited>[], ctx: ApiContext) => {
      const limits = queries.map((q) => listLimit(q.params.limit, lists.deviceOpenAnomalies, 'Device.openAnomalies'));
      const found = await openAnomaliesOfDevices(ctx.db, queries.map((q) => q.obj.id), Math.max(...limits));
      return queries.map((q, i) => (found.get(q.obj.id) ?? []).slice(0, limits[i]));
    },
    lastValues: async (queries: Query<Limited>[], ctx: ApiContext) => {
      const limits = queries.map((q) => listLimit(q.params.limit, lists.deviceLastValues, 'Device.lastValues'));
      if (!ctx.svc.lastValues) return queries.map(() => []);
      const found = await ctx.svc.lastValues.ofDevices(queries.map((q) => q.obj.id));
      return queries.map((q, i) => (found.get(q.obj.id) ?? []).slice(0, limits[i]));
    },
  },
};
