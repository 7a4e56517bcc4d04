// Anomalies (anomaly_events, one row per anomaly id, merged by the sink) with their operators'
// acknowledgement (anomaly_acks) and notes (anomaly_annotations): a filtered list newest first
// with keyset cursors on (started_at, anomaly_id), and lookups for the loaders.

import type pg from 'pg';
import type { Suppression } from '../../alarms/alarm-book.js';
import type { ParentDownMark } from '../alarms/parent-down.js';
import { ApiError } from '../errors.js';
import type { Acknowledgement, Annotation, Anomaly, AnomalyFilter, AnomalyState, QueryAnomaliesArgs, Severity } from '../graphql/schema-types.js';
import { decodeCursor, page, pageSize, type PageInfo } from '../paging.js';

export type { Annotation };

type Queryable = Pick<pg.Pool, 'query'>;

// The schema's enums at run time, in their order (severities from the least).
export const SEVERITIES = ['INFO', 'WARNING', 'MINOR', 'MAJOR', 'CRITICAL'] as const satisfies readonly Severity[];
export const STATES = ['OPEN', 'UPDATE', 'CLOSE'] as const satisfies readonly AnomalyState[];

export function severityRank(s: string): number {
  return SEVERITIES.indexOf(s as Severity);
}

/** The fields of Anomaly that its resolvers and loaders compute from a row rather than read from it. */
type ResolvedAnomalyFields = 'series' | 'device' | 'acknowledgement' | 'annotations' | 'silenced' | 'suppressedBy' | 'suppressing';

/** A row of anomaly_events: the schema's Anomaly without the fields resolved apart (some may be
 *  preloaded, below), its labels as the sink stores them (string values). */
export type AnomalyRow = Omit<Anomaly, ResolvedAnomalyFields | 'labels'> & {
  labels: Record<string, string>;
  /** Preloaded by subscription payloads so a fan-out never queries per subscriber. */
  acknowledgement?: Acknowledgement | null;
  annotations?: Annotation[];
  /** What holds its page back now (alarms/); preloaded like the above, else the loader finds it. */
  silenced?: Suppression | null;
  /** Parent-down suppression (api/alarms/parent-down.ts); preloaded like the above. */
  parentDown?: ParentDownMark;
};

const ms = (col: string) => `(extract(epoch from ${col}) * 1000)::float8`;

export const ANOMALY_COLUMNS = `a.anomaly_id as id, a.state, a.state <> 'CLOSE' as "isOpen", a.series_key as "seriesKey", a.device_id as "deviceId",
  a.metric, a.labels, ${ms('a.started_at')} as "startedAt", ${ms('a.updated_at')} as "updatedAt", ${ms('a.ended_at')} as "endedAt",
  a.severity, a.peak_severity as "peakSeverity", a.score, a.peak_score as "peakScore", a.observed, a.expected, a.lower, a.upper,
  a.detector, a.reason, a.events`;

const SEVERITY_ARRAY = `array['INFO','WARNING','MINOR','MAJOR','CRITICAL']`;

const WHERE = `
  ($1::text[] is null or a.state = any($1)) and ($2::boolean is null or ((a.state <> 'CLOSE') = $2))
  and ($3::text[] is null or a.severity = any($3)) and ($4::int is null or array_position(${SEVERITY_ARRAY}, a.peak_severity) >= $4)
  and ($5::text[] is null or a.device_id = any($5)) and ($6::text[] is null or a.series_key = any($6))
  and ($7::text is null or a.metric = $7)
  and ($8::float8 is null or a.ended_at is null or a.ended_at >= to_timestamp($8 / 1000))
  and ($9::float8 is null or a.started_at <= to_timestamp($9 / 1000))
  and ($10::boolean is null or (exists (select 1 from anomaly_acks k where k.anomaly_id = a.anomaly_id)) = $10)`;

function filterParams(f: AnomalyFilter | null | undefined): unknown[] {
  const list = <T>(v: T[] | null | undefined) => (v && v.length > 0 ? v : null);
  if (f?.from != null && f?.to != null && f.from > f.to) throw new ApiError('BAD_USER_INPUT', `filter.from (${f.from}) is after filter.to (${f.to})`);
  return [
    list(f?.states),
    f?.open ?? null,
    list(f?.severities),
    f?.minSeverity ? severityRank(f.minSeverity) + 1 : null, // array_position is 1-based
    list(f?.deviceIds),
    list(f?.seriesKeys),
    f?.metric ?? null,
    f?.from ?? null,
    f?.to ?? null,
    f?.acknowledged ?? null,
  ];
}

export interface AnomalyPage {
  nodes: AnomalyRow[];
  pageInfo: PageInfo;
  countAll(): Promise<number>;
}

