// Resolvers: thin adapters from GraphQL arguments to the query modules, each behind requireAuth.
// Every role may read telemetry; role checks join here when mutations arrive.

import { ApiError } from '../errors.js';
import { API_DEFAULTS } from '../defaults.js';
import { liveSubscriptionsStarted } from '../metrics.js';
import { liveTopicFor } from '../live/live-hub.js';
import { queryReadings, validateReadingsRequest } from '../readings/readings-query.js';
import { parseSeriesIds } from '../series/series-ids.js';
import { querySeries } from '../series/series-query.js';
import { chargePoints, requireAuth, type ApiContext } from './context.js';
import { JsonScalar } from './schema.js';

interface SeriesArgs { search?: string | null; limit?: number | null }
interface ReadingsArgs { seriesIds: string[]; from: number; to: number; maxPoints?: number | null }
interface LiveArgs { seriesIds: string[] }

export const resolvers = {
  JSON: JsonScalar,
  Query: {
    series: async (_root: unknown, args: SeriesArgs, ctx: ApiContext) => {
      requireAuth(ctx);
      return querySeries(ctx.db, args);
    },
    readings: async (_root: unknown, args: ReadingsArgs, ctx: ApiContext) => {
      requireAuth(ctx);
      const request = validateReadingsRequest(args);
      chargePoints(ctx, request.seriesIds.length * request.maxPoints);
      return queryReadings(ctx.db, request);
    },
  },
  Subscription: {
    live: {
      // Errors thrown here reach the client without the error formatter (mercurius sends them
      // directly), so anything that is not already an ApiError is replaced by a bare INTERNAL.
      subscribe: async (_root: unknown, args: LiveArgs, ctx: ApiContext) => {
        requireAuth(ctx);
        try {
          const ids = parseSeriesIds(args.seriesIds, API_DEFAULTS.live.maxSeriesPerSubscription);
          if (ids.length === 0) throw new ApiError('BAD_USER_INPUT', 'live needs at least one series id');
          const iterator = await ctx.pubsub.subscribe(ids.map(liveTopicFor));
          liveSubscriptionsStarted.inc();
          return iterator;
        } catch (err) {
          if (err instanceof ApiError) throw err;
          ctx.logger.error('live subscription failed', { err });
          throw new ApiError('INTERNAL', 'internal error', { cause: err });
        }
      },
    },
  },
};
