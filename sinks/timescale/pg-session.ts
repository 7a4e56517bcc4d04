// One PostgreSQL connection that survives the server going away: work runs through `run`, which
// on a connection-level failure drops the client, waits (exponential backoff with full jitter),
// reconnects and runs the work again from the start. The work must therefore be a whole
// transaction or idempotent. While it waits, Kafka consumption of the partition in hand is
// effectively paused (the batch handler has not returned) and the group session is kept alive
// by `beforeRetry` (a heartbeat). Row-level rejections are not retried here: they are data.
import pg from 'pg';
import type { Logger } from '../../common/log.js';
import { OpsError } from '../../common/errors.js';
import { backoffDelayMs, sleep } from '../../common/retry.js';

export const RETRY_DEFAULTS = {
  baseDelayMs: 250, // first retry waits up to this
  maxDelayMs: 10_000, // the backoff stops growing here
  connectTimeoutMs: 5_000,
};

/** SQLSTATE classes of a row PostgreSQL refuses (data exception, integrity, program limit). */
export function isRowRejection(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^(22|23|54)/.test(code);
}

/** Failures that trying again later can cure: the connection, the server restarting, contention. */
export function isTransient(err: unknown): boolean {
  if (err instanceof OpsError) return err.canRetry;
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return true; // ECONNREFUSED, ECONNRESET, EPIPE...
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return /^(08|57P|40|53|58)/.test(code);
  // The client noticing the connection ended, or its connect timeout: the server is not
  // reachable right now. Anything else (a bug, a syntax error) is not cured by waiting.
  return err instanceof Error && /connection|terminated|timeout|not queryable/i.test(err.message);
}


/** What a session needs of a connection: pg.Client, or one living on a worker thread. */
export interface SessionClient {
  connect(): Promise<unknown>;
  end(): Promise<void>;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

export interface PgSessionOptions<C extends SessionClient = pg.Client> {
  url: string;
  applicationName: string;
  logger: Logger;
  /** Builds an unconnected client (default: a pg.Client on this thread). */
  create?: (o: { url: string; applicationName: string; connectTimeoutMs: number }) => C;
}

export class PgSession<C extends SessionClient = pg.Client> {
  private current: C | undefined;
  private connecting: Promise<C> | undefined;
  /** False from a failure until the next success: feeds /readyz. */
  healthy = true;

  constructor(private readonly opts: PgSessionOptions<C>) {}

  private build(): C {
    const o = { url: this.opts.url, applicationName: this.opts.applicationName, connectTimeoutMs: RETRY_DEFAULTS.connectTimeoutMs };
    if (this.opts.create) return this.opts.create(o);
    return new pg.Client({ connectionString: o.url, application_name: o.applicationName, connectionTimeoutMillis: o.connectTimeoutMs }) as unknown as C;
  }

  async client(): Promise<C> {
    if (this.current) return this.current;
    this.connecting ??= (async () => {
      const c = this.build();
      // An idle connection killed by a server restart emits 'error'; unhandled, it would end the process.
      c.on('error', (err) => {
        this.opts.logger.warn('PostgreSQL connection lost', { err });
        if (this.current === c) this.current = undefined;
      });
      try {
        await c.connect();
      } catch (err) {
        await c.end().catch(() => undefined);
        throw err;
      }
      this.current = c;
      return c;
    })().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  discard(): void {
    const c = this.current;
    this.current = undefined;
    void c?.end().catch(() => undefined);
  }

  /** Runs `work`, retrying transient failures until it succeeds or `shouldStop` says to give up. */
  async run<T>(what: string, work: (c: C) => Promise<T>, o: { shouldStop?: () => boolean; beforeRetry?: () => Promise<void> } = {}): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await work(await this.client());
        if (!this.healthy) this.opts.logger.info('PostgreSQL reachable again', { what, attempts: attempt + 1 });
        this.healthy = true;
        return result;
      } catch (err) {
        if (!isTransient(err) || isRowRejection(err)) throw err;
        this.healthy = false;
        this.discard();
        if (o.shouldStop?.()) throw new OpsError('SINK_WRITE_FAILED', `${what}: stopping while PostgreSQL is unavailable (${(err as Error).message})`, { canRetry: true, cause: err });
        const delay = backoffDelayMs(attempt, { ...RETRY_DEFAULTS, jitter: 'equal' }); // equal jitter: never at once
        this.opts.logger.warn('PostgreSQL unavailable; retrying', { what, attempt: attempt + 1, delayMs: Math.round(delay), err });
        await sleep(delay);
        await o.beforeRetry?.();
      }
    }
  }

  async close(): Promise<void> {
    const c = this.current;
    this.current = undefined;
    await c?.end().catch(() => undefined);
  }
}
