// The accounting of a resilience run. Readers of its own (stateless groups, never committing)
// follow the raw topics, telemetry.metrics (read_committed) and telemetry.anomalies for the whole
// run; every record is remembered by topic/partition/offset, so a reader that re-reads after a
// broker failure counts nothing twice, while the same content at two offsets (a real duplicate)
// shows. After the collectors stop and the pipeline drains, every topic is read once more by a
// reference reader (kcat), and readings published are compared with metric batches derived and
// with rows in PostgreSQL, per event-time window (one per fault).
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Streams } from '../../streams/index.js';
import type { StreamConsumer } from '../../streams/consumer.js';
import type { AnomalyEvent, MetricBatch } from '../../schemas/types.js';
import { readTopic } from '../kcat-topic-reader.js';

export interface RawEntry {
  deviceId: string;
  ts: number; // event time of the reading
  collector: string;
  profile: string; // snmp profile, or the raw kind
  ok: boolean; // answered (no error, not 100 % loss)
  hash: string;
  seenAt: number; // wall clock when the ledger saw it
}

interface MetricEntry {
  deviceId: string;
  ts: number;
  seenAt: number;
  hash: string;
  samples: string[]; // seriesKey|ts
}

export interface Accounting {
  readings: number;
  metric_batches: number;
  samples: number;
  rows: number;
  distinct_rows: number;
  lost: number; // readings without a metric batch + samples without a row
  duplicates: number; // same content at two offsets (raw, metrics, anomalies) + extra rows
  duplicates_by: { raw: number; metrics: number; anomalies: number; rows: number };
  /** A few duplicated records, to say what doubled. */
  duplicate_examples: string[];
  /** A few readings without a metric batch (topic/partition/offset), to say where to look. */
  lost_examples: string[];
  anomalies_opened: number;
}

export type Window = { from: number; to: number };

const digest = (b: Buffer | null) => createHash('sha1').update(b ?? Buffer.alloc(0)).digest('base64');
const inWindow = (ts: number, w?: Window) => !w || (ts >= w.from && ts < w.to);

function rawEventTime(v: Record<string, unknown>): number {
  return Number(v.polledAt ?? v.sentAt ?? v.capturedAt ?? v.readAt);
}

function answered(kind: string, v: Record<string, unknown>): boolean {
  if (v.error) return false;
  if (kind === 'icmp') return Number((v as { received?: number }).received ?? 1) > 0;
  return true;
}

const recordId = (r: { topic: string; partition: number; offset: string }) => `${r.topic}/${r.partition}/${r.offset}`;

function metricEntry(b: MetricBatch, raw: Buffer | null, seenAt: number): MetricEntry {
  return { deviceId: b.deviceId, ts: b.ts, seenAt, hash: digest(raw), samples: b.samples.map((s) => `${s.seriesKey}|${b.ts}`) };
}

export class Ledger {
  readonly raw = new Map<string, RawEntry>();
  readonly metrics = new Map<string, MetricEntry>();
  readonly anomalies = new Map<string, { event: AnomalyEvent; hash: string }>();
  /** Callbacks per raw reading, in arrival order (the scaling check watches polls live). */
  onRaw: ((e: RawEntry) => void) | undefined;
  private readers: StreamConsumer[] = [];

  /** Raw topic → the kind of reading on it. */
  private readonly kinds: Map<string, string>;

  constructor(private readonly streams: Streams) {
    const t = streams.topics;
    this.kinds = new Map([[t.rawSnmp, 'snmp'], [t.rawIcmp, 'icmp'], [t.rawSsh, 'ssh'], [t.rawCiena, 'ciena']]);
  }

  private rawEntry(topic: string, v: Record<string, unknown>, raw: Buffer | null, seenAt: number): RawEntry {
    const kind = this.kinds.get(topic)!;
    return { deviceId: String(v.deviceId), ts: rawEventTime(v), collector: String(v.collectorId ?? ''), profile: kind === 'snmp' ? String(v.profile) : kind, ok: answered(kind, v), hash: digest(raw), seenAt };
  }

