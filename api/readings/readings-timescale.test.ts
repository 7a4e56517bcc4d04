// The readings tiers on the TimescaleDB layout (PGlite with TimescaleDB, in-process): the same
// queries the API runs read the continuous aggregates, and agree with raw data.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migrate } from '../../storage/migrations.js';
import { openTimescalePGlite } from '../../test/pglite-queryable.js';
import { queryReadings } from './readings-query.js';
import { DAY_MS } from '../../common/time-units.js';

const START = Date.UTC(2026, 10, 1);

test('TimescaleDB layout: each tier served from its continuous aggregate agrees with raw data', { timeout: 120_000 }, async () => {
  const { db, close } = await openTimescalePGlite();
  try {
    await migrate(db, { layout: 'timescaledb' });
    // The API's pool also takes query configs ({ text, values, rowMode }); PGlite's adapter takes (sql, params).
    const api = {
      query: async (config: string | { text: string; values?: unknown[]; rowMode?: string }, params?: unknown[]) => {
        if (typeof config === 'string') return db.query(config, params);
        const r = await db.query(config.text, config.values);
        return { ...r, rows: config.rowMode === 'array' ? r.rows.map((row: Record<string, unknown>) => Object.values(row)) : r.rows };
      },
    };
    const { rows } = await db.query(`INSERT INTO series (series_key, device_id, metric, labels, unit) VALUES ('ts-1/if_in_bps', 'ts-1', 'if_in_bps', '{}', 'bps') RETURNING series_id::text AS id`);
    const id = rows[0].id as string;
    await db.query(
      `INSERT INTO metric_points (ts, series_id, value)
       SELECT to_timestamp(($2::float8 + i * 60000) / 1000), $1::bigint, 100 + 40 * sin(i / 60.0) + 8 * sin(i * 7.3) FROM generate_series(0, 10 * 1440 - 1) i`,
      [id, START],
    );
    for (const view of ['metric_points_5m', 'metric_points_1h', 'metric_points_1d']) {
      await db.query(`CALL refresh_continuous_aggregate('${view}', $1::timestamptz, $2::timestamptz)`, [new Date(START - DAY_MS).toISOString(), new Date(START + 11 * DAY_MS).toISOString()]);
    }
    const from = START + DAY_MS + 12_345;
    const to = START + 9 * DAY_MS - 1;
    for (const [maxPoints, tier, width] of [[1_000, '5m', '5 minutes'], [100, '1h', '1 hour'], [5, '1d', '1 day']] as const) {
      const [cols] = await queryReadings(api as never, { seriesIds: [id], fromMs: from, toMs: to, maxPoints });
      assert.equal(cols.tier, tier);
      const bucketMs = cols.bucketMs!;
      const expected = (await db.query(
        `WITH p AS (SELECT value, (extract(epoch FROM time_bucket(INTERVAL '${width}', ts)) * 1000)::float8 AS rb FROM metric_points WHERE series_id = $1::bigint)
         SELECT least(floor((rb - $2::float8) / $4::float8)::int, $5::int - 1) AS b, avg(value) AS avg, min(value) AS min, max(value) AS max
         FROM p WHERE rb >= $2::float8 AND rb <= $3::float8 GROUP BY 1 ORDER BY 1`,
        [id, from, to, bucketMs, Math.ceil((to - from) / bucketMs)],
      )).rows as Array<{ b: number; avg: number; min: number; max: number }>;
      assert.equal(cols.timestamps.length, expected.length, tier);
      expected.forEach((row, i) => {
        assert.equal(cols.timestamps[i], from + row.b * bucketMs);
        assert.ok(Math.abs(cols.values[i] - row.avg) < 1e-9 * Math.abs(row.avg), `${tier} avg ${cols.values[i]} != ${row.avg}`);
        assert.equal(cols.min![i], row.min);
        assert.equal(cols.max![i], row.max);
      });
    }
  } finally {
    await close();
  }
});
