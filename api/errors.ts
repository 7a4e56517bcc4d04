// The API's catalogue of errors. Every error a client can see carries one of these codes in
// `extensions.code`; anything else (a PostgreSQL error, a bug) is reported as INTERNAL with a
// generic message so that no SQL, stack or connection string reaches a response.

export const API_ERROR_CODES = [
  'UNAUTHENTICATED', // no usable token; extensions.reason says which (TOKEN_MISSING, ...)
  'FORBIDDEN', // authenticated, but the role may not do this
  'BAD_USER_INPUT', // an argument is malformed (not a series id, from > to, ...)
  'MAX_POINTS_EXCEEDED', // readings(maxPoints) above the server's cap
  'TOO_MANY_SERIES', // more series ids than one request may ask for
  'POINTS_BUDGET_EXCEEDED', // the whole request would return more points than allowed
  'GRAPHQL_VALIDATION_FAILED', // the document does not parse or validate against the schema
  'DATABASE_UNAVAILABLE', // PostgreSQL did not answer (readiness)
  'CONFIG_MISSING', // a required environment variable is not set
  'CONFIG_INVALID', // an environment variable is set to something unusable
  'NOT_FOUND',
  'INTERNAL', // anything unexpected; details only in the server log
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export const AUTH_FAILURE_REASONS = ['TOKEN_MISSING', 'TOKEN_INVALID', 'TOKEN_EXPIRED'] as const;
export type AuthFailureReason = (typeof AUTH_FAILURE_REASONS)[number];

const HTTP_STATUS: Record<ApiErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  MAX_POINTS_EXCEEDED: 400,
  TOO_MANY_SERIES: 400,
  POINTS_BUDGET_EXCEEDED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  DATABASE_UNAVAILABLE: 503,
  CONFIG_MISSING: 500,
  CONFIG_INVALID: 500,
  NOT_FOUND: 404,
  INTERNAL: 500,
};

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly canRetry: boolean;
  readonly statusCode: number;
  readonly reason: string | undefined;

  constructor(code: ApiErrorCode, message: string, opts: { canRetry?: boolean; reason?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ApiError';
    this.code = code;
    this.canRetry = opts.canRetry ?? false;
    this.statusCode = HTTP_STATUS[code];
    this.reason = opts.reason;
  }

  // graphql-js copies `extensions` of a thrown error into the GraphQLError it builds, which is
  // what lets subscription errors (sent by mercurius without our formatter) keep their codes.
  get extensions(): Record<string, string> {
    return this.reason === undefined ? { code: this.code } : { code: this.code, reason: this.reason };
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

/** The body of a GraphQL-over-HTTP error response for an error raised outside execution. */
export function graphqlErrorBody(err: ApiError): { data: null; errors: Array<{ message: string; extensions: Record<string, string> }> } {
  return { data: null, errors: [{ message: err.message, extensions: err.extensions }] };
}
