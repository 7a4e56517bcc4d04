// Writes one consumed batch of samples and the Kafka offsets it covers in ONE PostgreSQL
// transaction: after a crash the stored offsets say exactly which rows exist. Rows go through
// binary COPY into a per-session staging table, then into metric_points with ON CONFLICT DO
// NOTHING so a redelivered or replayed sample never makes a second row.
import type pg from 'pg';
import pgCopy from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { copyHeader, copyTrailer, encodePointRows } from './binary-copy.js';

export interface PointColumns {
  ts: number[];
  seriesIds: number[];
  values: number[];
}

export interface ConsumedOffset {
  topic: string;
  partition: number;
  nextOffset: bigint;
}

const CHUNK_ROWS = 8_192; // rows per encoded buffer handed to the COPY stream

async function ensureStaging(client: pg.ClientBase & { __ocStaging?: boolean }) {
  if (client.__ocStaging) return;
  await client.query('CREATE TEMP TABLE IF NOT EXISTS staging_points (LIKE metric_points INCLUDING DEFAULTS) ON COMMIT DELETE ROWS');
  client.__ocStaging = true;
}

function* chunks(cols: PointColumns): Generator<Buffer> {
  yield copyHeader();
  for (let start = 0; start < cols.seriesIds.length; start += CHUNK_ROWS) {
    const end = Math.min(start + CHUNK_ROWS, cols.seriesIds.length);
    yield encodePointRows(cols.ts.slice(start, end), cols.seriesIds.slice(start, end), cols.values.slice(start, end));
  }
  yield copyTrailer;
}

export async function writePoints(client: pg.ClientBase, groupId: string, cols: PointColumns, offsets: ConsumedOffset[]): Promise<{ inserted: number }> {
  await ensureStaging(client);
  await client.query('BEGIN');
  try {
    let inserted = 0;
    if (cols.seriesIds.length > 0) {
      const copy = client.query(pgCopy.from('COPY staging_points (ts, series_id, value) FROM STDIN (FORMAT binary)'));
      await pipeline(Readable.from(chunks(cols)), copy);
      const res = await client.query('INSERT INTO metric_points SELECT ts, series_id, value FROM staging_points ON CONFLICT DO NOTHING');
      inserted = res.rowCount ?? 0;
    }
    if (offsets.length > 0)
      await client.query(
        `INSERT INTO sink_offsets (group_id, topic, partition, next_offset)
         SELECT $1, * FROM unnest($2::text[], $3::int[], $4::bigint[])
         ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()`,
        [groupId, offsets.map((o) => o.topic), offsets.map((o) => o.partition), offsets.map((o) => o.nextOffset.toString())],
      );
    await client.query('COMMIT');
    return { inserted };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
