// Series queries and the loaders that resolve a series or a device named by id or key.

import { devicesByIds } from '../devices/devices-query.js';
import type { ApiContext } from '../graphql/context.js';
import { querySeries, seriesByIds, seriesByKeys, type SeriesRow } from './series-query.js';
import { topSeries, type TopSeriesArgs } from './top-series.js';

interface SeriesArgs { search?: string | null; limit?: number | null; deviceId?: string | null; metric?: string | null; after?: string | null }

export const seriesResolvers = {
  Query: {
    series: (_: unknown, args: SeriesArgs, ctx: ApiContext) => querySeries(ctx.db, args),
    topSeries: async (_: unknown, args: TopSeriesArgs, ctx: ApiContext) => (await topSeries(ctx.db, args)).map(({ value, ...series }) => ({ series, value })),
  },
};

/** Loaders: `series` of anything carrying a seriesId or seriesKey, `device` of anything carrying a deviceId. */
export const seriesLoaders = {
  Series: {
    device: async (queries: Array<{ obj: SeriesRow }>, ctx: ApiContext) => {
      const found = await devicesByIds(ctx.db, queries.map((q) => q.obj.deviceId));
      return queries.map((q) => found.get(q.obj.deviceId) ?? null);
    },
  },
  SeriesColumns: {
    series: async (queries: Array<{ obj: { seriesId: string } }>, ctx: ApiContext) => {
      const found = await seriesByIds(ctx.db, queries.map((q) => q.obj.seriesId));
      return queries.map((q) => found.get(q.obj.seriesId) ?? null);
    },
  },
  Anomaly: {
    series: async (queries: Array<{ obj: { seriesKey: string } }>, ctx: ApiContext) => {
      const found = await seriesByKeys(ctx.db, queries.map((q) => q.obj.seriesKey));
      return queries.map((q) => found.get(q.obj.seriesKey) ?? null);
    },
    device: async (queries: Array<{ obj: { deviceId: string } }>, ctx: ApiContext) => {
      const found = await devicesByIds(ctx.db, queries.map((q) => q.obj.deviceId));
      return queries.map((q) => found.get(q.obj.deviceId) ?? null);
    },
  },
};
