// Shapes every GraphQL error a client sees: our ApiErrors keep their message and code; errors
// about the request itself (syntax, validation, variable coercion: they have no execution path)
// keep graphql-js' message as GRAPHQL_VALIDATION_FAILED; anything thrown during execution that
// is not an ApiError (a PostgreSQL error carrying SQL, a bug) becomes a bare INTERNAL, logged
// here with its details.

import { GraphQLError, type ExecutionResult, type FormattedExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { Logger } from '../../common/log.js';
import { ApiError } from '../errors.js';
import { errorsByCode, internalErrors } from '../metrics.js';

interface Shaped {
  error: GraphQLFormattedError;
  statusCode: number;
}

function shapeOne(err: GraphQLError, logger: Logger): Shaped {
  const original = err.originalError;
  const where = { locations: err.locations, path: err.path };
  if ((original as { code?: unknown } | undefined)?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return { error: { message: 'the request body is larger than this API accepts', extensions: { code: 'LIMIT_BODY' } }, statusCode: 413 };
  }
  if (original instanceof ApiError) {
    return { error: { message: original.message, ...where, extensions: original.extensions }, statusCode: original.statusCode };
  }
  if (err.path === undefined) {
    const status = (original as { statusCode?: unknown } | undefined)?.statusCode;
    return {
      error: { message: err.message, locations: err.locations, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
      statusCode: typeof status === 'number' && status >= 400 && status < 500 ? status : 400,
    };
  }
  internalErrors.inc();
  logger.error('resolver failed', { err: original ?? err, path: err.path.join('.') });
  return { error: { message: 'internal error', ...where, extensions: { code: 'INTERNAL' } }, statusCode: 500 };
}

function flatten(errors: readonly GraphQLError[]): GraphQLError[] {
  const out: GraphQLError[] = [];
  for (const err of errors) {
    // mercurius wraps parse and validation errors in one MER_ERR_GQL_VALIDATION with .errors
    const nested = (err.originalError as { errors?: unknown } | undefined)?.errors;
    if (Array.isArray(nested)) {
      for (const inner of nested) out.push(inner instanceof GraphQLError ? inner : new GraphQLError(String((inner as Error)?.message ?? inner)));
    } else out.push(err);
  }
  return out;
}

export function createErrorFormatter(logger: Logger) {
  return (execution: ExecutionResult & { errors: readonly GraphQLError[] }): { statusCode: number; response: FormattedExecutionResult } => {
    const shaped = flatten(execution.errors).map((err) => shapeOne(err, logger));
    for (const s of shaped) errorsByCode.inc({ code: String(s.error.extensions?.code ?? 'INTERNAL') });
    // GraphQL over HTTP: partial data is a 200; no data takes the status of the first error.
    const statusCode = execution.data ? 200 : (shaped[0]?.statusCode ?? 200);
    return {
      statusCode,
      response: { data: execution.data ?? null, errors: shaped.map((s) => s.error) },
    };
  };
}
