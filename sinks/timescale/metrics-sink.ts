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
import { inTransaction, insertPoints, lockStoredOffsets, storeOffsets, type ConsumedOffset, type PointsClient } from './point-writer.js';
import { addRefusal, fillColumns, type BatchColumns } from './point-columns.js';
import type { PgSession, SessionClient } from './pg-session.js';
import type { Queryable } from '../../storage/migrations.js';
import type { PartitionGuard } from '../../storage/partitions.js';
import { hoursOf, logInvalidations } from '../../storage/rollups.js';
import type { LastValues } from '../redis/last-values.js';

const rowsWritten = new client.Counter({ name: 'oc_sink_rows_written_total', help: 'rows inserted into metric_points', labelNames: ['table'] });
const rowsDuplicate = new client.Counter({ name: 'oc_sink_rows_duplicate_total', help: 'rows already present (redelivery or replay), skipped', labelNames: ['table'] });
const rowsRejected = new client.Counter({ name: 'oc_sink_rows_rejected_total', help: 'rows PostgreSQL refused, sent to the dead-letter topic', labelNames: ['table'] });
const rowsDropped = new client.Counter({ name: 'oc_sink_rows_dropped_total', help: 'samples that are no reading (NaN, Infinity), dropped', labelNames: ['table'] });
const recordsReplayed = new client.Counter({ name: 'oc_sink_records_already_stored_total', help: 'records below the stored offset, skipped', labelNames: ['table'] });
const writeSeconds = new client.Histogram({ name: 'oc_sink_write_seconds', help: 'time to write one batch transaction', labelNames: ['table'], buckets: [0.005, 0.02, 0.05, 0.1, 0.5, 1, 5] });

const DIRECT_AFTER_BATCHES = 20;

export interface MetricsSinkOptions {
  /** The writing connection: on a worker thread in the sink role (off-thread-client.ts). */
  session: PgSession<SessionClient & PointsClient>;
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
  /**
   * A second connection on which the series of the next batch are created (upsert, committed on
   * its own, as on the writing connection) while the previous batch is still being copied.
   */
  seriesSession?: PgSession<SessionClient & Queryable>;
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

/** Each partition in the batch with the index of its first record and its last offset, found
 *  without a string key or a BigInt per record (a batch holds tens of thousands of them). */
function partitionSpans(records: InRecord[]): { topic: string; partition: number; firstIndex: number; last: string }[] {
  const spans = new Map<string, { topic: string; partition: number; firstIndex: number; last: string }>();
  let cur: { topic: string; partition: number; firstIndex: number; last: string } | undefined;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (!cur || cur.partition !== r.partition || cur.topic !== r.topic) {
      const key = `${r.topic}:${r.partition}`;
      cur = spans.get(key);
      if (!cur) spans.set(key, (cur = { topic: r.topic, partition: r.partition, firstIndex: i, last: r.offset }));
    }
    cur.last = r.offset; // Kafka hands a partition's records over in offset order
  }
  return [...spans.values()];
}

