// JSON-lines logger. One line per event on stderr so stdout stays free for a command's own output
// (the dashboard URL, a bench's JSON line). Fields are flat; `err` is reduced to code and message
// so that no stack, secret or SQL leaks into a log shipper by accident.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

function envLevel(): LogLevel {
  const v = (process.env.LOG_LEVEL ?? 'info').toLowerCase();
  return v in order ? (v as LogLevel) : 'info';
}

function describeError(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return code === undefined ? { message: err.message } : { code, message: err.message };
  }
  return { message: String(err) };
}

export function createLogger(bound: Record<string, unknown> = {}, level: LogLevel = envLevel()): Logger {
  const write = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (order[lvl] < order[level]) return;
    const line: Record<string, unknown> = { time: new Date().toISOString(), level: lvl, msg, ...bound };
    if (fields) for (const [k, v] of Object.entries(fields)) line[k] = k === 'err' ? describeError(v) : v;
    process.stderr.write(JSON.stringify(line, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) + '\n');
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger({ ...bound, ...fields }, level),
  };
}
