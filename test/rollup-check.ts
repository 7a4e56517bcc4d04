// Test support: each rollup tier next to the same aggregate computed straight from raw points,
// for tests of both layouts. Rows are compared bucket by bucket; avg within float rounding.
import assert from 'node:assert/strict';
import type { Queryable } from '../storage/migrations.js';
import { BUCKET_ORIGIN } from '../storage/rollups.js';

export const tiers = [
  ['metric_points_5m', '5 minutes'],
  ['metric_points_1h', '1 hour'],
  ['metric_points_1d', '1 day'],
] as const;

type Row = { series_id: string; bucket: string; min: number; max: number; avg: number; last: number; count: string };

const norm = (rows: Row[]) =>
  rows.map((r) => ({ series_id: String(r.series_id), bucket: new Date(r.bucket).toISOString(), min: Number(r.min), max: Number(r.max), avg: Number(r.avg), last: Number(r.last), count: Number(r.count) }));

export async function assertRollupsMatchRaw(db: Queryable, label: string): Promise<number> {
  let buckets = 0;
  for (const [table, width] of tiers) {
    const raw = norm(
      (
        await db.query(`
          SELECT series_id, date_bin(INTERVAL '${width}', ts, ${BUCKET_ORIGIN}) AS bucket, min(value) AS min, max(value) AS max,
                 avg(value) AS avg, (array_agg(value ORDER BY ts DESC))[1] AS last, count(*) AS count
            FROM metric_points GROUP BY 1, 2 ORDER BY 1, 2`)
      ).rows,
    );
    const rolled = norm((await db.query(`SELECT series_id, bucket, min, max, avg, last, count FROM ${table} ORDER BY 1, 2`)).rows);
    assert.equal(rolled.length, raw.length, `${label}: ${table} has one row per (series, bucket) of the raw data`);
    for (let i = 0; i < raw.length; i++) {
      const a = rolled[i];
      const b = raw[i];
      assert.deepEqual({ ...a, avg: 0 }, { ...b, avg: 0 }, `${label}: ${table} row ${i}`);
      assert.ok(Math.abs(a.avg - b.avg) <= 1e-9 * Math.max(1, Math.abs(b.avg)), `${label}: ${table} avg ${a.avg} vs ${b.avg}`);
    }
    buckets += raw.length;
  }
  return buckets;
}
