// The topology query and subscription, from the replica's TopologyStore.

import { API_DEFAULTS } from '../defaults.js';
import { requireAuth, type ApiContext } from '../graphql/context.js';
import { openSubscription } from '../live/subscriptions.js';
import type { Link } from '../../schemas/types.js';
import { TOPOLOGY_TOPIC } from './topology-store.js';

export const topologyResolvers = {
  Query: {
    topology: (_: unknown, args: { after?: string | null; limit?: number | null }, ctx: ApiContext) =>
      ctx.svc.topology.page(args.after ?? null, args.limit ?? API_DEFAULTS.lists.topologyLinks.default),
  },
  Subscription: {
    topology: {
      subscribe: async (_: unknown, __: unknown, ctx: ApiContext) => {
        requireAuth(ctx);
        return openSubscription({ field: 'topology', pubsub: ctx.pubsub, topics: [TOPOLOGY_TOPIC], counter: ctx.subscriptions, limit: ctx.svc.limits.subscriptionsPerConnection });
      },
    },
  },
  TopologyLink: {
    id: (l: Link) => l.linkId,
  },
};
