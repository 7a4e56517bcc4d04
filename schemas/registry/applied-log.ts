// A replica's view of the log: applies every record to a RegistryState in offset order and lets
// callers wait until a given offset is applied (their own append, or the end of the log).

import type { Logger } from '../../common/log.js';
import { RegistryError } from './errors.js';
import type { LogWrite } from './log-records.js';
import { RegistryState, type ApplyOutcome } from './registry-state.js';
import type { SchemaLog, SchemaLogRecord } from './schema-log.js';

export class AppliedLog {
  readonly state = new RegistryState();
  private applied = -1;
  private waiters: Array<{ offset: number; resolve: () => void }> = [];
  private readonly watched = new Map<string, ApplyOutcome | null>(); // proposal → its outcome

  constructor(
    private readonly log: SchemaLog,
    private readonly logger: Logger,
    private readonly timeoutMs: number,
  ) {}

  get topic(): string {
    return this.log.topic;
  }

  /** Starts applying the log; resolves once the end offset seen now is applied. */
  async start(readyTimeoutMs: number): Promise<number> {
    const end = await this.log.lastOffset();
    await this.log.start((record) => this.onRecord(record));
    await this.waitApplied(end, readyTimeoutMs);
    return end;
  }

  private onRecord(record: SchemaLogRecord): void {
    if (record.offset <= this.applied) return; // a re-delivery after a consumer restart
    if (record.key !== null) {
      try {
        const outcome = this.state.apply(record.key, record.value);
        if (outcome.kind === 'schema' && this.watched.has(outcome.proposal)) this.watched.set(outcome.proposal, outcome);
      } catch (err) {
        this.logger.warn('skipped an unreadable schema log record', { offset: record.offset, err });
      }
    }
    this.applied = record.offset;
    if (this.waiters.length > 0) {
      const due = this.waiters.filter((w) => w.offset <= this.applied);
      this.waiters = this.waiters.filter((w) => w.offset > this.applied);
      for (const w of due) w.resolve();
    }
  }

  private waitApplied(offset: number, timeoutMs = this.timeoutMs): Promise<void> {
    if (offset <= this.applied) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const message = `schema log ${this.log.topic}: offset ${offset} not applied within ${timeoutMs} ms (applied ${this.applied})`;
        reject(new RegistryError('STORE_TIMEOUT', message));
      }, timeoutMs);
      const waiter = { offset, resolve: () => (clearTimeout(timer), resolve()) };
      this.waiters.push(waiter);
    });
  }

  /** Waits until everything in the log now is applied. */
  async catchUp(): Promise<void> {
    let end: number;
    try {
      end = await this.log.lastOffset();
    } catch (err) {
      throw new RegistryError('STORE_ERROR', `schema log ${this.log.topic}: cannot read its end offset: ${(err as Error).message}`, { cause: err });
    }
    await this.waitApplied(end);
  }

  /** Appends records and waits until they are applied. */
  async append(records: LogWrite[]): Promise<void> {
    let last: number;
    try {
      last = await this.log.append(records);
    } catch (err) {
      throw new RegistryError('STORE_ERROR', `schema log ${this.log.topic}: append failed: ${(err as Error).message}`, { cause: err });
    }
    await this.waitApplied(last);
  }

  /** Appends one proposal and answers what applying it decided (null: nothing seen). */
  async propose(proposal: string, record: LogWrite): Promise<ApplyOutcome | null> {
    this.watched.set(proposal, null);
    try {
      await this.append([record]);
      return this.watched.get(proposal) ?? null;
    } finally {
      this.watched.delete(proposal);
    }
  }
}
