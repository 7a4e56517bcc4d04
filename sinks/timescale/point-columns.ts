// Metric batches → the columns one COPY carries (ts, series_id, value), with what each row came
// from (record, sample) so a row PostgreSQL refuses can be dead-lettered with its record, and the
// samples refused before PostgreSQL sees them (a series it refused, a time with no partition).
// Pure and synchronous: the sink runs it for the next batch while the previous one is being
// copied, as long as every series of the batch is already known.
import type { MetricBatch } from '../../schemas/types.js';
import type { PointColumns } from './point-writer.js';

// The range binary COPY can carry (int64 µs from 2000-01-01): outside it the row cannot even be
// sent, and is refused like PostgreSQL refuses its own out-of-range timestamps.
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const MAX_ABS_US = 9.2e18;
const REASONS_PER_RECORD = 5;

export interface BatchColumns {
  cols: PointColumns & { ts: Float64Array; seriesIds: Float64Array; values: Float64Array };
  /** Per row: index of its record in the batch, and of its sample in that record. */
  rowRecord: Int32Array;
  rowSample: Int32Array;
  /** Record index → why some of its samples were refused (at most a few reasons each). */
  refused: Map<number, string[]>;
  rejected: number;
  /** NaN / Infinity: no reading, dropped. */
  dropped: number;
  /** Event times of the records written (not skipped), for partitions and rollups. */
  freshTs: number[];
}

export interface ColumnInputs {
  batches: MetricBatch[];
  /** series key → id; a key missing here (and not in badSeries) makes fillColumns return undefined. */
  ids: ReadonlyMap<string, number>;
  badSeries?: ReadonlyMap<string, Error>;
  /** Why no row can exist at this time, if so (outside the native partitions' window). */
  tsRefusal?: (tsMs: number) => string | undefined;
  /** Records already stored (below the stored offset): left out. */
  skip?: (recordIndex: number) => boolean;
}

export function addRefusal(refused: Map<number, string[]>, batches: MetricBatch[], i: number, s: number, reason: string): void {
  const list = refused.get(i) ?? [];
  if (list.length < REASONS_PER_RECORD) list.push(`${batches[i].samples[s].seriesKey} @ ${batches[i].ts}: ${reason}`);
  else if (list.length === REASONS_PER_RECORD) list.push('…');
  refused.set(i, list);
}

/** The columns of these batches, or undefined when a series id is not known yet. */
export function fillColumns(o: ColumnInputs): BatchColumns | undefined {
  const { batches, ids, badSeries, tsRefusal, skip } = o;
  let capacity = 0;
  for (const b of batches) capacity += b.samples.length;
  // Typed arrays sized for every sample: no per-row allocation on the hot path.
  const ts = new Float64Array(capacity);
  const seriesIds = new Float64Array(capacity);
  const values = new Float64Array(capacity);
  const rowRecord = new Int32Array(capacity);
  const rowSample = new Int32Array(capacity);
  const refused = new Map<number, string[]>();
  const freshTs: number[] = [];
  let n = 0;
  let rejected = 0;
  let dropped = 0;
  for (let i = 0; i < batches.length; i++) {
    if (skip?.(i)) continue;
    const b = batches[i];
    freshTs.push(b.ts);
    const timeRefusal = !(Math.abs((b.ts - PG_EPOCH_MS) * 1000) < MAX_ABS_US) ? 'timestamp out of range' : tsRefusal?.(b.ts);
    const samples = b.samples;
    for (let s = 0; s < samples.length; s++) {
      const sample = samples[s];
      if (!Number.isFinite(sample.value)) {
        dropped++; // NaN/Infinity cannot be a reading; the sample is dropped, not the batch
        continue;
      }
      const id = ids.get(sample.seriesKey);
      if (id === undefined || timeRefusal) {
        const bad = badSeries?.get(sample.seriesKey);
        if (!bad && !timeRefusal) return undefined;
        addRefusal(refused, batches, i, s, bad ? `series refused: ${bad.message}` : timeRefusal!);
        rejected++;
        continue;
      }
      ts[n] = b.ts;
      seriesIds[n] = id;
      values[n] = sample.value;
      rowRecord[n] = i;
      rowSample[n] = s;
      n++;
    }
  }
  return { cols: { ts: ts.subarray(0, n), seriesIds: seriesIds.subarray(0, n), values: values.subarray(0, n) }, rowRecord, rowSample, refused, rejected, dropped, freshTs };
}
