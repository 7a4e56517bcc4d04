// The plain-PostgreSQL layout on the real server: a walking-skeleton table converts to daily
// partitions keeping its rows; partitions are created ahead and dropped by retention on time
// (time is a parameter, nothing sleeps); the COPY → staging → INSERT ON CONFLICT path writes into
// partitions and ignores replays; rollup tables refreshed from the invalidation log agree with
// a GROUP BY over metric_points, also after late points and replays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createTestDatabase } from '../../test/pg-db.js';
import { migrate, migrations } from '../../storage/migrations.js';
import { inTransaction, insertPoints } from './point-writer.js';
import { hoursOf, logInvalidations } from '../../storage/rollups.js';
import { listPartitions, PartitionGuard } from '../../storage/partitions.js';
import { runMaintenance } from '../../storage/maintenance.js';
import { STORAGE_POLICY_DEFAULTS } from '../../storage/storage-policy.js';
import { assertRollupsMatchRaw } from '../../test/rollup-check.js';
import { DAY_MS } from '../../common/time-units.js';

const NOW = Date.UTC(2026, 10, 23, 10, 0, 0); // the test's clock
type Cols = { ts: number[]; seriesIds: number[]; values: number[] };
const day = (ms: number) => `metric_points_p${new Date(ms).toISOString().slice(0, 10).replace(/-/g, '')}`;

async function write(db: pg.Client, guard: PartitionGuard, cols: Cols): Promise<number> {
  await guard.ensureFor(db, cols.ts, NOW);
  return inTransaction(db, async () => {
    const { inserted, rejected } = await insertPoints(db, cols);
    assert.equal(rejected.length, 0);
    await logInvalidations(db, hoursOf(cols.ts));
    return inserted;
  });
}

function points(fromMs: number, n: number, everyMs: number, series: number[], value: (i: number, s: number) => number): Cols {
  const cols: Cols = { ts: [], seriesIds: [], values: [] };
  for (let i = 0; i < n; i++) for (const s of series) cols.ts.push(fromMs + i * everyMs), cols.seriesIds.push(s), cols.values.push(value(i, s));
  return cols;
}

