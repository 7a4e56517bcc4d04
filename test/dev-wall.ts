// Development aid: the API and dashboard on synthetic data, no Kafka or collectors needed.
// Creates a throwaway database (api_wall_<random>), fills it with 20 minutes of interface
// traffic for a few devices, serves the wall, and every second writes a point per series (as the
// sink would) and publishes it through publishLive (as the telemetry.live consumer would).
// Drops the database on Ctrl-C.
//
//   node --import tsx test/dev-wall.ts            # API_PORT (default 0: any free port)
// prints the wall's URL, token included, on stdout.

import { createLogger } from '../common/log.js';
import { signToken } from '../api/auth/jwt.js';
import { buildApiServer } from '../api/server.js';
import { createTestDatabase, ensurePartitions, insertSeries } from './api-db.js';
import { DAY_MS } from '../common/time-units.js';

const HISTORY_S = 20 * 60;
const DEVICES = ['core-r1', 'core-r2', 'edge-r7'];
const INTERFACES = ['eth0', 'eth1'];

function traffic(seed: number, tS: number): number {
  const base = 150e6 + (seed % 7) * 90e6;
  return Math.max(0, base * (1 + 0.35 * Math.sin(tS / 180 + seed) + 0.12 * Math.sin(tS / 17 + seed * 3) + 0.05 * Math.sin(tS * 1.7 + seed)));
}

async function main() {
  const logger = createLogger({ role: 'dev-wall' });
  const db = await createTestDatabase('api_wall');
  const series: Array<{ id: string; key: string; deviceId: string; seed: number }> = [];
  for (const deviceId of DEVICES) {
    for (const ifName of INTERFACES) {
      for (const metric of ['if_in_bps', 'if_out_bps']) {
        const s = await insertSeries(db.pool, { deviceId, metric, labels: { ifName }, unit: 'bps' });
        series.push({ ...s, deviceId, seed: series.length + 1 });
      }
    }
  }
  const nowS = Math.floor(Date.now() / 1000);
  await ensurePartitions(db.pool, Date.now() - DAY_MS, Date.now() + 2 * DAY_MS); // a wall left running over midnight keeps writing
  for (const s of series) {
    const ts: number[] = [];
    const values: number[] = [];
    for (let t = nowS - HISTORY_S; t < nowS; t++) {
      ts.push(t * 1000);
      values.push(traffic(s.seed, t));
    }
    await db.pool.query(
      `insert into metric_points (ts, series_id, value)
       select to_timestamp(t / 1000.0), $1::bigint, v from unnest($2::float8[], $3::float8[]) as u(t, v)`,
      [s.id, ts, values],
    );
  }
  logger.info('synthetic history written', { database: db.name, series: series.length, points: series.length * HISTORY_S });

  const secret = process.env.API_JWT_SECRET || 'dev-wall-secret-0123456789abcdef';
  const server = await buildApiServer({ pool: db.pool, jwtSecret: secret, logger });
  const url = await server.app.listen({ host: process.env.API_HOST || '127.0.0.1', port: Number(process.env.API_PORT ?? 0) });
  const token = signToken({ sub: 'dev-wall', role: 'viewer', expiresInS: 12 * 3600 }, secret);
  process.stdout.write(`${url}/?token=${token}\n`);

  const timer = setInterval(() => {
    const t = Date.now();
    const values = series.map((s) => traffic(s.seed, t / 1000));
    db.pool
      .query(`insert into metric_points (ts, series_id, value) select to_timestamp($1::float8 / 1000), id, v from unnest($2::bigint[], $3::float8[]) as u(id, v)`, [
        t,
        series.map((s) => s.id),
        values,
      ])
      .catch((err) => logger.warn('synthetic insert failed', { err }));
    for (const deviceId of DEVICES) {
      const points = series.flatMap((s, i) => (s.deviceId === deviceId ? [{ seriesKey: s.key, value: values[i] }] : []));
      void server.publishLive({ deviceId, ts: t, points });
    }
  }, 1_000);

  const stop = async () => {
    clearInterval(timer);
    await server.app.close();
    await db.drop();
    logger.info('dev wall stopped, database dropped', { database: db.name });
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err) => {
  process.stderr.write(`dev-wall failed: ${(err as Error).message}\n`);
  process.exit(1);
});
