// Housekeeping of the plain-PostgreSQL layout, what TimescaleDB's background jobs do on the other:
// partitions created ahead, partitions and rollup rows past retention dropped, rollups refreshed
// from the invalidation log. Idempotent and safe from several replicas (partition creation
// tolerates races, the refresh takes an advisory lock). `nowMs` is a parameter for tests.
import type { Queryable } from './migrations.js';
import type { StoragePolicy } from './storage-policy.js';
import { dropExpiredPartitions, ensurePartitions } from './partitions.js';
import { refreshRollups } from './rollups.js';
import { DAY_MS } from '../common/time-units.js';


export interface MaintenanceReport {
  created: string[];
  dropped: string[];
  rollupRowsExpired: number;
  healthRowsExpired: number;
  refreshedHours: number;
}

export async function runMaintenance(db: Queryable, policy: StoragePolicy, nowMs = Date.now()): Promise<MaintenanceReport> {
  const created = await ensurePartitions(db, nowMs, nowMs + policy.partitionsAheadDays * DAY_MS);
  // Rollups first: an hour invalidated just before its partition expires is still counted.
  const rawCutoff = nowMs - policy.rawRetentionDays * DAY_MS;
  let refreshedHours = 0;
  for (let i = 0; i < 10; i++) {
    const { hours } = await refreshRollups(db, { notBeforeMs: rawCutoff });
    refreshedHours += hours;
    if (hours === 0) break;
  }
  const dropped = await dropExpiredPartitions(db, nowMs, policy.rawRetentionDays);
  let rollupRowsExpired = 0;
  for (const [table, days] of [
    ['metric_points_5m', policy.rollup5mRetentionDays],
    ['metric_points_1h', policy.rollup1hRetentionDays],
    ['metric_points_1d', policy.rollup1dRetentionDays],
  ] as const) {
    const res = await db.query(`DELETE FROM ${table} WHERE bucket < $1`, [new Date(nowMs - days * DAY_MS)]);
    rollupRowsExpired += res.rowCount ?? 0;
  }
  const health = await db.query('DELETE FROM health_scores WHERE ts < $1', [new Date(nowMs - policy.healthRetentionDays * DAY_MS)]);
  return { created, dropped, rollupRowsExpired, healthRowsExpired: health.rowCount ?? 0, refreshedHours };
}
