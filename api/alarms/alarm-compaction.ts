// Tombstones for alarm.operations records past their retention (alarms/alarm-retention.ts), sent
// by every API replica on a timer: a tombstone sent twice (two replicas, a restart) deletes the
// same key twice, which is harmless, so no replica needs to be elected. An acknowledgement stays
// while its anomaly is open in anomaly_events, however old.
import { expiredOperationKeys } from '../../alarms/alarm-retention.js';
import type { AlarmBook } from '../../alarms/alarm-book.js';
import type { Logger } from '../../common/log.js';
import type { Streams } from '../../streams/index.js';
import type { ApiServices } from '../graphql/context.js';
import { HOUR_MS } from '../../common/time-units.js';

export const ALARM_COMPACTION_DEFAULTS = { everyMs: HOUR_MS, firstAfterMs: 60_000 }; // hourly; first a minute after start

export async function compactAlarmOperations(db: ApiServices['db'], streams: Pick<Streams, 'producer' | 'topics'>, book: AlarmBook, now = Date.now()): Promise<string[]> {
  const acks = book.list('ACKNOWLEDGEMENT').map((op) => op.id);
  const open = acks.length > 0 ? new Set((await db.query<{ id: string }>(`select anomaly_id as id from anomaly_events where anomaly_id = any($1::text[]) and state <> 'CLOSE'`, [acks])).rows.map((r) => r.id)) : new Set<string>();
  const ops = [...book.list('SILENCE'), ...book.list('MAINTENANCE'), ...book.list('ACKNOWLEDGEMENT')];
  const keys = expiredOperationKeys(ops, now, (id) => open.has(id));
  if (keys.length === 0) return keys;
  await streams.producer.sendRaw(streams.topics.alarmOperations, keys.map((key) => ({ key, value: null })));
  for (const key of keys) book.apply(key, null);
  return keys;
}

/** Runs compactAlarmOperations on a timer until the returned stop is called; failures are logged and retried next time. */
export function scheduleAlarmCompaction(db: ApiServices['db'], streams: Pick<Streams, 'producer' | 'topics'>, book: AlarmBook, logger: Logger, every = ALARM_COMPACTION_DEFAULTS): () => void {
  const run = () =>
    compactAlarmOperations(db, streams, book).then(
      (keys) => keys.length > 0 && logger.info('alarm operations past their retention tombstoned', { count: keys.length }),
      (err) => logger.warn('tombstoning old alarm operations failed; tried again later', { err }),
    );
  const first = setTimeout(run, every.firstAfterMs);
  const timer = setInterval(run, every.everyMs);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
