// The API's catalogue of errors. Every error a client can see carries one of these codes in
// `extensions.code`; anything else (a PostgreSQL error, a bug) is reported as INTERNAL with a
// generic message so that no SQL, stack or connection string reaches a response.

export const API_ERROR_CODES = [
  'UNAUTHENTICATED', // no usable token or key; extensions.reason says which (TOKEN_MISSING, ...)
  'FORBIDDEN', // authenticated, but the role may not do this; extensions.field names the field
  'BAD_USER_INPUT', // an argument is malformed (not a series id, from > to, ...)
  'NOT_FOUND', // the object a mutation names does not exist
  'LIMIT_MAX_POINTS', // maxPoints above the server's cap
  'LIMIT_SERIES', // more ids in one field than allowed
  'LIMIT_POINTS_BUDGET', // the whole request would return more points than allowed
  'LIMIT_RANGE', // from..to longer than the tier serving it may read; extensions.tier, limitDays
  'LIMIT_DEPTH', // the document nests deeper than allowed
  'LIMIT_COST', // the document's estimated cost is above the limit
  'LIMIT_RATE', // too many requests for this token or key; extensions.retryAfterMs
  'LIMIT_SUBSCRIPTIONS', // too many subscriptions on one connection
  'LIMIT_BODY', // the request body is larger than allowed
  'GRAPHQL_VALIDATION_FAILED', // the document does not parse or validate against the schema
  'NOT_CONFIGURED', // the replica lacks what this needs (credential store key, Kafka producer)
  'AUTH_UNAVAILABLE', // the identity provider's keys (JWKS) could not be fetched; canRetry
  'DATABASE_UNAVAILABLE', // PostgreSQL did not answer (readiness)
  'CONFIG_MISSING', // a required environment variable is not set
  'CONFIG_INVALID', // an environment variable is set to something unusable
  'INTERNAL', // anything unexpected; details only in the server log
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export const AUTH_FAILURE_REASONS = ['TOKEN_MISSING', 'TOKEN_INVALID', 'TOKEN_EXPIRED', 'API_KEY_INVALID'] as const;
export type AuthFailureReason = (typeof AUTH_FAILURE_REASONS)[number];

const HTTP_STATUS: Record<ApiErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
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
  CONFIG_MISSING: 500,
  CONFIG_INVALID: 500,
  INTERNAL: 500,
};

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly canRetry: boolean;
  readonly statusCode: number;
  readonly reason: string | undefined;
  /** More coded detail for the client (field, retryAfterMs, ...): never a secret, SQL or stack. */
  readonly detail: Record<string, string | number> | undefined;

  constructor(code: ApiErrorCode, message: string, opts: { canRetry?: boolean; reason?: string; cause?: unknown; detail?: Record<string, string | number> } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ApiError';
    this.code = code;
    this.canRetry = opts.canRetry ?? false;
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
