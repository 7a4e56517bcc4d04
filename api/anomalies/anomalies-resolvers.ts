// Anomaly queries, the operators' mutations, and the loaders of an anomaly's acknowledgement
// and notes. A mutation's update goes out through the event bus, so the anomalies subscribers
// of every replica hear of it.

import { ApiError } from '../errors.js';
import { API_DEFAULTS } from '../defaults.js';
import { requireAuth, type ApiContext } from '../graphql/context.js';
import { listLimit } from '../paging.js';
import { acknowledgementOp } from '../alarms/alarm-ops.js';
import {
  acknowledge,
  acknowledgementsOf,
  anomaliesByIds,
  annotate,
  annotationsOf,
  listAnomalies,
  type AnomalyPage,
  type AnomalyRow,
} from './anomalies-query.js';
import type { MutationAcknowledgeAnomalyArgs, QueryAnomaliesArgs, QueryAnomalyArgs } from '../graphql/schema-types.js';

type Query = { obj: AnomalyRow };

export const anomaliesResolvers = {
  Query: {
    anomalies: (_: unknown, args: QueryAnomaliesArgs, ctx: ApiContext): Promise<AnomalyPage> => listAnomalies(ctx.db, args),
    anomaly: async (_: unknown, args: QueryAnomalyArgs, ctx: ApiContext): Promise<AnomalyRow | null> => (await anomaliesByIds(ctx.db, [args.id])).get(args.id) ?? null,
  },
  AnomalyConnection: {
    totalCount: (page: AnomalyPage) => page.countAll(),
  },
  Mutation: {
    acknowledgeAnomaly: async (_: unknown, args: MutationAcknowledgeAnomalyArgs, ctx: ApiContext) => {
      const who = requireAuth(ctx);
      const note = args.note?.trim() || null;
      if (note && note.length > API_DEFAULTS.annotationMaxChars) throw new ApiError('BAD_USER_INPUT', `note must have at most ${API_DEFAULTS.annotationMaxChars} characters`);
      const ack = await acknowledge(ctx.db, args.id, who.sub, note);
      // The notifier learns of it from alarm.operations: no re-page, no escalation. Acknowledging
      // again is harmless, so a failure here asks for just that.
      if (ctx.svc.alarms) {
        await ctx.svc.alarms.publish(acknowledgementOp(args.id, who.sub, note)).catch((err: unknown) => {
          throw new ApiError('INTERNAL', 'acknowledged, but the notifier could not be told (Kafka unavailable): acknowledge again to stop its pages', { canRetry: true, cause: err });
        });
      }
      const anomaly = (await anomaliesByIds(ctx.db, [args.id])).get(args.id)!;
      anomaly.acknowledgement = ack;
      anomaly.annotations = (await annotationsOf(ctx.db, [args.id], API_DEFAULTS.lists.annotations.max)).get(args.id) ?? [];
      await ctx.svc.events.publish({ kind: 'anomaly-update', update: { kind: 'ACKNOWLEDGED', anomaly, annotation: null } });
      return anomaly;
    },
    annotateAnomaly: async (_: unknown, args: { id: string; text: string }, ctx: ApiContext) => {
      const who = requireAuth(ctx);
      const text = args.text.trim();
      if (text.length === 0 || text.length > API_DEFAULTS.annotationMaxChars) {
        throw new ApiError('BAD_USER_INPUT', `text must have 1 to ${API_DEFAULTS.annotationMaxChars} characters`);
      }
      const annotation = await annotate(ctx.db, args.id, who.sub, text);
      const anomaly = (await anomaliesByIds(ctx.db, [args.id])).get(args.id)!;
      anomaly.acknowledgement = (await acknowledgementsOf(ctx.db, [args.id])).get(args.id) ?? null;
      anomaly.annotations = (await annotationsOf(ctx.db, [args.id], API_DEFAULTS.lists.annotations.max)).get(args.id) ?? [];
      await ctx.svc.events.publish({ kind: 'anomaly-update', update: { kind: 'ANNOTATED', anomaly, annotation } });
      return annotation;
    },
  },
};

export const anomaliesLoaders = {
  Anomaly: {
    // Subscription payloads carry these already (preloaded once per event, not per subscriber).
    acknowledgement: async (queries: Query[], ctx: ApiContext) => {
      const need = queries.filter((q) => q.obj.acknowledgement === undefined).map((q) => q.obj.id);
      const found = need.length > 0 ? await acknowledgementsOf(ctx.db, need) : new Map();
      return queries.map((q) => (q.obj.acknowledgement !== undefined ? q.obj.acknowledgement : (found.get(q.obj.id) ?? null)));
    },
    annotations: async (queries: Array<Query & { params: { limit?: number | null } }>, ctx: ApiContext) => {
      const limits = queries.map((q) => listLimit(q.params.limit, API_DEFAULTS.lists.annotations, 'Anomaly.annotations'));
      const need = queries.filter((q) => q.obj.annotations === undefined).map((q) => q.obj.id);
      const found = need.length > 0 ? await annotationsOf(ctx.db, need, Math.max(...limits)) : new Map();
      return queries.map((q, i) => (q.obj.annotations ?? found.get(q.obj.id) ?? []).slice(0, limits[i]));
    },
  },
};
