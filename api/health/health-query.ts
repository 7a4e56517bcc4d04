// Device health: the latest score per device (Redis, where the sink keeps it, with PostgreSQL for
// devices the cache does not hold) and the history as columns, bucketed like readings when the
// range holds more than maxPoints scores.

import type pg from 'pg';
import type { HealthComponent, HealthScore } from '../../schemas/types.js';
import type { HealthHistory as GqlHealthHistory } from '../graphql/schema-types.js';
import type { LastValuesReader } from '../live/last-values-reader.js';
import { bucketPlan } from '../readings/tiers.js';

type Queryable = Pick<pg.Pool, 'query'>;

/** The schema's HealthHistory, its tier one of the two this query produces. */
export type HealthHistory = Omit<GqlHealthHistory, 'tier'> & { tier: 'raw' | 'bucketed' };

const ms = (col: string) => `(extract(epoch from ${col}) * 1000)::float8`;

export async function latestHealthFromDb(db: Queryable, deviceIds: readonly string[]): Promise<Map<string, HealthScore>> {
  const { rows } = await db.query<{ deviceId: string; ts: number; score: number; components: HealthComponent[] }>(
    `select distinct on (device_id) device_id as "deviceId", ${ms('ts')} as ts, score, components
     from health_scores where device_id = any($1::text[]) order by device_id, ts desc`,
    [[...new Set(deviceIds)]],
  );
  return new Map(rows.map((r) => [r.deviceId, r]));
}

/** Latest score per device: the cache first, PostgreSQL for the rest. */
export async function latestHealth(db: Queryable, cache: LastValuesReader | null, deviceIds: readonly string[]): Promise<Map<string, HealthScore>> {
  const found = cache ? await cache.health(deviceIds) : new Map<string, HealthScore>();
  const missing = deviceIds.filter((id) => !found.has(id));
  if (missing.length > 0) for (const [id, score] of await latestHealthFromDb(db, missing)) found.set(id, score);
  return found;
}

export async function healthHistory(db: Queryable, req: { deviceIds: string[]; fromMs: number; toMs: number; maxPoints: number }): Promise<HealthHistory[]> {
  const { deviceIds, fromMs, toMs, maxPoints } = req;
  const inRange = `device_id = any($1::text[]) and ts >= to_timestamp($2::float8 / 1000) and ts <= to_timestamp($3::float8 / 1000)`;
  const counts = await db.query<{ id: string; n: number }>(`select device_id as id, count(*)::int as n from health_scores where ${inRange} group by 1`, [deviceIds, fromMs, toMs]);
  const dense = new Set(counts.rows.filter((r) => r.n > maxPoints).map((r) => r.id));
  const sparse = deviceIds.filter((id) => !dense.has(id));
  const { bucketMs, bucketCount } = bucketPlan(fromMs, toMs, maxPoints);
  const out = new Map<string, HealthHistory>();
  for (const id of deviceIds) {
    out.set(id, dense.has(id)
      ? { deviceId: id, tier: 'bucketed', timestamps: [], scores: [], min: [], max: [], bucketMs }
      : { deviceId: id, tier: 'raw', timestamps: [], scores: [], min: null, max: null, bucketMs: null });
  }
  if (sparse.length > 0) {
    const { rows } = await db.query<{ id: string; t: number; score: number }>(
      `select device_id as id, ${ms('ts')} as t, score from health_scores where ${inRange} order by device_id, ts`,
      [sparse, fromMs, toMs],
    );
    for (const r of rows) {
      const h = out.get(r.id)!;
      h.timestamps.push(r.t);
      h.scores.push(r.score);
    }
  }
  if (dense.size > 0) {
    const { rows } = await db.query<{ id: string; b: number; avg: number; min: number; max: number }>(
      `select device_id as id, least(floor((${ms('ts')} - $2::float8) / $4::float8)::int, $5::int - 1) as b, avg(score) as avg, min(score) as min, max(score) as max
       from health_scores where ${inRange} group by 1, 2 order by 1, 2`,
      [[...dense], fromMs, toMs, bucketMs, bucketCount],
    );
    for (const r of rows) {
      const h = out.get(r.id)!;
      h.timestamps.push(fromMs + r.b * bucketMs);
      h.scores.push(r.avg);
      h.min!.push(r.min);
      h.max!.push(r.max);
    }
  }
  return deviceIds.map((id) => out.get(id)!);
}
