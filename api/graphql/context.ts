// What every resolver receives. HTTP requests are authenticated (and rate-limited) in a hook
// before execution; websocket connections in connection_init, where a failure is kept in
// `authFailure` so the client gets a coded GraphQL error on its first subscription instead of
// an opaque refusal. Roles, depth and cost are checked before execution (auth/document-check.ts).

import type pg from 'pg';
import type { Logger } from '../../common/log.js';
import type { UserRule } from '../../devices/rule-file.js';
import type { CredentialStore } from '../../credentials/credential-store.js';
import type { ApiKeyStore } from '../auth/api-keys.js';
import type { Principal } from '../auth/principal.js';
import type { InventoryPublisher } from '../admin/inventory.js';
import type { AlarmOps } from '../alarms/alarm-ops.js';
import { ApiError } from '../errors.js';
import { API_DEFAULTS, type ApiLimits } from '../defaults.js';
import type { EventBus } from '../live/event-bus.js';
import type { LastValuesReader } from '../live/last-values-reader.js';
import type { SubscriptionCounter, PubSubLike } from '../live/subscriptions.js';
import type { TopologyStore } from '../topology/topology-store.js';
import type { Upstream } from '../../alarms/parent-down.js';

export interface ClosableSocket {
  close(code?: number, reason?: string): void;
}

/** Built once per server, shared by every request. */
export interface ApiServices {
  db: Pick<pg.Pool, 'query'>;
  logger: Logger;
  limits: ApiLimits;
  apiKeys: ApiKeyStore;
  events: EventBus;
  lastValues: LastValuesReader | null;
  inventory: InventoryPublisher | null;
  credentials: CredentialStore | null;
  /** inventory.links as this replica read it (empty until the api role's feed fills it). */
  topology: TopologyStore;
  /** Silences, maintenance windows and acknowledgements on alarm.operations; null without Kafka. */
  alarms: AlarmOps | null;
  /** The anomaly rules in force (built-in files and RULES_DIR), as last read. */
  rules: () => readonly UserRule[];
  /** Where reachability starts for parent-down suppression; null: off. */
  parentDown: Upstream | null;
}

export interface ApiContext {
  db: Pick<pg.Pool, 'query'>;
  logger: Logger;
  svc: ApiServices;
  auth: Principal | null;
  authFailure?: ApiError;
  wsSocket?: ClosableSocket;
  subscriptions?: SubscriptionCounter;
  pointsBudget: { remaining: number; limit: number };
  // mercurius adds pubsub (subscribe for subscriptions) to the context
  pubsub: PubSubLike;
}

export const WS_CLOSE_UNAUTHORIZED = 4401; // graphql-ws CloseCode.Unauthorized: clients do not retry

/** Closes a websocket whose token failed, with 4401 and the reason, after `afterMs`. */
export function closeUnauthenticatedSocket(socket: ClosableSocket, failure: ApiError, afterMs: number): void {
  const reason = `UNAUTHENTICATED: ${failure.reason ?? 'TOKEN_INVALID'}`;
  setTimeout(() => socket.close(WS_CLOSE_UNAUTHORIZED, reason), afterMs).unref();
}

/** Returns the caller or throws UNAUTHENTICATED; on a websocket, closes it shortly after. */
export function requireAuth(ctx: ApiContext): Principal {
  if (ctx.auth) return ctx.auth;
  const failure = ctx.authFailure ?? new ApiError('UNAUTHENTICATED', 'authentication failed: no token was presented', { reason: 'TOKEN_MISSING' });
  // Just long enough for the error frame to leave before the close frame.
  if (ctx.wsSocket) closeUnauthenticatedSocket(ctx.wsSocket, failure, API_DEFAULTS.ws.closeAfterAuthFailureMs);
  throw failure;
}

/** Charges a request's point budget, so aliases cannot multiply the per-field cap. */
export function chargePoints(ctx: ApiContext, points: number): void {
  // Arguments are validated before they are charged; a charge that is not a positive count is a
  // bug, and must never give budget back (family(limit: -1000000) once did).
  if (!Number.isSafeInteger(points) || points < 0) throw new ApiError('INTERNAL', `points charged must be a count, got ${points}`);
  if (points > ctx.pointsBudget.remaining) {
    throw new ApiError(
      'LIMIT_POINTS_BUDGET',
      `this request asks for up to ${points} more points, over the ${ctx.pointsBudget.limit} a request may return; ask for fewer series or a smaller maxPoints`,
      { detail: { limit: ctx.pointsBudget.limit } },
    );
  }
  ctx.pointsBudget.remaining -= points;
}

export function freshPointsBudget(limits: Pick<ApiLimits, 'pointsPerRequest'>): { remaining: number; limit: number } {
  return { remaining: limits.pointsPerRequest, limit: limits.pointsPerRequest };
}
