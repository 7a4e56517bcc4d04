// The metrics sink: telemetry.metrics → metric_points. Each consumed Kafka batch becomes one
// PostgreSQL transaction holding its rows and the offsets it consumed, so a sink killed at any
// moment resumes exactly after the last batch it committed (the consumer seeks there on
// assignment; records below the stored offset, should any arrive, are skipped inside the
// transaction). PostgreSQL unavailable: the batch is retried with backoff until it is written.
// A sample PostgreSQL refuses goes to the dead-letter topic with the reason, in its message.
import client from 'prom-client';
import type { Logger } from '../../common/log.js';
import { OpsError, messageOf } from '../../common/errors.js';
import type { InRecord, BatchContext } from '../../streams/index.js';
import type { MetricBatch } from '../../schemas/types.js';
import { SeriesCache, type SeriesInfo } from './series-cache.js';
import { inTransaction, insertPoints, lockStoredOffsets, storeOffsets, type ConsumedOffset, type PointColumns } from './point-writer.js';
import type { PgSession } from './pg-session.js';
import type { PartitionGuard } from './partitions.js';
import { hoursOf, logInvalidations } from './rollups.js';
import type { LastValues } from '../redis/last-values.js';

const rowsWritten = new client.Counter({ name: 'oc_sink_rows_written_total', help: 'rows inserted into metric_points', labelNames: ['table'] });
const rowsDuplicate = new client.Counter({ name: 'oc_sink_rows_duplicate_total', help: 'rows already present (redelivery or replay), skipped', labelNames: ['table'] });
const rowsRejected = new client.Counter({ name: 'oc_sink_rows_rejected_total', help: 'rows PostgreSQL refused, sent to the dead-letter topic', labelNames: ['table'] });
const rowsDropped = new client.Counter({ name: 'oc_sink_rows_dropped_total', help: 'samples that are no reading (NaN, Infinity), dropped', labelNames: ['table'] });
const recordsReplayed = new client.Counter({ name: 'oc_sink_records_already_stored_total', help: 'records below the stored offset, skipped', labelNames: ['table'] });
const writeSeconds = new client.Histogram({ name: 'oc_sink_write_seconds', help: 'time to write one batch transaction', labelNames: ['table'], buckets: [0.005, 0.02, 0.05, 0.1, 0.5, 1, 5] });

// The range binary COPY can carry (int64 µs from 2000-01-01): outside it the row cannot even be
// sent, and is refused like PostgreSQL refuses its own out-of-range timestamps.
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const MAX_ABS_US = 9.2e18;
const DIRECT_AFTER_BATCHES = 20;

export interface MetricsSinkOptions {
  session: PgSession;
  groupId: string;
  logger: Logger;
  /** Native partitions: created on demand for the days a batch touches; rollups invalidated. */
  partitions?: PartitionGuard;
  lastValues?: LastValues;
  /** True once the role is stopping: a batch waiting for PostgreSQL gives up (it is redelivered). */
  shouldStop?: () => boolean;
  /** Failpoint for crash tests: wait this long inside each batch transaction, before COMMIT. */
  delayBeforeCommitMs?: number;
  /** Try COPY straight into metric_points first (default true); see insertPoints. */
  directCopy?: boolean;
  /** A pipelined batch failed for good (not a transient PostgreSQL failure: those are retried). */
  onFatal?: (err: unknown) => void;
}

export interface WriteResult {
  records: number;
  /** Records skipped because their offsets were already stored (a replay). */
  alreadyStored: number;
  rows: number;
  inserted: number;
  rejected: number;
}