export async function listAnomalies(db: Queryable, args: QueryAnomaliesArgs): Promise<AnomalyPage> {
  const first = pageSize(args.first);
  const after = decodeCursor(args.after, ['number', 'string']);
  const params = filterParams(args.filter);
  const { rows } = await db.query<AnomalyRow>(
    `select ${ANOMALY_COLUMNS} from anomaly_events a
     where ${WHERE}
       and ($11::float8 is null or (a.started_at, a.anomaly_id) < (to_timestamp($11 / 1000), $12::text))
     order by a.started_at desc, a.anomaly_id desc
     limit $13`,
    [...params, after?.[0] ?? null, after?.[1] ?? null, first + 1],
  );
  return {
    ...page(rows, first, (a) => [a.startedAt, a.id]),
    countAll: async () => (await db.query<{ n: number }>(`select count(*)::int as n from anomaly_events a where ${WHERE}`, params)).rows[0].n,
  };
}

export async function anomaliesByIds(db: Queryable, ids: readonly string[]): Promise<Map<string, AnomalyRow>> {
  const { rows } = await db.query<AnomalyRow>(`select ${ANOMALY_COLUMNS} from anomaly_events a where a.anomaly_id = any($1::text[])`, [[...new Set(ids)]]);
  return new Map(rows.map((r) => [r.id, r]));
}

/** The newest `perDevice` open anomalies of each device. */
export async function openAnomaliesOfDevices(db: Queryable, deviceIds: readonly string[], perDevice: number): Promise<Map<string, AnomalyRow[]>> {
  const { rows } = await db.query<AnomalyRow>(
    `select ${ANOMALY_COLUMNS}
     from unnest($1::text[]) as d(id)
     cross join lateral (
       select * from anomaly_events x where x.device_id = d.id and x.state <> 'CLOSE' order by x.started_at desc, x.anomaly_id desc limit $2
     ) a
     order by a.device_id, a.started_at desc, a.anomaly_id desc`,
    [[...new Set(deviceIds)], perDevice],
  );
  const out = new Map<string, AnomalyRow[]>();
  for (const r of rows) {
    let list = out.get(r.deviceId);
    if (!list) out.set(r.deviceId, (list = []));
    list.push(r);
  }
  return out;
}

export async function acknowledgementsOf(db: Queryable, ids: readonly string[]): Promise<Map<string, Acknowledgement>> {
  const { rows } = await db.query<Acknowledgement & { id: string }>(
    `select anomaly_id as id, acknowledged_by as by, ${ms('acknowledged_at')} as at, note from anomaly_acks where anomaly_id = any($1::text[])`,
    [[...new Set(ids)]],
  );
  return new Map(rows.map(({ id, ...ack }) => [id, ack]));
}

const ANNOTATION_COLUMNS = `annotation_id::text as id, anomaly_id as "anomalyId", author as by, ${ms('created_at')} as at, body as text`;

/** The oldest `perAnomaly` notes of each anomaly (all of them without it). */
export async function annotationsOf(db: Queryable, ids: readonly string[], perAnomaly: number | null = null): Promise<Map<string, Annotation[]>> {
  const { rows } = await db.query<Annotation>(
    `select ${ANNOTATION_COLUMNS}
     from (select *, row_number() over (partition by anomaly_id order by annotation_id) as n from anomaly_annotations where anomaly_id = any($1::text[])) a
     where $2::int is null or n <= $2
     order by anomaly_id, annotation_id`,
    [[...new Set(ids)], perAnomaly],
  );
  const out = new Map<string, Annotation[]>();
  for (const r of rows) {
    let list = out.get(r.anomalyId);
    if (!list) out.set(r.anomalyId, (list = []));
    list.push(r);
  }
  return out;
}

async function requireAnomaly(db: Queryable, id: string): Promise<void> {
  const { rows } = await db.query(`select 1 from anomaly_events where anomaly_id = $1`, [id]);
  if (rows.length === 0) throw new ApiError('NOT_FOUND', `no anomaly with id ${id.slice(0, 80)}`);
}

export async function acknowledge(db: Queryable, id: string, by: string, note: string | null): Promise<Acknowledgement> {
  await requireAnomaly(db, id);
  const { rows } = await db.query<Acknowledgement>(
    `insert into anomaly_acks (anomaly_id, acknowledged_by, note) values ($1, $2, $3)
     on conflict (anomaly_id) do update set acknowledged_by = excluded.acknowledged_by, acknowledged_at = now(), note = excluded.note
     returning acknowledged_by as by, ${ms('acknowledged_at')} as at, note`,
    [id, by, note],
  );
  return rows[0];
}

export async function annotate(db: Queryable, id: string, by: string, text: string): Promise<Annotation> {
  await requireAnomaly(db, id);
  const { rows } = await db.query<Annotation>(
    `insert into anomaly_annotations (anomaly_id, author, body) values ($1, $2, $3) returning ${ANNOTATION_COLUMNS}`,
    [id, by, text],
  );
  return rows[0];
}