  async start(): Promise<void> {
    const t = this.streams.topics;
    this.readers = [
      this.streams.consumer({
        groupId: 'ledger-raw',
        topics: [...this.kinds.keys()],
        stateless: true,
        fromBeginning: true,
        handler: async (records) => {
          for (const r of records) {
            if (this.raw.has(recordId(r))) continue;
            const e = this.rawEntry(r.topic, r.value as Record<string, unknown>, r.raw.value, Date.now());
            this.raw.set(recordId(r), e);
            this.onRaw?.(e);
          }
        },
      }),
      this.streams.consumer({
        groupId: 'ledger-metrics',
        topics: [t.metrics],
        stateless: true,
        fromBeginning: true,
        handler: async (records) => {
          for (const r of records) if (!this.metrics.has(recordId(r))) this.metrics.set(recordId(r), metricEntry(r.value as MetricBatch, r.raw.value, Date.now()));
        },
      }),
      this.streams.consumer({
        groupId: 'ledger-anomalies',
        topics: [t.anomalies],
        stateless: true,
        fromBeginning: true,
        handler: async (records) => {
          for (const r of records) if (!this.anomalies.has(recordId(r))) this.anomalies.set(recordId(r), { event: r.value as AnomalyEvent, hash: digest(r.raw.value) });
        },
      }),
    ];
    for (const c of this.readers) await c.start();
  }

  /**
   * Makes what Kafka holds the record of the run: every topic read again by the reference reader
   * (kcat, read_committed). Records the live readers missed are added (seen time unknown);
   * records they delivered that Kafka does not hold as committed are removed and counted.
   */
  async loadReference(brokers: string[]): Promise<{ added: number; phantoms: number; phantom_examples: string[] }> {
    const t = this.streams.topics;
    const result = { added: 0, phantoms: 0, phantom_examples: [] as string[] };
    const rebuild = async <E>(topic: string, map: Map<string, E>, make: (value: unknown, raw: Buffer | null) => E) => {
      const records = await readTopic(brokers, topic, true);
      const decoded = await this.streams.serde.decodeMany(topic, records.map((r) => r.value));
      const held = new Set<string>();
      records.forEach((r, i) => {
        const id = recordId({ topic, partition: r.partition, offset: r.offset });
        held.add(id);
        const d = decoded[i];
        if (map.has(id) || !d.ok) return; // undecodable records are the dead-letter topic's business
        map.set(id, make(d.value, r.value));
        result.added++;
      });
      for (const id of [...map.keys()]) {
        if (!id.startsWith(`${topic}/`) || held.has(id)) continue;
        map.delete(id);
        if (result.phantom_examples.length < 5) result.phantom_examples.push(id);
        result.phantoms++;
      }
    };
    for (const topic of this.kinds.keys()) await rebuild(topic, this.raw, (v, raw) => this.rawEntry(topic, v as Record<string, unknown>, raw, Number.NaN));
    await rebuild(t.metrics, this.metrics, (v, raw) => metricEntry(v as MetricBatch, raw, Number.NaN));
    await rebuild(t.anomalies, this.anomalies, (v, raw) => ({ event: v as AnomalyEvent, hash: digest(raw) }));
    return result;
  }

  async stop(): Promise<void> {
    for (const c of this.readers) await c.stop();
  }

  /** Counts that grow while the pipeline still works; equal twice in a row = drained. */
  progress(): string {
    let samples = 0;
    for (const m of this.metrics.values()) samples += m.samples.length;
    return `${this.raw.size}/${this.metrics.size}/${samples}/${this.anomalies.size}`;
  }

  /** Median delay from reading time to the ledger seeing the raw reading and its metric batch (ms). */
  stageDelays(from: number, to: number): { raw_p50: number; metrics_p50: number } {
    const p50 = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    return {
      raw_p50: p50([...this.raw.values()].filter((e) => e.seenAt >= from && e.seenAt < to).map((e) => e.seenAt - e.ts)),
      metrics_p50: p50([...this.metrics.values()].filter((m) => m.seenAt >= from && m.seenAt < to).map((m) => m.seenAt - m.ts)),
    };
  }

