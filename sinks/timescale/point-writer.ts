// The pieces of one batch transaction: the stored Kafka offsets (locked, so two sinks that both
// believe they own a partition after a rebalance take turns and the second sees what the first
// wrote), the rows, and the new offsets. Rows go through binary COPY into a per-session staging
// table, then into metric_points with ON CONFLICT DO NOTHING so a redelivered or replayed sample
// never makes a second row. A row PostgreSQL refuses is isolated by bisection under savepoints:
// the rest of the batch is written and the refused rows are reported, with PostgreSQL's reason.
import type pg from 'pg';
import pgCopy from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { copyHeader, copyTrailer, encodePointRows } from './binary-copy.js';
import { isRowRejection } from './pg-session.js';
import type { Queryable } from '../../storage/migrations.js';

/** The connection a batch is written on: pg's, or one on a worker thread that encodes and
 *  streams the COPY itself (off-thread-client.ts). */
export interface PointsClient extends Queryable {
  copyPoints?(table: string, cols: PointColumns, lo: number, hi: number): Promise<void>;
}

/** Parallel columns of the rows; ts in ms since epoch. */
export interface PointColumns {
  ts: ArrayLike<number>;
  seriesIds: ArrayLike<number>;
  values: ArrayLike<number>;
}

export interface ConsumedOffset {
  topic: string;
  partition: number;
  nextOffset: bigint;
}

export interface RejectedRow {
  /** Index into the columns handed to insertPoints. */
  index: number;
  error: Error;
}

const CHUNK_ROWS = 8_192; // rows per encoded buffer handed to the COPY stream

async function ensureStaging(client: PointsClient & { __ocStaging?: boolean }) {
  if (client.__ocStaging) return;
  await client.query('CREATE TEMP TABLE IF NOT EXISTS staging_points (LIKE metric_points INCLUDING DEFAULTS) ON COMMIT DELETE ROWS');
  client.__ocStaging = true;
}

function* chunks(cols: PointColumns, lo: number, hi: number): Generator<Buffer> {
  yield copyHeader();
  for (let start = lo; start < hi; start += CHUNK_ROWS) {
    const end = Math.min(start + CHUNK_ROWS, hi);
    yield encodePointRows(cols.ts, cols.seriesIds, cols.values, start, end);
  }
  yield copyTrailer;
}

async function copyInto(client: PointsClient, table: string, cols: PointColumns, lo: number, hi: number): Promise<void> {
  if (client.copyPoints) return client.copyPoints(table, cols, lo, hi);
  const copy = (client as pg.ClientBase).query(pgCopy.from(`COPY ${table} (ts, series_id, value) FROM STDIN (FORMAT binary)`));
  await pipeline(Readable.from(chunks(cols, lo, hi)), copy);
}