test('native partitions: created ahead, dropped on time; rollups agree with raw data', { timeout: 60_000 }, async () => {
  const database = await createTestDatabase('sink_parts');
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  try {
    // A database of the walking skeleton (version 1, unpartitioned) with rows in it.
    await migrate(db, { list: [migrations[0]] });
    await db.query(`INSERT INTO series (series_key, device_id, metric, unit) SELECT 'd/m' || s, 'd', 'm', 'u' FROM generate_series(1, 3) s`);
    await db.query(`INSERT INTO metric_points VALUES ($1, 1, 1.5), ($2, 1, 2.5)`, [new Date(NOW - 2 * DAY_MS), new Date(NOW)]);
    // Every later migration applies (other areas append theirs after the sink's 1–4).
    assert.deepEqual(await migrate(db, { layout: 'auto' }), { applied: migrations.slice(1).map((m) => m.version), layout: 'partitioned' }, 'plain PostgreSQL 15 here: native partitions');
    assert.equal(Number((await db.query('SELECT count(*) AS n FROM metric_points')).rows[0].n), 2, 'the old rows moved into partitions');
    assert.deepEqual(await listPartitions(db), [day(NOW - 2 * DAY_MS), day(NOW)]);
    await db.query('TRUNCATE metric_points');

    const policy = { ...STORAGE_POLICY_DEFAULTS, rawRetentionDays: 7, rollup5mRetentionDays: 20, partitionsAheadDays: 3 };
    const m1 = await runMaintenance(db, policy, NOW);
    assert.deepEqual(await listPartitions(db), [0, 1, 2, 3].map((d) => day(NOW + d * DAY_MS)).concat(day(NOW - 2 * DAY_MS)).sort(), 'today and 3 days ahead exist');
    assert.equal(m1.dropped.length, 0);

    // Five days of points, 3 series, every 90 s, written in batches through the COPY path.
    const guard = new PartitionGuard(policy.rawRetentionDays, policy.partitionsAheadDays);
    const all = points(NOW - 5 * DAY_MS, 5 * 960, 90_000, [1, 2, 3], (i, s) => ((i * 31 + s * 17) % 200) - 50.25);
    let inserted = 0;
    for (let i = 0; i < all.ts.length; i += 4_000)
      inserted += await write(db, guard, { ts: all.ts.slice(i, i + 4_000), seriesIds: all.seriesIds.slice(i, i + 4_000), values: all.values.slice(i, i + 4_000) });
    assert.equal(inserted, all.ts.length);
    assert.ok((await listPartitions(db)).includes(day(NOW - 5 * DAY_MS)), 'partitions made on demand for the days written');

    // A replay of a slice: nothing new; a late point into an old hour: that hour is recomputed.
    assert.equal(await write(db, guard, { ts: all.ts.slice(0, 3_000), seriesIds: all.seriesIds.slice(0, 3_000), values: all.values.slice(0, 3_000) }), 0, 'replayed rows make no second row');
    const m2 = await runMaintenance(db, policy, NOW);
    assert.ok(m2.refreshedHours >= 5 * 24, `${m2.refreshedHours} hours refreshed`);
    await assertRollupsMatchRaw(db, 'partitioned');
    await write(db, guard, { ts: [NOW - 3 * DAY_MS + 1_234], seriesIds: [2], values: [1e6] });
    const m3 = await runMaintenance(db, policy, NOW);
    assert.equal(m3.refreshedHours, 1, 'only the late point\'s hour is recomputed');
    await assertRollupsMatchRaw(db, 'partitioned after a late point');
    const maxOf = await db.query(`SELECT max FROM metric_points_1d WHERE series_id = 2 AND bucket = $1`, [new Date(Math.floor((NOW - 3 * DAY_MS) / DAY_MS) * DAY_MS)]);
    assert.equal(maxOf.rows[0].max, 1e6, 'the late point reached the daily tier');

    // Four days later (retention 7 days): the partitions wholly older than 7 days go, the rollups stay.
    const later = NOW + 4 * DAY_MS;
    const m4 = await runMaintenance(db, policy, later);
    assert.deepEqual(m4.dropped.sort(), [day(NOW - 5 * DAY_MS), day(NOW - 4 * DAY_MS)], 'days older than the retention are dropped');
    assert.ok((await listPartitions(db)).includes(day(later + 3 * DAY_MS)), 'and new days are created ahead');
    const oldest = await db.query(`SELECT min(ts) AS t FROM metric_points`);
    assert.ok(new Date(oldest.rows[0].t).getTime() >= later - 8 * DAY_MS);
    assert.ok(Number((await db.query(`SELECT count(*) AS n FROM metric_points_5m WHERE bucket < $1`, [new Date(NOW - 4 * DAY_MS)])).rows[0].n) > 0, '5-minute rollups outlive raw points');
    // Much later, past the 5-minute tier's retention (20 days) too.
    const m5 = await runMaintenance(db, policy, NOW + 30 * DAY_MS);
    assert.ok(m5.rollupRowsExpired > 0);
    assert.equal(Number((await db.query(`SELECT count(*) AS n FROM metric_points_5m`)).rows[0].n), 0);
    assert.ok(Number((await db.query(`SELECT count(*) AS n FROM metric_points_1d`)).rows[0].n) > 0, 'the daily tier is kept longer');

    // A row outside every partition is refused by PostgreSQL, the others of its batch are written.
    const res = await inTransaction(db, () => insertPoints(db, { ts: [NOW + 30 * DAY_MS, NOW + 60 * DAY_MS + 5], seriesIds: [1, 1], values: [1, 2] }));
    assert.equal(res.inserted, 1);
    assert.equal(res.rejected.length, 1);
    assert.equal(res.rejected[0].index, 1);
    assert.match(res.rejected[0].error.message, /no partition of relation "metric_points" found for row/);
  } finally {
    await db.end();
    await database.drop();
  }
});
