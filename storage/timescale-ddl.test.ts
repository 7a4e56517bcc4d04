// The TimescaleDB layout against TimescaleDB itself (PGlite with TimescaleDB 2.23, in-process):
// the migrations create the hypertables, compression segmented by series, continuous aggregates
// and the policies the configuration asks for; the aggregates, refreshed, agree with raw data,
// also once old chunks are compressed; and the analyst views answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migrate, migrations } from './migrations.js';
import { hypertablePolicySql } from './ddl-hypertable.js';
import { openTimescalePGlite } from '../test/pglite-queryable.js';
import { STORAGE_POLICY_DEFAULTS } from './storage-policy.js';
import { assertRollupsMatchRaw, tiers } from '../test/rollup-check.js';
import { DAY_MS } from '../common/time-units.js';


test('TimescaleDB layout: hypertables, compression, policies, continuous aggregates that agree with raw data', { timeout: 60_000 }, async () => {
  const { db, close } = await openTimescalePGlite();
  try {
    const first = await migrate(db, { layout: 'timescaledb' });
    assert.deepEqual(first, { applied: migrations.map((m) => m.version), layout: 'timescaledb' });
    assert.deepEqual(first.applied.slice(0, 4), [1, 2, 3, 4], "the sink's own migrations come first");
    const policy = { ...STORAGE_POLICY_DEFAULTS, compressAfterDays: 3, rawRetentionDays: 21 };
    for (const sql of hypertablePolicySql(policy)) await db.query(sql);
    for (const sql of hypertablePolicySql(policy)) await db.query(sql); // re-applied at every start
    assert.deepEqual(await migrate(db), { applied: [], layout: 'timescaledb' }, 'a second start applies nothing');

    const hypertables = (await db.query(`SELECT hypertable_name FROM timescaledb_information.hypertables ORDER BY 1`)).rows.map((r) => r.hypertable_name);
    assert.ok(hypertables.includes('metric_points') && hypertables.includes('health_scores'), hypertables.join());
    const seg = (await db.query(`SELECT attname, segmentby_column_index FROM timescaledb_information.compression_settings WHERE hypertable_name = 'metric_points' AND segmentby_column_index IS NOT NULL`)).rows;
    assert.deepEqual(seg.map((r) => r.attname), ['series_id'], 'compressed segments hold one series each');
    const caggs = (await db.query(`SELECT view_name FROM timescaledb_information.continuous_aggregates ORDER BY 1`)).rows.map((r) => r.view_name);
    assert.deepEqual(caggs, tiers.map(([t]) => t).sort());

    const jobs = (await db.query(`SELECT proc_name, hypertable_name, config::text AS config FROM timescaledb_information.jobs WHERE proc_name LIKE 'policy_%' ORDER BY 1, 2`)).rows as { proc_name: string; hypertable_name: string; config: string }[];
    const job = (proc: string, pick: (j: { hypertable_name: string; config: string }) => boolean) => jobs.filter((j) => j.proc_name === proc).find(pick);
    assert.match(job('policy_compression', () => true)!.config, /"compress_after": "3 days"/);
    const retention = jobs.filter((j) => j.proc_name === 'policy_retention');
    assert.equal(retention.length, 5, 'one retention policy per tier and health: ' + JSON.stringify(retention));
    assert.ok(retention.some((j) => /"drop_after": "21 days"/.test(j.config)), 'raw retention follows the setting');
    assert.equal(jobs.filter((j) => j.proc_name === 'policy_refresh_continuous_aggregate').length, 3, 'a refresh policy per aggregate');

    // Three series, two and a half days of points every 37 s with a known shape.
    await db.query(`INSERT INTO series (series_key, device_id, metric, labels, unit) VALUES
      ('r1/if_in_bps{ifName=eth0}', 'r1', 'if_in_bps', '{"ifName":"eth0"}', 'bps'),
      ('r1/if_in_errors_ps{ifName=eth0}', 'r1', 'if_in_errors_ps', '{"ifName":"eth0"}', 'pps'),
      ('r1/device_up', 'r1', 'device_up', '{}', 'ratio')`);
    const start = Math.floor(Date.now() / DAY_MS) * DAY_MS - 2 * DAY_MS;
    await db.query(
      `INSERT INTO metric_points (ts, series_id, value)
       SELECT to_timestamp(($1::float8 + n * 37000) / 1000), s, (n * 7919 + s * 104729) % 1000 / 10.0
         FROM generate_series(0, 5800) n, generate_series(1, 3) s`,
      [start],
    );
    for (const [t] of tiers) await db.query(`CALL refresh_continuous_aggregate('${t}', NULL, NULL)`);
    const buckets = await assertRollupsMatchRaw(db, 'timescaledb');
    assert.ok(buckets > 3 * 500, `${buckets} buckets compared`);

    // Compress the chunks older than a day: rollups and raw reads are unchanged.
    const compressed = (await db.query(`SELECT compress_chunk(c) FROM show_chunks('metric_points', older_than => INTERVAL '1 day') c`)).rows.length;
    assert.ok(compressed >= 1, 'old chunks compress');
    assert.equal(Number((await db.query('SELECT count(*) AS n FROM metric_points')).rows[0].n), 5801 * 3);
    await assertRollupsMatchRaw(db, 'timescaledb after compression');

    // What the API runs: a range of one tier for one series, and the analyst views.
    const hourly = await db.query(`SELECT bucket, avg, min, max, last, count FROM metric_points_1h WHERE series_id = $1 AND bucket >= $2 AND bucket < $3 ORDER BY bucket`, [1, new Date(start), new Date(start + DAY_MS)]);
    assert.equal(hourly.rows.length, 24);
    assert.equal(Number((await db.query(`SELECT count(*) AS n FROM interface_traffic WHERE if_name = 'eth0'`)).rows[0].n), 5801);
    assert.equal(Number((await db.query(`SELECT count(*) AS n FROM interface_errors`)).rows[0].n), 5801);
    assert.equal(Number((await db.query(`SELECT count(*) AS n FROM availability`)).rows[0].n), 5801);
    for (const v of ['optical_power', 'path_latency_loss']) await db.query(`SELECT * FROM ${v} LIMIT 1`);

    // health_scores is a hypertable that takes rows.
    await db.query(`INSERT INTO health_scores (device_id, ts, score, components) VALUES ('r1', now(), 97.5, '[]')`);
    assert.equal(Number((await db.query('SELECT count(*) AS n FROM health_scores')).rows[0].n), 1);
  } finally {
    await close();
  }
});
