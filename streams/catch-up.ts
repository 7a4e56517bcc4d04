// Reading a topic "up to now": the end offsets taken before reading mark what existed then, and
// `caughtUp` resolves once every partition that held records has been read up to its mark (or
// rejects with `timeoutCode` after timeoutMs). Compacted topics read whole at start use it: the
// inventory a sync diffs against, the alarm operations a notifier must know before its first page.
import type { TopicAdmin } from './admin.js';
import { OpsError, type ErrorCode } from '../common/errors.js';

export interface CatchUp {
  /** Nothing to read: the topic was empty at start. */
  empty: boolean;
  caughtUp: Promise<void>;
  /** Call for every record read (tombstones and records without key too). */
  seen(r: { partition: number; offset: string }): void;
  /** Declares the rest read (a transactional topic whose tail holds no record a reader is handed). */
  finish(): void;
  /** Every partition read up to its mark, even after `caughtUp` timed out (a late catch-up still counts). */
  reached(): boolean;
}

/**
 * transactional: the topic is written in transactions, so each ends in a commit marker, an offset
 * no reader is handed: a partition is read once a record within one offset of its end is.
 */
export async function catchUpTo(admin: Pick<TopicAdmin, 'endOffsets'>, topic: string, timeout: { ms: number; code: ErrorCode }, opts: { transactional?: boolean } = {}): Promise<CatchUp> {
  const slack = opts.transactional ? 2n : 1n;
  const ends = await admin.endOffsets(topic);
  const pending = new Set([...ends].filter(([, end]) => end > 0n).map(([p]) => p));
  let done!: () => void;
  const reached = new Promise<void>((r) => (done = r));
  if (pending.size === 0) done();
  let timer: NodeJS.Timeout | undefined;
  const caughtUp = Promise.race([
    reached,
    new Promise<void>((_, reject) => {
      timer = setTimeout(() => reject(new OpsError(timeout.code, `reading ${topic} did not reach its end offsets within ${timeout.ms} ms`, { canRetry: true })), timeout.ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
  caughtUp.catch(() => undefined); // the caller awaits it or not; never an unhandled rejection
  return {
    empty: pending.size === 0,
    caughtUp,
    seen(r) {
      if (BigInt(r.offset) + slack >= (ends.get(r.partition) ?? 0n)) pending.delete(r.partition);
      if (pending.size === 0) done();
    },
    finish() {
      pending.clear();
      done();
    },
    reached: () => pending.size === 0,
  };
}
