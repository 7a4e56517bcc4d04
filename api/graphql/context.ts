// What every resolver receives. HTTP requests are authenticated in a hook before execution;
// websocket connections in connection_init, where a failure is kept in `authFailure` so the
// client gets a coded GraphQL error on its first subscription instead of an opaque refusal.

import type pg from 'pg';
import type { Logger } from '../../common/log.js';
import type { TokenClaims } from '../auth/jwt.js';
import { ApiError } from '../errors.js';
import { API_DEFAULTS } from '../defaults.js';

export interface ClosableSocket {
  close(code?: number, reason?: string): void;
}

export interface ApiContext {
  db: Pick<pg.Pool, 'query'>;
  logger: Logger;
  auth: TokenClaims | null;
  authFailure?: ApiError;
  wsSocket?: ClosableSocket;
  pointsBudget: { remaining: number };
  // mercurius adds pubsub (subscribe for subscriptions) to the context
  pubsub: { subscribe(topics: string | string[]): Promise<AsyncIterable<unknown>> };
}

export const WS_CLOSE_UNAUTHORIZED = 4401; // graphql-ws CloseCode.Unauthorized: clients do not retry

/** Closes a websocket whose token failed, with 4401 and the reason, after `afterMs`. */
export function closeUnauthenticatedSocket(socket: ClosableSocket, failure: ApiError, afterMs: number): void {
  const reason = `UNAUTHENTICATED: ${failure.reason ?? 'TOKEN_INVALID'}`;
  setTimeout(() => socket.close(WS_CLOSE_UNAUTHORIZED, reason), afterMs).unref();
}

/** Returns the caller's claims or throws UNAUTHENTICATED; on a websocket, closes it shortly after. */
export function requireAuth(ctx: ApiContext): TokenClaims {
  if (ctx.auth) return ctx.auth;
  const failure = ctx.authFailure ?? new ApiError('UNAUTHENTICATED', 'authentication failed: no token was presented', { reason: 'TOKEN_MISSING' });
  // Just long enough for the error frame to leave before the close frame.
  if (ctx.wsSocket) closeUnauthenticatedSocket(ctx.wsSocket, failure, API_DEFAULTS.ws.closeAfterAuthFailureMs);
  throw failure;
}

/** Charges a request's point budget, so aliases cannot multiply the per-field cap. */
export function chargePoints(ctx: ApiContext, points: number): void {
  if (points > ctx.pointsBudget.remaining) {
    throw new ApiError(
      'POINTS_BUDGET_EXCEEDED',
      `this request asks for up to ${points} more points, over the ${API_DEFAULTS.readings.pointsBudgetPerRequest} a request may return; ask for fewer series or a smaller maxPoints`,
    );
  }
  ctx.pointsBudget.remaining -= points;
}

export function freshPointsBudget(): { remaining: number } {
  return { remaining: API_DEFAULTS.readings.pointsBudgetPerRequest };
}
