// The latest health of devices.

import { ApiError } from '../errors.js';
import { API_DEFAULTS } from '../defaults.js';
import type { ApiContext } from '../graphql/context.js';
import { latestHealth } from './health-query.js';

export const healthResolvers = {
  Query: {
    health: async (_: unknown, args: { deviceIds: string[] }, ctx: ApiContext) => {
      const ids = [...new Set(args.deviceIds)];
      const max = API_DEFAULTS.live.maxDevicesPerSubscription;
      if (ids.length > max) throw new ApiError('LIMIT_SERIES', `at most ${max} device ids, got ${ids.length}`, { detail: { limit: max } });
      const found = await latestHealth(ctx.db, ctx.svc.lastValues, ids);
      return ids.flatMap((id) => found.get(id) ?? []);
    },
  },
  HealthScore: {
    components: (score: { components: unknown[] }) => score.components.slice(0, API_DEFAULTS.lists.healthComponents.max),
  },
};
