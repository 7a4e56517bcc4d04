// How long alarm.operations keeps a record. The topic is compacted, so without tombstones every
// silence, window and acknowledgement ever made would stay on it, and in the memory of every
// notifier and API replica, for good. A silence or window is dropped a while after its end (the
// list of ended ones stays useful for a week); an acknowledgement once its anomaly is closed and
// older than telemetry.anomalies keeps its events: no replay can bring the anomaly back then.
import type { AlarmOperation } from '../schemas/types.js';
import { alarmOperationKey } from './alarm-book.js';
import { DAY_MS } from '../common/time-units.js';


export const ALARM_RETENTION_DEFAULTS = {
  endedKeepMs: 7 * DAY_MS, // ended silences and windows stay listed (includeEnded) this long
  ackKeepMs: 35 * DAY_MS, // telemetry.anomalies keeps 30 days (streams/topics.ts), plus a margin
};

/** Keys of the operations to tombstone now. stillOpen: whether an anomaly is open (its ack stays). */
export function expiredOperationKeys(ops: Iterable<AlarmOperation>, now: number, stillOpen: (anomalyId: string) => boolean, keep = ALARM_RETENTION_DEFAULTS): string[] {
  const keys: string[] = [];
  for (const op of ops) {
    const old = op.kind === 'ACKNOWLEDGEMENT' ? op.createdAt + keep.ackKeepMs <= now && !stillOpen(op.id) : op.endsAt !== null && op.endsAt + keep.endedKeepMs <= now;
    if (old) keys.push(alarmOperationKey(op));
  }
  return keys;
}
