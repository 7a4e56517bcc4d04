// The state topics into their tables: inventory.devices → devices, telemetry.baselines →
// baselines (current per series), telemetry.anomalies → anomaly_events (OPEN / UPDATE / CLOSE
// merged by id), telemetry.health → health_scores (+ the health per device in Redis). Every
// write is an upsert in which a newer event wins and an older or repeated one changes nothing, so
// at-least-once delivery (a redelivery after a crash, a replay of the log) gives the same rows.
import client from 'prom-client';
import type pg from 'pg';
import type { InRecord } from '../../streams/index.js';
import type { AnomalyEvent, Baseline, Device, HealthScore } from '../../schemas/types.js';
import type { LastValues } from '../redis/last-values.js';

const stateRows = new client.Counter({ name: 'oc_sink_state_rows_total', help: 'state records upserted', labelNames: ['table'] });

/** The last record per key within a batch: one upsert may not touch a row twice. */
function lastPerKey<T>(items: T[], key: (t: T) => string): T[] {
  return [...new Map(items.map((t) => [key(t), t])).values()];
}

const ts = (ms: number | null) => (ms === null ? null : new Date(ms));

export async function upsertHealth(db: pg.ClientBase, scores: HealthScore[]): Promise<void> {
  const rows = lastPerKey(scores, (s) => `${s.deviceId}@${s.ts}`);
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO health_scores (device_id, ts, score, components)
     SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::float8[], $4::jsonb[])
     ON CONFLICT (device_id, ts) DO UPDATE SET score = EXCLUDED.score, components = EXCLUDED.components`,
    [rows.map((r) => r.deviceId), rows.map((r) => ts(r.ts)), rows.map((r) => r.score), rows.map((r) => JSON.stringify(r.components))],
  );
  stateRows.inc({ table: 'health_scores' }, rows.length);
}

export async function upsertBaselines(db: pg.ClientBase, baselines: Baseline[]): Promise<void> {
  const rows = lastPerKey(baselines, (b) => b.seriesKey);
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO baselines (series_key, device_id, metric, ts, expected, spread, lower, upper, seasonal, sample_count)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::bool[], $10::int[])
     ON CONFLICT (series_key) DO UPDATE SET device_id = EXCLUDED.device_id, metric = EXCLUDED.metric, ts = EXCLUDED.ts,
       expected = EXCLUDED.expected, spread = EXCLUDED.spread, lower = EXCLUDED.lower, upper = EXCLUDED.upper,
       seasonal = EXCLUDED.seasonal, sample_count = EXCLUDED.sample_count
     WHERE baselines.ts <= EXCLUDED.ts`,
    [
      rows.map((r) => r.seriesKey),
      rows.map((r) => r.deviceId),
      rows.map((r) => r.metric),
      rows.map((r) => ts(r.ts)),
      rows.map((r) => r.expected),
      rows.map((r) => r.spread),
      rows.map((r) => r.lower),
      rows.map((r) => r.upper),
      rows.map((r) => r.seasonal),
      rows.map((r) => r.sampleCount),
    ],
  );
  stateRows.inc({ table: 'baselines' }, rows.length);
}

const SEVERITY = `ARRAY['INFO', 'WARNING', 'MINOR', 'MAJOR', 'CRITICAL']`;

/** Events of one anomaly are applied in order (a device's events share a partition). */
export async function mergeAnomalies(db: pg.ClientBase, events: AnomalyEvent[]): Promise<void> {
  for (const e of events) {
    await db.query(
      `INSERT INTO anomaly_events AS a (anomaly_id, state, series_key, device_id, metric, labels, started_at, updated_at, ended_at,
                                        severity, peak_severity, score, peak_score, observed, expected, lower, upper, detector, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $11, $12, $13, $14, $15, $16, $17)
       ON CONFLICT (anomaly_id) DO UPDATE SET
         state = EXCLUDED.state, updated_at = EXCLUDED.updated_at, ended_at = EXCLUDED.ended_at,
         severity = EXCLUDED.severity, score = EXCLUDED.score, observed = EXCLUDED.observed,
         expected = EXCLUDED.expected, lower = EXCLUDED.lower, upper = EXCLUDED.upper, reason = EXCLUDED.reason,
         peak_severity = CASE WHEN array_position(${SEVERITY}, EXCLUDED.severity) > array_position(${SEVERITY}, a.peak_severity)
                              THEN EXCLUDED.severity ELSE a.peak_severity END,
         peak_score = greatest(a.peak_score, EXCLUDED.score),
         events = a.events + 1
       -- A repeated or older event (redelivery, replay) changes nothing; a closed anomaly stays closed.
       WHERE a.updated_at < EXCLUDED.updated_at AND a.state <> 'CLOSE'`,
      [
        e.anomalyId,
        e.state,
        e.seriesKey,
        e.deviceId,
        e.metric,
        JSON.stringify(e.labels),
        ts(e.startedAt),
        ts(e.ts),
        ts(e.endedAt),
        e.severity,
        e.score,
        e.observed,
        e.expected,
        e.lower,
        e.upper,
        e.detector,
        e.reason,
      ],
    );
  }
  stateRows.inc({ table: 'anomaly_events' }, events.length);
}

