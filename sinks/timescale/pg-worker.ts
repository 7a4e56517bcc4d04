// Body of the worker thread that owns the sink's writing PostgreSQL connection (see
// off-thread-client.ts for why). It runs what the main thread asks, one request at a time, in
// order: plain queries, and binary COPY of point columns, which it encodes itself so the main
// thread hands over three typed arrays and goes back to decoding Kafka batches. Errors go back
// with PostgreSQL's fields (code, detail...) so the main thread classifies them as before.
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import pgCopy from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { copyHeader, copyTrailer, encodePointRows } from './binary-copy.js';

export interface WorkerConfig {
  url: string;
  applicationName: string;
  connectTimeoutMs: number;
}

export type WorkerRequest =
  | { id: number; op: 'connect' }
  | { id: number; op: 'query'; text: string; values?: unknown[] }
  | { id: number; op: 'copyPoints'; table: string; ts: Float64Array; seriesIds: Float64Array; values: Float64Array }
  | { id: number; op: 'end' };

export interface SerializedError {
  message: string;
  fields: Record<string, unknown>;
}

export type WorkerReply =
  | { id: number; ok: true; rows?: unknown[]; rowCount?: number | null }
  | { id: number; ok: false; error: SerializedError }
  | { id: -1; lost: SerializedError }; // the connection broke while idle

const CHUNK_ROWS = 8_192; // rows per encoded buffer handed to the COPY stream
const END_WAIT_MS = 1_000;

function serialize(err: unknown): SerializedError {
  const e = err as Error & Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const k of ['code', 'detail', 'hint', 'constraint', 'table', 'column', 'schema', 'severity', 'where', 'routine']) if (typeof e?.[k] === 'string') fields[k] = e[k];
  return { message: e?.message ?? String(err), fields };
}

function* chunks(ts: Float64Array, ids: Float64Array, values: Float64Array): Generator<Buffer> {
  yield copyHeader();
  for (let start = 0; start < ids.length; start += CHUNK_ROWS) yield encodePointRows(ts, ids, values, start, Math.min(start + CHUNK_ROWS, ids.length));
  yield copyTrailer;
}

const config = workerData as WorkerConfig;
const port = parentPort!;
const client = new pg.Client({ connectionString: config.url, application_name: config.applicationName, connectionTimeoutMillis: config.connectTimeoutMs });
client.on('error', (err) => port.postMessage({ id: -1, lost: serialize(err) } satisfies WorkerReply));

async function handle(req: WorkerRequest): Promise<WorkerReply> {
  switch (req.op) {
    case 'connect':
      await client.connect();
      return { id: req.id, ok: true };
    case 'query': {
      const res = await client.query(req.text, req.values);
      return { id: req.id, ok: true, rows: res.rows, rowCount: res.rowCount };
    }
    case 'copyPoints': {
      const copy = client.query(pgCopy.from(`COPY ${req.table} (ts, series_id, value) FROM STDIN (FORMAT binary)`));
      await pipeline(Readable.from(chunks(req.ts, req.seriesIds, req.values)), copy);
      return { id: req.id, ok: true, rowCount: req.seriesIds.length };
    }
    case 'end':
      // A connection the server already dropped may never confirm its end: do not wait for it.
      await Promise.race([client.end().catch(() => undefined), new Promise((r) => setTimeout(r, END_WAIT_MS))]);
      return { id: req.id, ok: true };
  }
}

// One at a time: a connection runs one statement at a time anyway, and order is the contract.
let queue: Promise<void> = Promise.resolve();
port.on('message', (req: WorkerRequest) => {
  queue = queue.then(() =>
    handle(req).then(
      (reply) => port.postMessage(reply),
      (err) => port.postMessage({ id: req.id, ok: false, error: serialize(err) } satisfies WorkerReply),
    ),
  );
});
