// The worker-thread connection against the test PostgreSQL: one session (a transaction spans
// queries and COPY), PostgreSQL's error codes survive the thread boundary (a duplicate row is a
// row rejection, a killed backend is transient), and a PgSession reconnects through it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createLogger } from '../../common/log.js';
import { createTestDatabase } from '../../test/pg-db.js';
import { OffThreadPgClient } from './off-thread-client.js';
import { PgSession, isRowRejection, isTransient, type SessionClient } from './pg-session.js';
import { inTransaction, insertPoints, type PointsClient } from './point-writer.js';
import { migrate } from '../../storage/migrations.js';
import { ensurePartitions } from '../../storage/partitions.js';

const T = Date.UTC(2026, 10, 22, 12);

test('a worker-thread connection: COPY inside a transaction, error codes kept, reconnect after a kill', { timeout: 60_000 }, async () => {
  const database = await createTestDatabase('sink_offthread');
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  const logger = createLogger({ test: 'off-thread' }, 'warn');
  const session = new PgSession<SessionClient & PointsClient>({ url: database.url, applicationName: 'oc-offthread-test', logger, create: (o) => new OffThreadPgClient(o) });
  try {
    await migrate(admin, { layout: 'partitioned' });
    await ensurePartitions(admin, T, T);
    await admin.query(`INSERT INTO series (series_key, device_id, metric, unit) SELECT 'd/m' || s, 'd', 'm', 'u' FROM generate_series(1, 3) s`);
    const cols = { ts: new Float64Array([T, T, T + 1.5]), seriesIds: new Float64Array([1, 2, 3]), values: new Float64Array([0.5, -1, 1e300]) };

    // COPY and a query in one transaction that is rolled back: nothing stays.
    const db = await session.client();
    assert.ok(db instanceof OffThreadPgClient);
    await db.query('BEGIN');
    assert.deepEqual(await insertPoints(db, cols, { direct: true }), { inserted: 3, rejected: [], direct: true });
    assert.equal(Number((await db.query('SELECT count(*) AS n FROM metric_points')).rows[0].n), 3, 'the COPY is visible inside its transaction');
    await db.query('ROLLBACK');
    assert.equal(Number((await admin.query('SELECT count(*) AS n FROM metric_points')).rows[0].n), 0, 'and gone after ROLLBACK');

    // Committed, then the same rows again: the direct COPY hits the primary key (23505, a row
    // rejection), the staging path skips them.
    await inTransaction(db, () => insertPoints(db, cols, { direct: true }));
    const err = await db.query('INSERT INTO metric_points VALUES ($1, 1, 2)', [new Date(T)]).then(() => undefined, (e: unknown) => e);
    assert.equal((err as { code?: string }).code, '23505');
    assert.ok(isRowRejection(err));
    assert.deepEqual(await inTransaction(db, () => insertPoints(db, cols, { direct: true })), { inserted: 0, rejected: [], direct: false });
    const rows = (await admin.query('SELECT extract(epoch FROM ts) * 1000 AS ms, series_id, value FROM metric_points ORDER BY series_id')).rows;
    assert.deepEqual(rows.map((r) => [Number(r.ms), Number(r.series_id), r.value]), [[T, 1, 0.5], [T, 2, -1], [T + 1.5, 3, 1e300]], 'µs precision and doubles survive the encoding in the worker');

    // The backend killed: the worker reports a transient failure; the session reconnects.
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'oc-offthread-test'`);
    const lost = await db.query('SELECT 1').then(() => undefined, (e: unknown) => e);
    assert.ok(lost && isTransient(lost), `a killed backend is transient: ${String(lost)}`);
    let attempts = 0;
    const n = await session.run('count after kill', async (c) => {
      attempts++;
      if (attempts === 1) await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'oc-offthread-test'`);
      return Number((await c.query('SELECT count(*) AS n FROM metric_points')).rows[0].n);
    });
    assert.equal(n, 3);
    assert.ok(attempts >= 2, 'the first attempt failed and was retried on a new worker connection');
  } finally {
    await session.close();
    await admin.end();
    await database.drop();
  }
});
