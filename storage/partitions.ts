// Native partitions of metric_points (plain PostgreSQL layout): daily partitions created ahead of
// time and on demand for the days a batch touches, dropped once past retention. Time is a
// parameter everywhere so tests drive it without waiting.
import type { Queryable } from './migrations.js';
import { DAY_MS } from '../common/time-units.js';


export function utcDay(ms: number): string {
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/** Partitions exist for every UTC day from `fromMs` to `toMs` (inclusive); returns their names. */
export async function ensurePartitions(db: Queryable, fromMs: number, toMs: number): Promise<string[]> {
  const days: string[] = [];
  for (let d = Math.floor(fromMs / DAY_MS) * DAY_MS; d <= toMs; d += DAY_MS) days.push(utcDay(d));
  if (days.length === 0) return [];
  const res = await db.query('SELECT oc_metric_partition(d) AS name FROM unnest($1::date[]) d', [days]);
  return res.rows.map((r: { name: string }) => r.name);
}

/** Drops the partitions wholly older than `retentionDays` before `nowMs`; returns their names. */
export async function dropExpiredPartitions(db: Queryable, nowMs: number, retentionDays: number): Promise<string[]> {
  const res = await db.query('SELECT oc_drop_metric_partitions($1) AS name', [new Date(nowMs - retentionDays * DAY_MS)]);
  return res.rows.map((r: { name: string }) => r.name);
}

export async function listPartitions(db: Queryable): Promise<string[]> {
  const res = await db.query(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'metric_points'::regclass ORDER BY 1`,
  );
  return res.rows.map((r: { name: string }) => r.name);
}

/**
 * The days a writer may create partitions for on demand: from the retention horizon to the days
 * created ahead. A reading outside (a device clock in 2090, a replay older than retention) finds
 * no partition and PostgreSQL rejects it, which sends it to the dead-letter topic.
 */
export class PartitionGuard {
  private known = new Set<number>(); // UTC day numbers (ms / DAY_MS)
  constructor(private readonly retentionDays: number, private readonly aheadDays: number) {}

  /** Why a row at `tsMs` can have no partition, or undefined when it can. */
  refusal(tsMs: number, nowMs = Date.now()): string | undefined {
    const day = Math.floor(tsMs / DAY_MS);
    if (this.known.has(day)) return undefined;
    const [lo, hi] = this.window(nowMs);
    if (tsMs >= lo && tsMs < hi) return undefined;
    return `no partition of relation "metric_points" found for row: ${Number.isFinite(tsMs) && Math.abs(tsMs) < 8.64e15 ? new Date(tsMs).toISOString() : tsMs} is outside the partitioned range (retention ${this.retentionDays} d, ${this.aheadDays} d ahead)`;
  }

  private window(nowMs: number): [number, number] {
    return [Math.floor((nowMs - this.retentionDays * DAY_MS) / DAY_MS) * DAY_MS, nowMs + (this.aheadDays + 1) * DAY_MS];
  }

  async ensureFor(db: Queryable, tsMs: Iterable<number>, nowMs = Date.now()): Promise<void> {
    const [lo, hi] = this.window(nowMs);
    const missing = new Set<number>();
    for (const t of tsMs) {
      if (!(t >= lo && t < hi)) continue;
      const day = Math.floor(t / DAY_MS);
      if (!this.known.has(day)) missing.add(day);
    }
    if (missing.size === 0) return;
    await db.query('SELECT oc_metric_partition(d) FROM unnest($1::date[]) d', [[...missing].map((d) => utcDay(d * DAY_MS))]);
    for (const d of missing) this.known.add(d);
  }

  /** After retention dropped partitions, forget them so a late row may recreate one in range. */
  forget(): void {
    this.known.clear();
  }
}
