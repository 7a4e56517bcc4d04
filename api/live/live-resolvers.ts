// Subscriptions: live points, anomaly updates and health scores. Errors thrown here reach the
// client without the error formatter (mercurius sends them directly), so anything that is not
// already an ApiError is replaced by a bare INTERNAL.

import { ApiError } from '../errors.js';
import { API_DEFAULTS } from '../defaults.js';
import type { ApiContext } from '../graphql/context.js';
import { latestHealth } from '../health/health-query.js';
import { liveSubscriptionsStarted } from '../metrics.js';
import { parseSeriesIds } from '../series/series-ids.js';
import { seriesByIds } from '../series/series-query.js';
import { ANOMALY_TOPIC, anomalyFilterAccepts, healthTopicFor, type AnomalySubscriptionFilter } from './fanout.js';
import { liveTopicFor, type LivePoint } from './live-hub.js';
import { guarded, openSubscription } from './subscriptions.js';

async function liveSnapshot(ctx: ApiContext, ids: string[]): Promise<Array<{ live: LivePoint }>> {
  if (!ctx.svc.lastValues) return [];
  const series = await seriesByIds(ctx.db, ids);
  const values = await ctx.svc.lastValues.ofSeries([...series.values()].map((s) => ({ deviceId: s.deviceId, key: s.key })));
  const out: Array<{ live: LivePoint }> = [];
  for (const id of ids) {
    const s = series.get(id);
    const v = s && values.get(s.key);
    if (s && v) out.push({ live: { seriesId: id, seriesKey: s.key, ts: v.ts, value: v.value, snapshot: true } });
  }
  return out;
}

export const liveResolvers = {
  Subscription: {
    live: {
      subscribe: (_: unknown, args: { seriesIds: string[]; snapshot?: boolean | null }, ctx: ApiContext) =>
        guarded(ctx, 'live', async () => {
          const ids = parseSeriesIds(args.seriesIds, API_DEFAULTS.live.maxSeriesPerSubscription);
          if (ids.length === 0) throw new ApiError('BAD_USER_INPUT', 'live needs at least one series id');
          // Subscribe before reading the snapshot: a point arriving in between is then delivered
          // (after the snapshot) rather than lost.
          const snapshot: Array<{ live: LivePoint }> = [];
          const iterator = await openSubscription({
            field: 'live',
            pubsub: ctx.pubsub,
            topics: ids.map(liveTopicFor),
            counter: ctx.subscriptions,
            limit: ctx.svc.limits.subscriptionsPerConnection,
            snapshot,
          });
          if (args.snapshot !== false) snapshot.push(...(await liveSnapshot(ctx, ids)));
          liveSubscriptionsStarted.inc();
          return iterator;
        }),
    },
    anomalies: {
      subscribe: (_: unknown, args: { filter?: AnomalySubscriptionFilter | null }, ctx: ApiContext) =>
        guarded(ctx, 'anomalies', () =>
          openSubscription({
            field: 'anomalies',
            pubsub: ctx.pubsub,
            topics: [ANOMALY_TOPIC],
            counter: ctx.subscriptions,
            limit: ctx.svc.limits.subscriptionsPerConnection,
            accept: anomalyFilterAccepts(args.filter),
          }),
        ),
    },
    health: {
      subscribe: (_: unknown, args: { deviceIds: string[]; snapshot?: boolean | null }, ctx: ApiContext) =>
        guarded(ctx, 'health', async () => {
          const ids = [...new Set(args.deviceIds.map(String))];
          const max = API_DEFAULTS.live.maxDevicesPerSubscription;
          if (ids.length === 0) throw new ApiError('BAD_USER_INPUT', 'health needs at least one device id');
          if (ids.length > max) throw new ApiError('LIMIT_SERIES', `at most ${max} device ids per subscription, got ${ids.length}`, { detail: { limit: max } });
          const snapshot: unknown[] = [];
          const iterator = await openSubscription({
            field: 'health',
            pubsub: ctx.pubsub,
            topics: ids.map(healthTopicFor),
            counter: ctx.subscriptions,
            limit: ctx.svc.limits.subscriptionsPerConnection,
            snapshot,
          });
          if (args.snapshot !== false) {
            const latest = await latestHealth(ctx.db, ctx.svc.lastValues, ids);
            for (const id of ids) {
              const h = latest.get(id);
              if (h) snapshot.push({ health: h });
            }
          }
          return iterator;
        }),
    },
  },
};
