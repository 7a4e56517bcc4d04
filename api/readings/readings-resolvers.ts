// readings, baselines, healthHistory and family: the fields that return columns, all charged to
// the request's point budget before they query.

import { baselineBands } from '../baselines/baselines-query.js';
import { familySeries, validateFamilyLimit, type Family } from '../families/family-query.js';
import { chargePoints, type ApiContext } from '../graphql/context.js';
import { healthHistory } from '../health/health-query.js';
import { ApiError } from '../errors.js';
import { parseSeriesIds } from '../series/series-ids.js';
import { queryReadings, resolveTier, validateHealthRange, validateMaxPoints, validateRange, validateReadingsRequest } from './readings-query.js';

interface ReadingsArgs { seriesIds: string[]; from: number; to: number; maxPoints?: number | null; tier?: string | null }

function parseDeviceIds(ids: readonly string[], max: number): string[] {
  const unique = [...new Set(ids.map(String))];
  if (unique.length > max) throw new ApiError('LIMIT_SERIES', `at most ${max} ids per field, got ${unique.length}`, { detail: { limit: max } });
  return unique;
}

export const readingsResolvers = {
  Query: {
    readings: async (_: unknown, args: ReadingsArgs, ctx: ApiContext) => {
      const request = validateReadingsRequest(args, ctx.svc.limits);
      chargePoints(ctx, request.seriesIds.length * request.maxPoints);
      return queryReadings(ctx.db, request);
    },
    baselines: async (_: unknown, args: { seriesIds: string[]; from: number; to: number }, ctx: ApiContext) => {
      const seriesIds = parseSeriesIds(args.seriesIds, ctx.svc.limits.maxSeriesPerField);
      validateRange(args.from, args.to);
      return baselineBands(ctx.db, { seriesIds, fromMs: args.from, toMs: args.to });
    },
    healthHistory: async (_: unknown, args: { deviceIds: string[]; from: number; to: number; maxPoints?: number | null }, ctx: ApiContext) => {
      const deviceIds = parseDeviceIds(args.deviceIds, ctx.svc.limits.maxSeriesPerField);
      const maxPoints = validateMaxPoints(args.maxPoints, ctx.svc.limits);
      validateRange(args.from, args.to);
      validateHealthRange(args.from, args.to, ctx.svc.limits);
      chargePoints(ctx, deviceIds.length * maxPoints);
      return healthHistory(ctx.db, { deviceIds, fromMs: args.from, toMs: args.to, maxPoints });
    },
    family: async (
      _: unknown,
      args: { family: Family; from: number; to: number; deviceIds?: string[] | null; metrics?: string[] | null; maxPoints?: number | null; limit?: number | null },
      ctx: ApiContext,
    ) => {
      validateRange(args.from, args.to);
      const maxPoints = validateMaxPoints(args.maxPoints ?? 500, ctx.svc.limits);
      const limit = validateFamilyLimit(args.limit);
      const tier = resolveTier(args.from, args.to, maxPoints, null, ctx.svc.limits);
      chargePoints(ctx, limit * maxPoints);
      const members = await familySeries(ctx.db, { family: args.family, fromMs: args.from, toMs: args.to, deviceIds: args.deviceIds, metrics: args.metrics, limit });
      const columns = await queryReadings(ctx.db, { seriesIds: members.map((m) => m.series.id), fromMs: args.from, toMs: args.to, maxPoints, tier });
      return { family: args.family, series: members.map((m, i) => ({ ...m, readings: columns[i] })) };
    },
  },
};
