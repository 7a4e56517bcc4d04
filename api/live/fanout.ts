// Fans the state topics out to this replica's subscribers: telemetry.anomalies records and the
// cross-replica anomaly updates (acknowledgements, notes) on one pubsub topic, telemetry.health
// records on a topic per device. Every replica consumes the topics itself; only what a person
// did on one replica travels through Redis (event-bus.ts).

import type pg from 'pg';
import type { Logger } from '../../common/log.js';
import type { AnomalyEvent, HealthScore } from '../../schemas/types.js';
import { API_DEFAULTS } from '../defaults.js';
import { acknowledgementsOf, annotationsOf, severityRank, type AnomalyRow } from '../anomalies/anomalies-query.js';
import type { AlarmBook } from '../../alarms/alarm-book.js';
import { suppressionsOf } from '../alarms/suppressions.js';
import type { ParentDownMark } from '../alarms/parent-down.js';
import { eventsFannedOut } from '../metrics.js';
import type { AnomalyUpdatePayload } from './event-bus.js';
import type { LivePublisher } from './live-hub.js';

export const ANOMALY_TOPIC = 'anomalies';
export const ALARM_OPERATIONS_TOPIC = 'alarm-operations';

/** Device ids are free text; mqemitter treats "/", "+" and "#" as topic syntax. */
export function healthTopicFor(deviceId: string): string {
  return `health/${encodeURIComponent(deviceId)}`;
}

export function anomalyRowFromEvent(e: AnomalyEvent): AnomalyRow {
  return {
    id: e.anomalyId,
    state: e.state,
    isOpen: e.state !== 'CLOSE',
    seriesKey: e.seriesKey,
    deviceId: e.deviceId,
    metric: e.metric,
    labels: e.labels,
    startedAt: e.startedAt,
    updatedAt: e.ts,
    endedAt: e.endedAt,
    severity: e.severity,
    peakSeverity: e.severity,
    score: e.score,
    peakScore: e.score,
    observed: e.observed,
    expected: e.expected,
    lower: e.lower,
    upper: e.upper,
    detector: e.detector,
    reason: e.reason,
    events: null,
  };
}

export interface AnomalySubscriptionFilter {
  deviceIds?: string[] | null;
  severities?: string[] | null;
  minSeverity?: string | null;
  states?: string[] | null;
}

export function anomalyFilterAccepts(f: AnomalySubscriptionFilter | null | undefined) {
  return (payload: { anomalies: AnomalyUpdatePayload }): boolean => {
    const a = payload.anomalies.anomaly;
    if (!f) return true;
    if (f.deviceIds?.length && !f.deviceIds.includes(a.deviceId)) return false;
    if (f.severities?.length && !f.severities.includes(a.severity)) return false;
    if (f.minSeverity && severityRank(a.severity) < severityRank(f.minSeverity)) return false;
    if (f.states?.length && !f.states.includes(a.state)) return false;
    return true;
  };
}

export class StateFanout {
  private publisher: LivePublisher | undefined;

  constructor(
    private readonly db: Pick<pg.Pool, 'query'>,
    private readonly logger: Logger,
    /** Silences and maintenance windows, when this replica follows alarm.operations. */
    private readonly alarms: AlarmBook | null = null,
    /** Parent-down marks of anomalies, when suppression is on (api/alarms/parent-down.ts). */
    private readonly parentDown: ((rows: AnomalyRow[]) => Promise<Map<string, ParentDownMark>>) | null = null,
  ) {}

  attach(publisher: LivePublisher): void {
    this.publisher = publisher;
  }

  /** A telemetry.anomalies record: what people already noted on it travels with it (one query per event, not per subscriber). */
  async publishAnomalyEvent(e: AnomalyEvent): Promise<void> {
    const row = anomalyRowFromEvent(e);
    try {
      const [acks, notes, held, parents] = await Promise.all([
        acknowledgementsOf(this.db, [e.anomalyId]),
        annotationsOf(this.db, [e.anomalyId], API_DEFAULTS.lists.annotations.max),
        this.alarms ? suppressionsOf(this.db, this.alarms, [row]) : null,
        this.parentDown ? this.parentDown([row]) : null,
      ]);
      row.acknowledgement = acks.get(e.anomalyId) ?? null;
      row.annotations = notes.get(e.anomalyId) ?? [];
      row.silenced = held?.get(e.anomalyId) ?? null;
      if (parents) row.parentDown = parents.get(e.anomalyId);
    } catch (err) {
      this.logger.warn('looking up acknowledgements of an anomaly event failed; sent without them', { err });
      row.acknowledgement = null;
      row.annotations = [];
    }
    this.publishAnomalyUpdate({ kind: 'EVENT', anomaly: row, annotation: null });
  }

  publishAnomalyUpdate(update: AnomalyUpdatePayload): void {
    this.requirePublisher().publish({ topic: ANOMALY_TOPIC, payload: { anomalies: update } });
    eventsFannedOut.inc({ kind: update.kind === 'EVENT' ? 'anomaly' : 'ack' });
  }

  /** A silence or maintenance window read from alarm.operations (every replica reads the topic). */
  publishAlarmOperation(payload: Record<string, unknown>): void {
    this.requirePublisher().publish({ topic: ALARM_OPERATIONS_TOPIC, payload });
  }

  publishHealth(score: HealthScore): void {
    this.requirePublisher().publish({ topic: healthTopicFor(score.deviceId), payload: { health: score } });
    eventsFannedOut.inc({ kind: 'health' });
  }

  private requirePublisher(): LivePublisher {
    if (!this.publisher) throw new Error('StateFanout used before the GraphQL plugin attached its pubsub');
    return this.publisher;
  }
}