  /** Everything, or the readings whose event time falls in `w`. */
  async account(db: pg.Client | pg.Pool, w?: Window): Promise<Accounting> {
    const examples: string[] = [];
    const dupes = <T>(items: T[], hash: (x: T) => string, describe: (x: T) => string) => {
      const seen = new Set<string>();
      let n = 0;
      for (const x of items) {
        if (!seen.has(hash(x))) seen.add(hash(x));
        else if ((n += 1) && examples.length < 5) examples.push(describe(x));
      }
      return n;
    };
    const raws = [...this.raw.values()].filter((e) => inWindow(e.ts, w));
    const mets = [...this.metrics.values()].filter((e) => inWindow(e.ts, w));
    // Readings and batches matched as multisets of device and event time: a device's SNMP profiles
    // may share one poll time, and then they share it on both sides.
    // A raw reading published twice counts once here (and as a duplicate below), never as a loss.
    const uniqueRaws = new Map<string, RawEntry>();
    for (const e of raws) uniqueRaws.set(e.hash, e);
    const need = new Map<string, number>();
    for (const e of uniqueRaws.values()) need.set(`${e.deviceId}|${e.ts}`, (need.get(`${e.deviceId}|${e.ts}`) ?? 0) + 1);
    const uniqueMetrics = new Map<string, MetricEntry>();
    for (const m of mets) uniqueMetrics.set(m.hash, m);
    for (const m of uniqueMetrics.values()) need.set(`${m.deviceId}|${m.ts}`, (need.get(`${m.deviceId}|${m.ts}`) ?? 0) - 1);
    let lostReadings = 0;
    for (const n of need.values()) if (n > 0) lostReadings += n;
    const lostExamples: string[] = [];
    for (const [at, e] of [...this.raw].filter(([, e]) => inWindow(e.ts, w))) {
      if (lostExamples.length >= 5) break;
      if ((need.get(`${e.deviceId}|${e.ts}`) ?? 0) > 0) lostExamples.push(`raw ${e.profile} ${e.deviceId}@${e.ts} at ${at}`);
    }

    const samples = new Set<string>();
    for (const m of uniqueMetrics.values()) for (const s of m.samples) samples.add(s);
    const range = w ? [new Date(w.from), new Date(w.to)] : [new Date(0), new Date(8.64e15)];
    const { rows } = await db.query<{ key: string; n: number }>(
      `SELECT s.series_key || '|' || (extract(epoch FROM p.ts) * 1000)::bigint AS key, count(*)::int AS n
         FROM metric_points p JOIN series s USING (series_id) WHERE p.ts >= $1 AND p.ts < $2 GROUP BY 1`,
      range,
    );
    let rowCount = 0;
    let lostRows = 0;
    const inDb = new Set<string>();
    for (const r of rows) {
      rowCount += r.n;
      inDb.add(r.key);
    }
    for (const s of samples) if (!inDb.has(s)) lostRows++;
    const anomalies = [...this.anomalies.values()].filter((a) => inWindow(a.event.ts, w));
    const by = {
      raw: dupes(raws, (e) => e.hash, (e) => `raw ${e.profile} ${e.deviceId}@${e.ts} by ${e.collector}`),
      metrics: dupes(mets, (m) => m.hash, (m) => `metrics ${m.deviceId}@${m.ts} (${m.samples.length} samples)`),
      anomalies: dupes(anomalies, (a) => a.hash, (a) => `anomaly ${a.event.state} ${a.event.seriesKey}@${a.event.ts}`),
      rows: rowCount - inDb.size,
    };
    return {
      readings: raws.length,
      metric_batches: mets.length,
      samples: samples.size,
      rows: rowCount,
      distinct_rows: inDb.size,
      lost: lostReadings + lostRows,
      duplicates: by.raw + by.metrics + by.anomalies + by.rows,
      duplicates_by: by,
      duplicate_examples: examples,
      lost_examples: lostExamples,
      anomalies_opened: new Set(anomalies.filter((a) => a.event.state === 'OPEN').map((a) => a.event.anomalyId)).size,
    };
  }
}