export function createMetricsSink(opts: MetricsSinkOptions): MetricsSink {
  const cache = new SeriesCache();
  // After a batch found rows already present (a replay in progress), the next ones go the staging
  // way at once rather than try a COPY that would be refused again.
  let batchesSinceConflict = DIRECT_AFTER_BATCHES;

  /** The batch decoded and laid out in columns, done ahead while the previous batch is copied. */
  interface Prepared {
    records: InRecord[];
    batches: MetricBatch[];
    /** Undefined when some series is new and was not resolved ahead (then the write does it). */
    columns?: BatchColumns;
    /** Settles once new series were resolved ahead (or that failed: the write retries it). */
    ready: Promise<void>;
    /** Series PostgreSQL refused when they were resolved ahead. */
    badSeries?: Map<string, Error>;
  }
  const tsRefusal = opts.partitions ? (t: number) => opts.partitions!.refusal(t) : undefined;
  /** Each series the cache does not know, once (a batch repeats every series of a device per poll). */
  const newSeries = (batches: MetricBatch[]): SeriesInfo[] => {
    const infos = new Map<string, SeriesInfo>();
    for (const b of batches)
      for (const s of b.samples)
        if (!cache.has(s.seriesKey) && !infos.has(s.seriesKey)) infos.set(s.seriesKey, { seriesKey: s.seriesKey, deviceId: b.deviceId, metric: s.metric, labels: s.labels, unit: s.unit });
    return [...infos.values()];
  };
  const prepare = (records: InRecord[]): Prepared => {
    const batches = records.map((r) => r.value as MetricBatch);
    const p: Prepared = { records, batches, columns: fillColumns({ batches, ids: cache.known, tsRefusal }), ready: Promise.resolve() };
    if (!p.columns && opts.seriesSession) {
      const infos = newSeries(batches);
      p.ready = opts.seriesSession
        .run('resolve new series', (db) => cache.resolve(db, infos), { shouldStop: opts.shouldStop })
        .then(({ ids, rejected }) => {
          p.badSeries = rejected;
          p.columns = fillColumns({ batches, ids, badSeries: rejected, tsRefusal });
        })
        .catch((err) => opts.logger.warn('resolving new series ahead failed; the batch write resolves them', { err }));
    }
    return p;
  };

  const write = async (p: Prepared, ctx: Pick<BatchContext, 'deadLetter' | 'heartbeat'>): Promise<WriteResult> => {
    await p.ready;
    const { records, batches, columns: ahead } = p;
    const infos = ahead ? [] : newSeries(batches); // only series the cache does not know yet
    const spans = partitionSpans(records);
    const parts = spans.map(({ topic, partition }) => ({ topic, partition }));
    const next: ConsumedOffset[] = spans.map(({ topic, partition, last }) => ({ topic, partition, nextOffset: BigInt(last) + 1n }));

    const started = process.hrtime.bigint();
    const ms = (from: bigint) => Math.round(Number(process.hrtime.bigint() - from) / 1e5) / 10;
    return opts.session.run(
      'write metric batch',
      async (db) => {
        const { ids, rejected } = await cache.resolve(db, infos);
        const badSeries = p.badSeries?.size ? new Map([...p.badSeries, ...rejected]) : rejected;
        await opts.partitions?.ensureFor(db, batches.map((b) => b.ts));
        return inTransaction(db, async () => {
          const stored = await lockStoredOffsets(db, opts.groupId, parts);
          const below = (i: number) => {
            const from = stored.get(`${records[i].topic}:${records[i].partition}`);
            return from !== undefined && BigInt(records[i].offset) < from;
          };
          // The columns made ahead hold every record: right unless some were stored already (a
          // replay). Records of a partition come in offset order, so its first one tells.
          const anyBelow = stored.size > 0 && spans.some((p) => below(p.firstIndex));
          const c = ahead && !anyBelow ? ahead : fillColumns({ batches, ids, badSeries, tsRefusal, skip: anyBelow ? below : undefined });
          if (!c) throw new OpsError('SINK_WRITE_FAILED', 'a series of this batch has no id after resolving (a bug): the batch is retried from its stored offsets after a restart', { canRetry: false });
          const { cols, rowRecord, rowSample, freshTs } = c;
          // A copy: PostgreSQL's refusals are added per attempt, and an attempt may be retried.
          const refused = new Map([...c.refused].map(([i, reasons]) => [i, [...reasons]]));
          const n = cols.seriesIds.length;
          let rejected = c.rejected;
          const fresh = freshTs.length;
          const prepareMs = ms(started);
          const t0 = process.hrtime.bigint();
          const tryDirect = opts.directCopy !== false && batchesSinceConflict >= DIRECT_AFTER_BATCHES;
          const result = await insertPoints(db, cols, { direct: tryDirect });
          batchesSinceConflict = tryDirect && !result.direct && n > 0 ? 0 : batchesSinceConflict + 1;
          for (const rr of result.rejected) addRefusal(refused, batches, rowRecord[rr.index], rowSample[rr.index], `${(rr.error as { code?: string }).code ?? ''} ${messageOf(rr.error)}`.trim());
          rejected += result.rejected.length;
          if (opts.partitions && n > 0) await logInvalidations(db, hoursOf(freshTs));
          // Dead letters go out before the commit: if producing fails, the batch is retried
          // whole; a crash between the two may repeat a dead letter, never lose one.
          for (const [i, reasons] of refused) {
            const err = new OpsError('SINK_ROW_REJECTED', `metric_points refused ${reasons.length > 5 ? 'several' : reasons.length} sample(s) of this batch: ${reasons.join('; ')}`);
            await ctx.deadLetter(records[i], 'sink', err);
          }
          await storeOffsets(db, opts.groupId, next);
          if (opts.delayBeforeCommitMs) await new Promise((r) => setTimeout(r, opts.delayBeforeCommitMs));
          writeSeconds.observe({ table: 'metric_points' }, Number(process.hrtime.bigint() - t0) / 1e9);
          rowsWritten.inc({ table: 'metric_points' }, result.inserted);
          rowsDuplicate.inc({ table: 'metric_points' }, n - result.inserted - result.rejected.length);
          rowsRejected.inc({ table: 'metric_points' }, rejected);
          rowsDropped.inc({ table: 'metric_points' }, c.dropped);
          recordsReplayed.inc({ table: 'metric_points' }, records.length - fresh);
          const copyMs = ms(t0);
          return { records: records.length, alreadyStored: records.length - fresh, rows: n, inserted: result.inserted, rejected, direct: result.direct, ahead: c === ahead, prepareMs, copyMs, skipped: anyBelow ? below : undefined };
        });
      },
      { shouldStop: opts.shouldStop, beforeRetry: ctx.heartbeat },
    ).then((res) => {
      const { skipped, prepareMs, copyMs, direct, ahead: wasAhead, ...summary } = res;
      opts.logger.debug('batch committed', { ...summary, direct, ahead: wasAhead, prepareMs, copyMs, totalMs: ms(started) });
      if (opts.lastValues) opts.lastValues.offerMetrics(skipped ? batches.filter((_, i) => !skipped(i)) : batches); // written within half a second, off the critical path
      return summary;
    });
  };

  let underWay: Promise<unknown> = Promise.resolve();
  let failure: Error | undefined;
  return {
    async write(records, ctx) {
      await underWay;
      return write(prepare(records), ctx);
    },
    async accept(records, ctx) {
      const next = prepare(records); // while the batch under way is being copied
      await underWay;
      if (failure) throw failure;
      underWay = write(next, ctx).catch((err) => {
        failure ??= err instanceof Error ? err : new Error(String(err));
        if (!opts.shouldStop?.()) opts.onFatal?.(err);
      });
    },
    async drain() {
      await underWay;
      await opts.lastValues?.flush();
    },
  };
}
