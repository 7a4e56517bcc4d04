// The API's errors. Every error a client can see carries one of its codes (their meanings in the
// one catalogue, common/error-codes/services.ts) in `extensions.code`; anything else (a PostgreSQL
// error, a bug) is reported as INTERNAL with a generic message so that no SQL, stack or connection
// string reaches a response. Here: each code's HTTP status.
import { OpsError } from '../common/errors.js';
import type { apiErrors, authFailureReasons } from '../common/error-codes/services.js';

export type ApiErrorCode = keyof typeof apiErrors | 'CONFIG_MISSING' | 'CONFIG_INVALID';
export type AuthFailureReason = keyof typeof authFailureReasons;

const HTTP_STATUS: Record<ApiErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  LIMIT_MAX_POINTS: 400,
  LIMIT_SERIES: 400,
  LIMIT_POINTS_BUDGET: 400,
  LIMIT_RANGE: 400,
  LIMIT_DEPTH: 400,
  LIMIT_COST: 400,
  LIMIT_RATE: 429,
  LIMIT_SUBSCRIPTIONS: 400,
  LIMIT_BODY: 413,
  GRAPHQL_VALIDATION_FAILED: 400,
  NOT_CONFIGURED: 503,
  AUTH_UNAVAILABLE: 503,
  DATABASE_UNAVAILABLE: 503,
  DEPENDENCY_UNAVAILABLE: 503,
  CONFIG_MISSING: 500,
  CONFIG_INVALID: 500,
  INTERNAL: 500,
};

export class ApiError extends OpsError {
  declare readonly code: ApiErrorCode;
  readonly statusCode: number;
  readonly reason: string | undefined;
  /** More coded detail for the client (field, retryAfterMs, ...): never a secret, SQL or stack. */
  readonly detail: Record<string, string | number> | undefined;

  constructor(code: ApiErrorCode, message: string, opts: { canRetry?: boolean; reason?: string; cause?: unknown; detail?: Record<string, string | number> } = {}) {
    super(code, message, opts);
    this.name = 'ApiError';
    this.statusCode = HTTP_STATUS[code];
    this.reason = opts.reason;
    this.detail = opts.detail;
  }

  // graphql-js copies `extensions` of a thrown error into the GraphQLError it builds, which is
  // what lets subscription errors (sent by mercurius without our formatter) keep their codes.
  get extensions(): Record<string, string | number> {
    return { code: this.code, ...(this.reason === undefined ? {} : { reason: this.reason }), ...this.detail };
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

/** The body of a GraphQL-over-HTTP error response for an error raised outside execution. */
export function graphqlErrorBody(err: ApiError): { data: null; errors: Array<{ message: string; extensions: Record<string, string | number> }> } {
  return { data: null, errors: [{ message: err.message, extensions: err.extensions }] };
}
