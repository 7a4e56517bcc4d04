// JSON-lines logger on pino. One line per event on stderr so stdout stays free for a command's own
// output (the dashboard URL, a bench's JSON line); written at once, so the line that says why a
// role stops is out before it exits. Calls are (msg, fields): the project's call style, the
// same for every role. Errors keep their code, message, stack and causes; values under the paths of
// REDACTED_PATHS (passwords, tokens, keys, communities) are replaced before anything is written.
import { pino, stdSerializers, stdTimeFunctions, type DestinationStream, type Logger as PinoLogger } from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: readonly string[] = ['debug', 'info', 'warn', 'error'];

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

/** Field names whose values never reach a log, at the top level or one object down
 *  (`{ config: { password } }`), whatever code logged them. */
const SECRET_FIELDS = ['password', 'secret', 'token', 'authorization', 'cookie', 'community', 'authKey', 'privKey', 'apiKey', 'privateKey', 'passphrase', 'jwtSecret', 'mcpPassword', 'smtpPassword', 'kafkaSaslPassword', 'kafkaSslKey', 'kafkaSslKeyPassword'];
export const REDACTED_PATHS = [...SECRET_FIELDS, ...SECRET_FIELDS.map((f) => `*.${f}`), 'req.headers.authorization', 'headers.authorization'];
export const REDACTED = '(redacted)';

function envLevel(): LogLevel {
  const v = (process.env.LOG_LEVEL ?? 'info').toLowerCase();
  return LEVELS.includes(v) ? (v as LogLevel) : 'info';
}

// Through process.stderr.write (synchronous for files, pipes and terminals on Linux), looked up at
// each line: a test that captures stderr captures the log too.
const stderr: DestinationStream = { write: (line: string) => void process.stderr.write(line) };

// Bound fields are merged into each line here rather than through pino's child loggers: pino writes
// a key bound twice (a child's `role` over its parent's, a field named like a binding) twice in the
// same line, and log shippers disagree on which one wins. Here the innermost one does.
function wrap(p: PinoLogger, bound: Record<string, unknown>): Logger {
  const at = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (p.isLevelEnabled(level)) p[level](fields ? { ...bound, ...fields } : bound, msg);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (fields) => wrap(p, { ...bound, ...fields }) };
}

export function createLogger(bound: Record<string, unknown> = {}, level: LogLevel = envLevel()): Logger {
  const p = pino(
    {
      level,
      base: null, // no pid / hostname on every line: roles name themselves through `bound`
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: stdSerializers.err, error: stdSerializers.err },
      redact: { paths: REDACTED_PATHS, censor: REDACTED },
    },
    stderr,
  );
  return wrap(p, bound);
}