export async function inTransaction<T>(client: Queryable, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** The stored next offsets of these partitions, locked until the transaction ends. */
export async function lockStoredOffsets(client: PointsClient, groupId: string, parts: { topic: string; partition: number }[]): Promise<Map<string, bigint>> {
  const res: { rows: { topic: string; partition: number; next_offset: string }[] } = await client.query(
    `SELECT topic, partition, next_offset FROM sink_offsets
      WHERE group_id = $1 AND (topic, partition) IN (SELECT * FROM unnest($2::text[], $3::int[]))
      ORDER BY topic, partition FOR UPDATE`,
    [groupId, parts.map((p) => p.topic), parts.map((p) => p.partition)],
  );
  return new Map(res.rows.map((r) => [`${r.topic}:${r.partition}`, BigInt(r.next_offset)]));
}

/**
 * Where each assigned partition resumes: its stored next offset, or 0 for a partition this
 * database has nothing of (the broker answers an offset below the log start with the earliest
 * one). Every assigned partition is listed: the group's Kafka commits never decide.
 */
export async function readStoredOffsets(client: Pick<pg.ClientBase, 'query'>, groupId: string, assigned: Map<string, number[]>): Promise<{ topic: string; partition: number; offset: string }[]> {
  const topics: string[] = [];
  const partitions: number[] = [];
  for (const [topic, ps] of assigned) {
    for (const p of ps) {
      topics.push(topic);
      partitions.push(p);
    }
  }
  const res = await client.query<{ topic: string; partition: number; next_offset: string }>(
    `SELECT topic, partition, next_offset FROM sink_offsets
      WHERE group_id = $1 AND (topic, partition) IN (SELECT * FROM unnest($2::text[], $3::int[]))`,
    [groupId, topics, partitions],
  );
  const stored = new Map(res.rows.map((r) => [`${r.topic}:${r.partition}`, String(r.next_offset)]));
  return topics.map((topic, i) => ({ topic, partition: partitions[i], offset: stored.get(`${topic}:${partitions[i]}`) ?? '0' }));
}

export async function storeOffsets(client: PointsClient, groupId: string, offsets: ConsumedOffset[]): Promise<void> {
  if (offsets.length === 0) return;
  await client.query(
    `INSERT INTO sink_offsets (group_id, topic, partition, next_offset)
     SELECT $1, * FROM unnest($2::text[], $3::int[], $4::bigint[])
     ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()`,
    [groupId, offsets.map((o) => o.topic), offsets.map((o) => o.partition), offsets.map((o) => o.nextOffset.toString())],
  );
}

/**
 * Inserts the rows inside the caller's transaction. Returns how many were new (the others were
 * already there), which ones PostgreSQL refused, and whether the direct path held.
 *
 * `direct`: first COPY straight into metric_points, as fast as a load gets. It holds when every
 * row is new, the usual case for a sink reading forward; if any row is already there (a replay)
 * the primary key refuses the COPY, which is undone to a savepoint and the batch takes the staging
 * path. Either way a reading never makes a second row.
 */
export async function insertPoints(client: PointsClient, cols: PointColumns, opts: { direct?: boolean } = {}): Promise<{ inserted: number; rejected: RejectedRow[]; direct: boolean }> {
  const n = cols.seriesIds.length;
  if (n === 0) return { inserted: 0, rejected: [], direct: false };
  if (opts.direct) {
    await client.query('SAVEPOINT oc_direct');
    try {
      await copyInto(client, 'metric_points', cols, 0, n);
      await client.query('RELEASE SAVEPOINT oc_direct');
      return { inserted: n, rejected: [], direct: true };
    } catch (err) {
      if (!isRowRejection(err)) throw err;
      await client.query('ROLLBACK TO SAVEPOINT oc_direct');
      await client.query('RELEASE SAVEPOINT oc_direct');
    }
  }
  const out = { inserted: 0, rejected: [] as RejectedRow[], direct: false };
  await ensureStaging(client);
  await insertRange(client, cols, 0, cols.seriesIds.length, out, false);
  return out;
}

async function insertRange(client: PointsClient, cols: PointColumns, lo: number, hi: number, out: { inserted: number; rejected: RejectedRow[] }, bisecting: boolean): Promise<void> {
  await client.query('SAVEPOINT oc_rows');
  try {
    await copyInto(client, 'staging_points', cols, lo, hi);
    const res = await client.query('INSERT INTO metric_points SELECT ts, series_id, value FROM staging_points ON CONFLICT DO NOTHING');
    // Staging empties at commit; between the pieces of a bisection it must be emptied by hand.
    if (bisecting) await client.query('TRUNCATE staging_points');
    await client.query('RELEASE SAVEPOINT oc_rows');
    out.inserted += res.rowCount ?? 0;
  } catch (err) {
    if (!isRowRejection(err)) throw err;
    await client.query('ROLLBACK TO SAVEPOINT oc_rows');
    await client.query('RELEASE SAVEPOINT oc_rows');
    if (hi - lo === 1) {
      out.rejected.push({ index: lo, error: err as Error });
      return;
    }
    const mid = lo + Math.ceil((hi - lo) / 2);
    await insertRange(client, cols, lo, mid, out, true);
    await insertRange(client, cols, mid, hi, out, true);
  }
}
