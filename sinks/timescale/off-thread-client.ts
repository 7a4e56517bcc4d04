// A PostgreSQL connection that lives on a worker thread. The sink's main thread spends its time
// decoding Kafka batches (Avro) in long synchronous stretches; when the COPY
// stream of the previous batch is fed from that same thread, PostgreSQL waits for every stretch
// to end. Here the worker owns the socket and encodes the binary COPY rows itself, so the COPY of
// batch N runs at PostgreSQL's pace while the main thread decodes batch N+1.
// Everything else about the connection is unchanged: the same statements in the same order on one
// session, so BEGIN … COPY … offsets … COMMIT stay one transaction (the exactly-once contract),
// and errors come back with PostgreSQL's code, so row rejections and transient failures are told
// apart as before. The columns are copied into fresh buffers and transferred, not cloned.
import { Worker } from 'node:worker_threads';
import { EventEmitter } from 'node:events';
import type { PointColumns } from './point-writer.js';
import type { SerializedError, WorkerConfig, WorkerReply, WorkerRequest } from './pg-worker.js';
import { COMPILED, siblingModule } from '../../common/project-root.js';

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
type Request = DistributiveOmit<WorkerRequest, 'id'>;

const END_WAIT_MS = 2_000; // then the thread is terminated, connection or not
// From a checkout the worker registers tsx first (pg-worker-boot.mjs); compiled, it is plain JS.
const ENTRY = siblingModule('pg-worker', import.meta.url);
const BOOT = COMPILED ? ENTRY : new URL('./pg-worker-boot.mjs', import.meta.url);

function revive(e: SerializedError): Error {
  return Object.assign(new Error(e.message), e.fields);
}

function copyOf(a: ArrayLike<number>, lo: number, hi: number): Float64Array {
  if (a instanceof Float64Array) return a.slice(lo, hi);
  const out = new Float64Array(hi - lo);
  for (let i = lo; i < hi; i++) out[i - lo] = a[i];
  return out;
}

export class OffThreadPgClient extends EventEmitter {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: Extract<WorkerReply, { ok: true }>) => void; reject: (e: Error) => void }>();
  private dead: Error | undefined;
  private ended = false;

  constructor(config: WorkerConfig) {
    super();
    this.worker = new Worker(BOOT, { workerData: { ...config, entry: ENTRY.href } });
    this.worker.on('message', (m: WorkerReply) => {
      if ('lost' in m) {
        // Nothing more can run on it: queries fail at once from here, and the thread goes (a
        // session drops a lost client without ending it, as it may with a pg.Client).
        const err = revive(m.lost);
        this.dead ??= err;
        this.emit('error', err);
        return void this.end();
      }
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.ok) w.resolve(m);
      else w.reject(revive(m.error));
    });
    // A worker that dies takes its connection with it: every caller sees a connection failure.
    const fail = (err: Error) => {
      this.dead ??= Object.assign(new Error(`PostgreSQL worker thread ended: connection terminated (${err.message})`), { code: 'EWORKEREXIT' });
      for (const w of this.waiting.values()) w.reject(this.dead);
      this.waiting.clear();
      if (!this.ended) this.emit('error', this.dead);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
  }

  private call(req: Request, transfer: ArrayBuffer[] = []): Promise<Extract<WorkerReply, { ok: true }>> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id }, transfer);
    });
  }

  async connect(): Promise<void> {
    await this.call({ op: 'connect' });
  }

  async query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }> {
    const r = await this.call({ op: 'query', text, values });
    return { rows: (r.rows ?? []) as R[], rowCount: r.rowCount ?? null };
  }

  /** Binary COPY of rows lo..hi of the columns into `table` (ts, series_id, value). */
  async copyPoints(table: string, cols: PointColumns, lo: number, hi: number): Promise<void> {
    const ts = copyOf(cols.ts, lo, hi);
    const seriesIds = copyOf(cols.seriesIds, lo, hi);
    const values = copyOf(cols.values, lo, hi);
    await this.call({ op: 'copyPoints', table, ts, seriesIds, values }, [ts.buffer as ArrayBuffer, seriesIds.buffer as ArrayBuffer, values.buffer as ArrayBuffer]);
  }

  async end(): Promise<void> {
    if (this.ended) return;
    if (!this.dead) await Promise.race([this.call({ op: 'end' }).catch(() => undefined), new Promise((r) => setTimeout(r, END_WAIT_MS))]);
    this.ended = true;
    this.dead ??= Object.assign(new Error('PostgreSQL connection ended: not queryable'), { code: 'EENDED' });
    await this.worker.terminate();
  }
}
