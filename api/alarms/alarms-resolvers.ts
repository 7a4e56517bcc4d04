// Silences and maintenance windows: lists read from this replica's book (built from
// alarm.operations), mutations publish a record, subscriptions hear every record any replica or
// tool wrote. Anomaly.silenced says what holds a page back now, judged by the same rules as the
// notifier (alarms/alarm-book.ts) with the device's site and role from the devices table.
import { inForceAt, type Suppression } from '../../alarms/alarm-book.js';
import type { AlarmOperation } from '../../schemas/types.js';
import { API_DEFAULTS } from '../defaults.js';
import { ApiError } from '../errors.js';
import { requireAuth, type ApiContext } from '../graphql/context.js';
import { ALARM_OPERATIONS_TOPIC } from '../live/fanout.js';
import { guarded, openSubscription } from '../live/subscriptions.js';
import { listLimit } from '../paging.js';
import type { AnomalyRow } from '../anomalies/anomalies-query.js';
import { suppressionsOf } from './suppressions.js';
import { parentDownMarks, type ParentDownMark } from './parent-down.js';
import { expired, maintenanceFromInput, silenceFromInput, type AlarmOps, type MaintenanceInput, type SilenceInput } from './alarm-ops.js';

type Kind = 'SILENCE' | 'MAINTENANCE';

function alarmOps(ctx: ApiContext): AlarmOps {
  if (!ctx.svc.alarms) throw new ApiError('NOT_CONFIGURED', 'this API replica has no Kafka producer for alarm.operations');
  return ctx.svc.alarms;
}

/** The GraphQL view of a record: its fields, and whether it is in force now. */
export function alarmView(op: AlarmOperation, now = Date.now()) {
  return { ...op, active: inForceAt(op, now) };
}

function listOf(kind: Kind, args: { includeEnded?: boolean | null; first?: number | null }, ctx: ApiContext) {
  requireAuth(ctx);
  const first = listLimit(args.first, API_DEFAULTS.lists.alarmOperations, kind === 'SILENCE' ? 'silences' : 'maintenance');
  const now = Date.now();
  return alarmOps(ctx)
    .book.list(kind)
    .filter((op) => args.includeEnded || op.endsAt === null || op.endsAt > now)
    .sort((a, b) => b.createdAt - a.createdAt)
    .slice(0, first)
    .map((op) => alarmView(op, now));
}

async function expire(kind: Kind, id: string, ctx: ApiContext) {
  const who = requireAuth(ctx);
  const ops = alarmOps(ctx);
  const op = ops.book.get(kind, id);
  if (!op) throw new ApiError('NOT_FOUND', `no ${kind === 'SILENCE' ? 'silence' : 'maintenance window'} ${id.slice(0, 80)}`);
  const ended = expired(op, who.sub);
  await ops.publish(ended);
  return alarmView(ended);
}

async function create(op: AlarmOperation, ctx: ApiContext) {
  await alarmOps(ctx).publish(op);
  return alarmView(op);
}

function subscribeTo(field: 'silences' | 'maintenance', ctx: ApiContext) {
  return guarded(ctx, field, () =>
    openSubscription({
      field,
      pubsub: ctx.pubsub,
      topics: [ALARM_OPERATIONS_TOPIC],
      counter: ctx.subscriptions,
      limit: ctx.svc.limits.subscriptionsPerConnection,
      accept: (payload: Record<string, unknown>) => payload[field] !== undefined,
    }),
  );
}

export const alarmsResolvers = {
  Query: {
    silences: (_: unknown, args: { includeEnded?: boolean | null; first?: number | null }, ctx: ApiContext) => listOf('SILENCE', args, ctx),
    maintenance: (_: unknown, args: { includeEnded?: boolean | null; first?: number | null }, ctx: ApiContext) => listOf('MAINTENANCE', args, ctx),
  },
  Mutation: {
    createSilence: (_: unknown, args: { input: SilenceInput }, ctx: ApiContext) => create(silenceFromInput(args.input, requireAuth(ctx).sub), ctx),
    expireSilence: (_: unknown, args: { id: string }, ctx: ApiContext) => expire('SILENCE', args.id, ctx),
    createMaintenance: (_: unknown, args: { input: MaintenanceInput }, ctx: ApiContext) => create(maintenanceFromInput(args.input, requireAuth(ctx).sub), ctx),
    expireMaintenance: (_: unknown, args: { id: string }, ctx: ApiContext) => expire('MAINTENANCE', args.id, ctx),
  },
  Subscription: {
    silences: { subscribe: (_: unknown, __: unknown, ctx: ApiContext) => subscribeTo('silences', ctx) },
    maintenance: { subscribe: (_: unknown, __: unknown, ctx: ApiContext) => subscribeTo('maintenance', ctx) },
  },
};

/** The pubsub payload of a record read from alarm.operations (acknowledgements have none). */
export function alarmOperationPayload(op: AlarmOperation): Record<string, unknown> | null {
  if (op.kind === 'SILENCE') return { silences: alarmView(op) };
  if (op.kind === 'MAINTENANCE') return { maintenance: alarmView(op) };
  return null;
}

export const alarmsLoaders = {
  Anomaly: {
    // One devices query per batch of anomalies (a page of the list, one subscription event).
    // Subscription events carry it already (fanout.ts: once per event, not per subscriber).
    silenced: async (queries: Array<{ obj: AnomalyRow }>, ctx: ApiContext) => {
      const need = queries.filter((q) => q.obj.silenced === undefined).map((q) => q.obj);
      const found = ctx.svc.alarms && need.length > 0 ? await suppressionsOf(ctx.db, ctx.svc.alarms.book, need) : new Map<string, Suppression | null>();
      return queries.map((q) => (q.obj.silenced !== undefined ? q.obj.silenced : (found.get(q.obj.id) ?? null)));
    },
    suppressedBy: async (queries: Array<{ obj: AnomalyRow }>, ctx: ApiContext) => (await parentDownOf(queries, ctx)).map((m) => m.suppressedBy),
    suppressing: async (queries: Array<{ obj: AnomalyRow }>, ctx: ApiContext) => (await parentDownOf(queries, ctx)).map((m) => m.suppressing),
  },
};

async function parentDownOf(queries: Array<{ obj: AnomalyRow }>, ctx: ApiContext): Promise<ParentDownMark[]> {
  const need = queries.filter((q) => q.obj.parentDown === undefined).map((q) => q.obj);
  const found = need.length > 0 ? await parentDownMarks(ctx.db, ctx.svc.topology, ctx.svc.parentDown, need) : new Map<string, ParentDownMark>();
  return queries.map((q) => q.obj.parentDown ?? found.get(q.obj.id) ?? { suppressedBy: null, suppressing: 0 });
}
