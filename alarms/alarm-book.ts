// The operators' alarm decisions as the compacted alarm.operations topic holds them: latest record
// per key wins, a tombstone deletes. The notifier asks it what not to page, the API what to show
// as silenced; both fill it by reading the topic from the start, so a restart or a replay rebuilds
// it. "In force" is decided from the time asked about, never from when a record arrived: a silence
// ends at its end time without anyone touching it.
import type { AlarmOperation, AlarmOperationKind } from '../schemas/types.js';
import { matcherProblem, matchesAll, MATCHER_LIMITS, type AlarmFacts } from './alarm-match.js';
import { inRecurrence, recurrenceProblem } from './recurrence.js';

export interface Suppression {
  kind: 'SILENCE' | 'MAINTENANCE';
  id: string;
  comment: string;
  createdBy: string;
  endsAt: number | null;
}

const KEY_PREFIX: Record<AlarmOperationKind, string> = { SILENCE: 'silence', MAINTENANCE: 'maintenance', ACKNOWLEDGEMENT: 'ack' };

export function alarmOperationKey(op: Pick<AlarmOperation, 'kind' | 'id'>): string {
  return `${KEY_PREFIX[op.kind]}:${op.id}`;
}

/** Why an operation cannot be applied, or null. The API refuses it; a reader skips it. */
export function alarmOperationProblem(op: AlarmOperation): string | null {
  if (op.kind === 'ACKNOWLEDGEMENT') return op.id ? null : 'an acknowledgement needs the anomaly id';
  if (op.matchers.length === 0) return 'at least one matcher is needed (a silence of everything would hide every page)';
  if (op.matchers.length > MATCHER_LIMITS.maxMatchers) return `at most ${MATCHER_LIMITS.maxMatchers} matchers`;
  for (const [i, m] of op.matchers.entries()) {
    const problem = matcherProblem(m, `matchers[${i}]`);
    if (problem) return problem;
  }
  if (op.kind === 'SILENCE' && op.endsAt === null) return 'a silence needs an end time';
  if (op.kind === 'SILENCE' && op.recurrence) return 'a silence does not recur: use a maintenance window';
  if (op.kind === 'MAINTENANCE' && op.matchers.some((m) => m.field !== 'DEVICE' && m.field !== 'SITE')) return 'a maintenance window matches on DEVICE or SITE only';
  if (op.kind === 'MAINTENANCE' && op.recurrence === null && op.endsAt === null) return 'a one-off maintenance window needs an end time';
  if (op.endsAt !== null && op.endsAt <= op.startsAt && op.expiredBy === null) return 'the end time must be after the start time';
  if (op.recurrence) return recurrenceProblem(op.recurrence);
  return null;
}

/** Whether the operation is in force at instant t. */
export function inForceAt(op: AlarmOperation, t: number): boolean {
  if (t < op.startsAt || (op.endsAt !== null && t >= op.endsAt)) return false;
  return op.recurrence ? inRecurrence(op.recurrence, t) : true;
}

export class AlarmBook {
  // One map per kind: acknowledgements pile up by the thousand, and the page check must not walk them.
  private readonly ops: Record<AlarmOperationKind, Map<string, AlarmOperation>> = { SILENCE: new Map(), MAINTENANCE: new Map(), ACKNOWLEDGEMENT: new Map() };

  /** A record of the topic: value null is a tombstone. Returns false for a record it cannot use. */
  apply(key: string, op: AlarmOperation | null): boolean {
    if (op === null) {
      for (const m of Object.values(this.ops)) m.delete(key);
      return true;
    }
    if (alarmOperationProblem(op) !== null) return false;
    this.ops[op.kind].set(key, op);
    return true;
  }

  get(kind: AlarmOperationKind, id: string): AlarmOperation | undefined {
    return this.ops[kind].get(alarmOperationKey({ kind, id }));
  }

  list(kind: AlarmOperationKind): AlarmOperation[] {
    return [...this.ops[kind].values()];
  }

  acknowledged(anomalyId: string): boolean {
    return this.ops.ACKNOWLEDGEMENT.has(alarmOperationKey({ kind: 'ACKNOWLEDGEMENT', id: anomalyId }));
  }

  /**
   * What keeps an anomaly from being paged: a silence in force at `at` (now, or the event's time),
   * else a maintenance window that was in force when the anomaly opened (`openedAt`).
   */
  suppressionOf(facts: AlarmFacts, at: number, openedAt: number): Suppression | null {
    // Matchers first: they rule out most operations for a fraction of a recurrence's time-zone maths.
    for (const op of this.ops.SILENCE.values()) {
      if (matchesAll(op.matchers, facts) && inForceAt(op, at)) return suppression(op);
    }
    for (const op of this.ops.MAINTENANCE.values()) {
      if (matchesAll(op.matchers, facts) && inForceAt(op, openedAt)) return suppression(op);
    }
    return null;
  }
}

function suppression(op: AlarmOperation): Suppression {
  return { kind: op.kind as Suppression['kind'], id: op.id, comment: op.comment, createdBy: op.createdBy, endsAt: op.endsAt };
}
