// Adapts the project's Logger to the pino-shaped logger Fastify and Mercurius call, so the API
// writes the same JSON lines as every other role. Pino-style calls are (obj, msg) or (msg); the
// objects Fastify passes (requests, replies) are circular, so only known, flat fields survive.

import type { Logger } from '../common/log.js';

type LogFn = (objOrMsg?: unknown, msg?: unknown) => void;

export interface FastifyCompatibleLogger {
  level: string;
  fatal: LogFn;
  error: LogFn;
  warn: LogFn;
  info: LogFn;
  debug: LogFn;
  trace: LogFn;
  silent: LogFn;
  child(bindings: Record<string, unknown>): FastifyCompatibleLogger;
}

function flatFields(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'err' || key === 'error') out.err = value;
    else if (key === 'req' && value && typeof value === 'object') {
      const r = value as { method?: unknown; url?: unknown };
      out.req = { method: r.method, url: r.url };
    } else if (key === 'res' && value && typeof value === 'object') {
      out.res = { statusCode: (value as { statusCode?: unknown }).statusCode };
    } else if (value === null || ['string', 'number', 'boolean', 'bigint'].includes(typeof value)) out[key] = value;
  }
  return out;
}

// A client's mistake (a refused token, a bad argument) is not a server error, however mercurius
// chose to log it: errors whose status (own or of the error they wrap) is 4xx go out as info.
function isClientError(err: unknown): boolean {
  const e = err as { statusCode?: unknown; originalError?: { statusCode?: unknown } } | null;
  const status = e?.statusCode ?? e?.originalError?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

// A subscription whose client went away (a wall page navigated, a socket closed) aborts its
// queue; mercurius reports that as an error, but nothing went wrong on our side.
function isClientGone(err: unknown): boolean {
  const e = err as { code?: unknown; name?: unknown } | null;
  return e?.code === 'ABORT_ERR' || e?.name === 'AbortError';
}

function adapt(logger: Logger, level: 'error' | 'warn' | 'info' | 'debug'): LogFn {
  const demoted = (err: unknown) => (level === 'error' && (isClientError(err) || isClientGone(err)) ? 'info' : level);
  return (objOrMsg, msg) => {
    if (Array.isArray(objOrMsg) && objOrMsg.every((e) => e instanceof Error)) {
      const errors = objOrMsg;
      const lvl = errors.every(isClientError) ? demoted(errors[0]) : level;
      logger[lvl](typeof msg === 'string' ? msg : 'graphql errors', { errors: errors.map((e) => e.message) });
    } else if (objOrMsg instanceof Error) {
      logger[demoted(objOrMsg)](typeof msg === 'string' ? msg : objOrMsg.message, { err: objOrMsg });
    } else if (objOrMsg !== null && typeof objOrMsg === 'object') {
      const fields = flatFields(objOrMsg as Record<string, unknown>);
      logger[fields.err === undefined ? level : demoted(fields.err)](typeof msg === 'string' ? msg : 'fastify', fields);
    } else {
      logger[level](String(objOrMsg));
    }
  };
}

export function fastifyLoggerFrom(logger: Logger): FastifyCompatibleLogger {
  return {
    level: (process.env.LOG_LEVEL ?? 'info').toLowerCase(),
    fatal: adapt(logger, 'error'),
    error: adapt(logger, 'error'),
    warn: adapt(logger, 'warn'),
    info: adapt(logger, 'info'),
    debug: adapt(logger, 'debug'),
    trace: () => {},
    silent: () => {},
    child: (bindings) => fastifyLoggerFrom(logger.child(flatFields(bindings))),
  };
}
