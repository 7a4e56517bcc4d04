// Follows alarm.operations into an AlarmBook for as long as its reader runs: every replica of the
// notifier and of the API reads the whole topic (a group of its own, never committed, from the
// start). `caughtUp` resolves once the records that existed at start are applied, so a notifier
// does not page an anomaly that an existing silence covers just because it had not read it yet.
import type { Logger } from '../common/log.js';
import type { AlarmOperation } from '../schemas/types.js';
import type { Streams } from '../streams/index.js';
import { followCompacted } from '../streams/follow-compacted.js';
import { AlarmBook } from './alarm-book.js';

export const ALARM_FEED_DEFAULTS = { catchUpTimeoutMs: 60_000 }; // ms to apply what the topic held at start

export interface AlarmFeed {
  book: AlarmBook;
  /** Resolves when the topic's content at start is applied; rejects after catchUpTimeoutMs. */
  caughtUp: Promise<void>;
  isReady(): boolean;
  stop(): Promise<void>;
}

export async function followAlarmOperations(
  streams: Pick<Streams, 'consumer' | 'admin' | 'topics'>,
  opts: { groupPrefix: string; logger: Logger; onChange?: (key: string, op: AlarmOperation | null) => void; catchUpTimeoutMs?: number },
): Promise<AlarmFeed> {
  const book = new AlarmBook();
  const follower = await followCompacted<AlarmOperation>(streams, streams.topics.alarmOperations, {
    group: `${opts.groupPrefix}-alarms`,
    catchUp: { ms: opts.catchUpTimeoutMs ?? ALARM_FEED_DEFAULTS.catchUpTimeoutMs, code: 'ALARM_FEED_TIMEOUT' },
    onRecord: (key, op, r) => {
      // Avro guarantees the shape, not the sense (a regex that no longer compiles…): skip, say so.
      if (!book.apply(key, op)) opts.logger.warn('alarm operation skipped: not usable', { key, offset: r.offset });
      else opts.onChange?.(key, op);
    },
  });
  return { book, ...follower };
}