/** inventory.devices is compacted and keyed by deviceId; a tombstone (null value) deletes. */
export async function upsertDevices(db: pg.ClientBase, records: { key: string | null; value: Device | null }[]): Promise<void> {
  const latest = lastPerKey(records.filter((r) => r.key !== null), (r) => r.key!);
  const live = latest.filter((r) => r.value !== null).map((r) => r.value!);
  const gone = latest.filter((r) => r.value === null).map((r) => r.key!);
  if (live.length > 0)
    await db.query(
      `INSERT INTO devices (device_id, hostname, address, site, role, platform, vendor, status, tags, labels, snmp, updated_at, deleted)
       SELECT d.device_id, d.hostname, d.address, d.site, d.role, d.platform, d.vendor, d.status,
              ARRAY(SELECT jsonb_array_elements_text(d.tags)), d.labels, d.snmp, d.updated_at, false
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::jsonb[], $10::jsonb[], $11::jsonb[], $12::timestamptz[])
              AS d(device_id, hostname, address, site, role, platform, vendor, status, tags, labels, snmp, updated_at)
       ON CONFLICT (device_id) DO UPDATE SET hostname = EXCLUDED.hostname, address = EXCLUDED.address, site = EXCLUDED.site,
         role = EXCLUDED.role, platform = EXCLUDED.platform, vendor = EXCLUDED.vendor, status = EXCLUDED.status, tags = EXCLUDED.tags,
         labels = EXCLUDED.labels, snmp = EXCLUDED.snmp, updated_at = EXCLUDED.updated_at, deleted = false
       WHERE devices.updated_at <= EXCLUDED.updated_at OR devices.deleted`,
      [
        live.map((d) => d.deviceId),
        live.map((d) => d.hostname),
        live.map((d) => d.address),
        live.map((d) => d.site),
        live.map((d) => d.role),
        live.map((d) => d.platform),
        live.map((d) => d.vendor),
        live.map((d) => d.status),
        live.map((d) => JSON.stringify(d.tags)),
        live.map((d) => JSON.stringify(d.labels)),
        live.map((d) => (d.snmp ? JSON.stringify(d.snmp) : null)),
        live.map((d) => ts(d.updatedAt)),
      ],
    );
  if (gone.length > 0) await db.query('UPDATE devices SET deleted = true WHERE device_id = ANY($1::text[])', [gone]);
  stateRows.inc({ table: 'devices' }, latest.length);
}

export interface StateTopics {
  devices: string;
  baselines: string;
  anomalies: string;
  health: string;
}

/** One consumed batch of one state topic into its table (and health into Redis). */
export async function writeState(db: pg.ClientBase, topics: StateTopics, records: InRecord[], lastValues?: LastValues): Promise<void> {
  if (records.length === 0) return;
  const topic = records[0].topic;
  if (topic === topics.devices) await upsertDevices(db, records.map((r) => ({ key: r.key, value: r.value as Device | null })));
  else if (topic === topics.baselines) await upsertBaselines(db, records.filter((r) => r.value !== null).map((r) => r.value as Baseline));
  else if (topic === topics.anomalies) await mergeAnomalies(db, records.map((r) => r.value as AnomalyEvent));
  else if (topic === topics.health) {
    const scores = records.filter((r) => r.value !== null).map((r) => r.value as HealthScore);
    await upsertHealth(db, scores);
    await lastValues?.writeHealth(scores);
  }
}