export interface MetricsSink {
  /** Writes a batch and returns once it is committed. */
  write(records: InRecord[], ctx: Pick<BatchContext, 'deadLetter' | 'heartbeat'>): Promise<WriteResult>;
  /**
   * Pipelined: returns once the previous batch is committed and this one is under way, so Kafka
   * fetching and Avro decoding of the next batch overlap this one's COPY (two cores instead of
   * one taking turns). Safe because PostgreSQL, not Kafka, holds the sink's offsets: the consumer
   * seeks to them on every assignment. A batch that fails for good rejects every later call, and
   * `onFatal` is told: the process must restart from the stored offsets.
   */
  accept(records: InRecord[], ctx: Pick<BatchContext, 'deadLetter' | 'heartbeat'>): Promise<void>;
  /** Waits for the batch under way and writes the pending last values. */
  drain(): Promise<void>;
}

export function createMetricsSink(opts: MetricsSinkOptions): MetricsSink {
  const cache = new SeriesCache();
  // After a batch found rows already present (a replay in progress), the next ones go the staging
  // way at once rather than try a COPY that would be refused again.
  let batchesSinceConflict = DIRECT_AFTER_BATCHES;

  const write = async (records: InRecord[], ctx: Pick<BatchContext, 'deadLetter' | 'heartbeat'>): Promise<WriteResult> => {
    const batches = records.map((r) => r.value as MetricBatch);
    const infos: SeriesInfo[] = []; // only series the cache does not know yet
    for (const b of batches) for (const s of b.samples) if (!cache.has(s.seriesKey)) infos.push({ seriesKey: s.seriesKey, deviceId: b.deviceId, metric: s.metric, labels: s.labels, unit: s.unit });
    const parts = [...new Map(records.map((r) => [`${r.topic}:${r.partition}`, { topic: r.topic, partition: r.partition }])).values()];
    const next = new Map<string, ConsumedOffset>();
    for (const r of records) next.set(`${r.topic}:${r.partition}`, { topic: r.topic, partition: r.partition, nextOffset: BigInt(r.offset) + 1n });

    const started = process.hrtime.bigint();
    const ms = (from: bigint) => Math.round(Number(process.hrtime.bigint() - from) / 1e5) / 10;
    return opts.session.run(
      'write metric batch',
      async (db) => {
        const { ids, rejected: badSeries } = await cache.resolve(db, infos);
        await opts.partitions?.ensureFor(db, batches.map((b) => b.ts));
        return inTransaction(db, async () => {
          const stored = await lockStoredOffsets(db, opts.groupId, parts);
          // Columns as typed arrays sized for every sample: no per-row allocation on the hot path.
          let capacity = 0;
          for (const b of batches) capacity += b.samples.length;
          const ts = new Float64Array(capacity);
          const seriesIds = new Float64Array(capacity);
          const values = new Float64Array(capacity);
          const rowRecord = new Int32Array(capacity);
          const rowSample = new Int32Array(capacity);
          const refused = new Map<number, string[]>(); // record index → reasons
          const refuse = (i: number, s: number, reason: string) => {
            const list = refused.get(i) ?? [];
            if (list.length < 5) list.push(`${batches[i].samples[s].seriesKey} @ ${batches[i].ts}: ${reason}`);
            else if (list.length === 5) list.push('…');
            refused.set(i, list);
          };
          const freshTs: number[] = [];
          let n = 0;
          let rejected = 0;
          let dropped = 0;
          const anyBadSeries = badSeries.size > 0;
          for (let i = 0; i < records.length; i++) {
            const r = records[i];
            const from = stored.get(`${r.topic}:${r.partition}`);
            if (from !== undefined && BigInt(r.offset) < from) continue;
            const b = batches[i];
            freshTs.push(b.ts);
            const tsRefusal = !(Math.abs((b.ts - PG_EPOCH_MS) * 1000) < MAX_ABS_US) ? 'timestamp out of range' : opts.partitions?.refusal(b.ts);
            const samples = b.samples;
            for (let s = 0; s < samples.length; s++) {
              const sample = samples[s];
              if (!Number.isFinite(sample.value)) {
                dropped++; // NaN/Infinity cannot be a reading; the sample is dropped, not the batch
                continue;
              }
              const bad = anyBadSeries ? badSeries.get(sample.seriesKey) : undefined;
              if (bad || tsRefusal) {
                refuse(i, s, bad ? `series refused: ${bad.message}` : tsRefusal!);
                rejected++;
                continue;
              }
              ts[n] = b.ts;
              seriesIds[n] = ids.get(sample.seriesKey)!;
              values[n] = sample.value;
              rowRecord[n] = i;
              rowSample[n] = s;
              n++;
            }
          }
          const fresh = freshTs.length;
          const cols: PointColumns = { ts: ts.subarray(0, n), seriesIds: seriesIds.subarray(0, n), values: values.subarray(0, n) };
          const prepareMs = ms(started);
          const t0 = process.hrtime.bigint();
          const tryDirect = opts.directCopy !== false && batchesSinceConflict >= DIRECT_AFTER_BATCHES;
          const result = await insertPoints(db, cols, { direct: tryDirect });
          batchesSinceConflict = tryDirect && !result.direct && n > 0 ? 0 : batchesSinceConflict + 1;
          for (const rr of result.rejected) refuse(rowRecord[rr.index], rowSample[rr.index], `${(rr.error as { code?: string }).code ?? ''} ${messageOf(rr.error)}`.trim());
          rejected += result.rejected.length;
          if (opts.partitions && n > 0) await logInvalidations(db, hoursOf(freshTs));
          // Dead letters go out before the commit: if producing fails, the batch is retried
          // whole; a crash between the two may repeat a dead letter, never lose one.
          for (const [i, reasons] of refused) {
            const err = new OpsError('SINK_ROW_REJECTED', `metric_points refused ${reasons.length > 5 ? 'several' : reasons.length} sample(s) of this batch: ${reasons.join('; ')}`);
            await ctx.deadLetter(records[i], 'sink', err);
          }
          await storeOffsets(db, opts.groupId, [...next.values()]);
          if (opts.delayBeforeCommitMs) await new Promise((r) => setTimeout(r, opts.delayBeforeCommitMs));
          writeSeconds.observe({ table: 'metric_points' }, Number(process.hrtime.bigint() - t0) / 1e9);
          rowsWritten.inc({ table: 'metric_points' }, result.inserted);
          rowsDuplicate.inc({ table: 'metric_points' }, n - result.inserted - result.rejected.length);
          rowsRejected.inc({ table: 'metric_points' }, rejected);
          rowsDropped.inc({ table: 'metric_points' }, dropped);
          recordsReplayed.inc({ table: 'metric_points' }, records.length - fresh);
          const copyMs = ms(t0);
          return { records: records.length, alreadyStored: records.length - fresh, rows: n, inserted: result.inserted, rejected, direct: result.direct, prepareMs, copyMs, freshFrom: stored };
        });
      },
      { shouldStop: opts.shouldStop, beforeRetry: ctx.heartbeat },
    ).then((res) => {
      const { freshFrom, prepareMs, copyMs, direct, ...summary } = res;
      opts.logger.debug('batch committed', { ...summary, direct, prepareMs, copyMs, totalMs: ms(started) });
      if (opts.lastValues) {
        const fresh = records.flatMap((r, i) => {
          const from = freshFrom.get(`${r.topic}:${r.partition}`);
          return from !== undefined && BigInt(r.offset) < from ? [] : [batches[i]];
        });
        opts.lastValues.offerMetrics(fresh); // written within half a second, off the critical path
      }
      return summary;
    });
  };

  let underWay: Promise<unknown> = Promise.resolve();
  let failure: unknown;
  return {
    async write(records, ctx) {
      await underWay;
      return write(records, ctx);
    },
    async accept(records, ctx) {
      await underWay;
      if (failure) throw failure;
      underWay = write(records, ctx).catch((err) => {
        failure ??= err;
        if (!opts.shouldStop?.()) opts.onFatal?.(err);
      });
    },
    async drain() {
      await underWay;
      await opts.lastValues?.flush();
    },
  };
}
