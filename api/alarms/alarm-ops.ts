// Silences and maintenance windows made through the API. Event-sourced like the inventory: a change
// is a record on the compacted alarm.operations topic; every replica (and every notifier) builds
// its book from the topic. The replica that took the mutation applies the record to its own book
// as soon as Kafka acknowledged it, so the answer and the caller's next query already show it.
import { randomBytes } from 'node:crypto';
import type { AlarmBook } from '../../alarms/alarm-book.js';
import { alarmOperationKey, alarmOperationProblem } from '../../alarms/alarm-book.js';
import type { AlarmMatcher, AlarmOperation, AlarmRecurrence } from '../../schemas/types.js';
import type { Streams } from '../../streams/index.js';
import { ApiError } from '../errors.js';
import { DAY_MS } from '../../common/time-units.js';

export interface AlarmOps {
  book: AlarmBook;
  /** Resolves once Kafka acknowledged the record and this replica's book holds it. */
  publish(op: AlarmOperation): Promise<void>;
}

export function kafkaAlarmOps(streams: Pick<Streams, 'producer' | 'topics'>, book: AlarmBook): AlarmOps {
  return {
    book,
    async publish(op) {
      const key = alarmOperationKey(op);
      await streams.producer.send(streams.topics.alarmOperations, [{ key, value: op, timestamp: op.createdAt }]);
      book.apply(key, op);
    },
  };
}

export const ALARM_INPUT_LIMITS = { commentMaxChars: 1_000, maxSilenceDays: 90 } as const;

export interface MatcherInput { field: AlarmMatcher['field']; value: string; regex?: boolean | null }
export interface SilenceInput { matchers: MatcherInput[]; startsAt?: number | null; endsAt?: number | null; durationMinutes?: number | null; comment: string }
export interface MaintenanceInput { matchers: MatcherInput[]; startsAt?: number | null; endsAt?: number | null; recurrence?: AlarmRecurrence | null; comment: string }

function comment(text: string): string {
  const c = text.trim();
  if (c.length === 0 || c.length > ALARM_INPUT_LIMITS.commentMaxChars) throw new ApiError('BAD_USER_INPUT', `comment must have 1 to ${ALARM_INPUT_LIMITS.commentMaxChars} characters (say why, e.g. a ticket)`);
  return c;
}

function checked(op: AlarmOperation): AlarmOperation {
  const problem = alarmOperationProblem(op);
  if (problem) throw new ApiError('BAD_USER_INPUT', problem);
  return op;
}

const newId = (prefix: string) => `${prefix}-${randomBytes(6).toString('hex')}`;
const matchersOf = (list: MatcherInput[]): AlarmMatcher[] => list.map((m) => ({ field: m.field, value: m.value, regex: m.regex ?? false }));

export function silenceFromInput(input: SilenceInput, by: string, now = Date.now()): AlarmOperation {
  const startsAt = input.startsAt ?? now;
  if ((input.endsAt == null) === (input.durationMinutes == null)) throw new ApiError('BAD_USER_INPUT', 'give the silence either endsAt or durationMinutes');
  const endsAt = input.endsAt ?? startsAt + input.durationMinutes! * 60_000;
  if (endsAt - startsAt > ALARM_INPUT_LIMITS.maxSilenceDays * DAY_MS) throw new ApiError('BAD_USER_INPUT', `a silence lasts at most ${ALARM_INPUT_LIMITS.maxSilenceDays} days: use a maintenance window for what recurs`);
  if (endsAt <= now) throw new ApiError('BAD_USER_INPUT', 'the silence would already be over: endsAt must be in the future');
  return checked({ kind: 'SILENCE', id: newId('sil'), matchers: matchersOf(input.matchers), startsAt, endsAt, recurrence: null, comment: comment(input.comment), createdBy: by, createdAt: now, expiredBy: null });
}

export function maintenanceFromInput(input: MaintenanceInput, by: string, now = Date.now()): AlarmOperation {
  return checked({
    kind: 'MAINTENANCE', id: newId('mw'), matchers: matchersOf(input.matchers), startsAt: input.startsAt ?? now, endsAt: input.endsAt ?? null,
    recurrence: input.recurrence ?? null, comment: comment(input.comment), createdBy: by, createdAt: now, expiredBy: null,
  });
}

/** The operation ended now by `by` (kept, not deleted: the list shows who ended what). */
export function expired(op: AlarmOperation, by: string, now = Date.now()): AlarmOperation {
  return { ...op, endsAt: Math.max(op.startsAt, Math.min(op.endsAt ?? now, now)), expiredBy: by };
}

export function acknowledgementOp(anomalyId: string, by: string, note: string | null, now = Date.now()): AlarmOperation {
  return { kind: 'ACKNOWLEDGEMENT', id: anomalyId, matchers: [], startsAt: now, endsAt: null, recurrence: null, comment: note ?? '', createdBy: by, createdAt: now, expiredBy: null };
}
