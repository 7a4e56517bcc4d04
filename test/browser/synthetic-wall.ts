// A real API (buildApiServer, the api role's own server) on synthetic data, for the dashboard's
// browser tests and the ui bench: a database of its own with the sink's schema (migrate()),
// devices with health scores, N interface-rate series with history, baselines and one open
// anomaly, and a live feed that, once a second, writes a point per series (as the sink would)
// and publishes it to subscribers (as the telemetry.live consumer would), device by device
// spread over the second. The API can be stopped
// and started again on the same port, which is what a browser sees when the api role restarts.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase } from '../pg-db.js';
import { createLogger } from '../../common/log.js';
import { signToken } from '../../api/auth/jwt.js';
import type { AlarmOps } from '../../api/alarms/alarm-ops.js';
import { buildApiServer, type ApiServer } from '../../api/server.js';
import { projectRoot } from '../../infra/supervisor.js';
import { migrate } from '../../storage/migrations.js';
import { ensurePartitions } from '../../storage/partitions.js';
import { hoursOf, logInvalidations, refreshRollups } from '../../storage/rollups.js';
import { DAY_MS } from '../../common/time-units.js';

export const SYNTHETIC_IF_NAMES = ['HundredGigE0/0/0/0', 'TenGigE0/0/0/15/3'];

export interface SyntheticWallOptions {
  databaseUrl: string; // an admin connection: the wall's database is created next to it
  charts?: number; // interface-rate series (4 per device)
  historyMin?: number; // minutes of 1 s points written before the start
  port?: number; // 0: any free port
  tickMs?: number;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Silences and maintenance windows (alarm.operations); without: Anomaly.silenced is always null. */
  alarms?: AlarmOps | null;
}

export interface SyntheticSeries {
  id: string;
  key: string;
  deviceId: string;
  seed: number;
}

export interface SyntheticWall {
  url: string; // http://127.0.0.1:PORT
  viewerToken: string;
  operatorToken: string;
  series: SyntheticSeries[];
  /** One optical_rx_dbm series a device, weaker device after device. */
  optics: SyntheticSeries[];
  devices: string[];
  /** The anomaly that is open from the start (its series' chart shows a marker). */
  openAnomalyId: string;
  /** Live points published so far. */
  published(): number;
  stopApi(): Promise<void>;
  startApi(): Promise<void>;
  close(): Promise<void>;
}

const DEFAULTS = { charts: 12, historyMin: 15, tickMs: 1_000 } as const;
const SECRET_BYTES = 24;

/** A synthetic series' value at tS: traffic, or (negative seeds) an optical receive power in dBm. */
export function syntheticValue(s: Pick<SyntheticSeries, 'seed'>, tS: number): number {
  return s.seed < 0 ? -2.5 + 8 * (s.seed + 1) + 0.2 * Math.sin(tS / 30) : traffic(s.seed, tS);
}

export function traffic(seed: number, tS: number): number {
  const base = 150e6 + (seed % 7) * 90e6;
  return Math.max(0, base * (1 + 0.35 * Math.sin(tS / 180 + seed) + 0.12 * Math.sin(tS / 17 + seed * 3) + 0.05 * Math.sin(tS * 1.7 + seed)));
}

async function fill(pool: pg.Pool, charts: number, historyMin: number, nowMs: number) {
  const client = await pool.connect();
  try {
    await migrate(client, { layout: 'partitioned' });
    await ensurePartitions(client, nowMs - historyMin * 60_000 - DAY_MS, nowMs + 2 * DAY_MS);
  } finally {
    client.release();
  }
  const devices = Array.from({ length: Math.ceil(charts / 4) }, (_, i) => `wall-r${i + 1}`);
  for (const [i, id] of devices.entries()) {
    await pool.query(
      `INSERT INTO devices (device_id, hostname, address, site, role, platform, vendor, status, updated_at)
       VALUES ($1, $1, $2, $3, 'core', 'iosxr', 'cisco', 'active', now())`,
      [id, `127.0.1.${i + 1}`, i % 2 === 0 ? 'nyc1' : 'lon1'],
    );
    // Scores across the colour bands: most healthy, one fair, one bad.
    const score = i === 1 ? 62 : i === 2 ? 31 : 96 - (i % 4);
    await pool.query(`INSERT INTO health_scores (device_id, ts, score, components) VALUES ($1, to_timestamp($2::float8 / 1000), $3, '[]')`, [id, nowMs - 5_000, score]);
  }
  const series: SyntheticSeries[] = [];
  for (let n = 0; n < charts; n++) {
    const deviceId = devices[Math.floor(n / 4)];
    // Names as long as real routers have: a title that cuts them hides which link a chart is.
    const ifName = SYNTHETIC_IF_NAMES[Math.floor((n % 4) / 2)];
    const metric = n % 2 === 0 ? 'if_in_bps' : 'if_out_bps';
    const key = `${deviceId}/${metric}{ifName=${ifName}}`;
    const r = await pool.query<{ id: string }>(
      `INSERT INTO series (series_key, device_id, metric, labels, unit) VALUES ($1, $2, $3, $4, 'bps') RETURNING series_id::text AS id`,
      [key, deviceId, metric, JSON.stringify({ ifName })],
    );
    series.push({ id: r.rows[0].id, key, deviceId, seed: n + 1 });
  }
  // One receiver a device, weaker device after device (-2.5, -10.5, -18.5 dBm …): "optics at risk"
  // ranks them. Not on the default wall (interface traffic).
  const optics: SyntheticSeries[] = [];
  for (const [i, deviceId] of devices.entries()) {
    const ifName = SYNTHETIC_IF_NAMES[0];
    const key = `${deviceId}/optical_rx_dbm{ifName=${ifName}}`;
    const r = await pool.query<{ id: string }>(
      `INSERT INTO series (series_key, device_id, metric, labels, unit) VALUES ($1, $2, 'optical_rx_dbm', $3, 'dBm') RETURNING series_id::text AS id`,
      [key, deviceId, JSON.stringify({ ifName })],
    );
    optics.push({ id: r.rows[0].id, key, deviceId, seed: -(i + 1) });
  }
  const startS = Math.floor(nowMs / 1000) - historyMin * 60;
  const endS = Math.floor(nowMs / 1000);
  for (const s of [...series, ...optics]) {
    const ts: number[] = [];
    const values: number[] = [];
    for (let t = startS; t < endS; t++) {
      ts.push(t * 1000);
      values.push(syntheticValue(s, t));
    }
    await pool.query(
      `INSERT INTO metric_points (ts, series_id, value) SELECT to_timestamp(t / 1000.0), $1::bigint, v FROM unnest($2::float8[], $3::float8[]) AS u(t, v)`,
      [s.id, ts, values],
    );
    if (s.seed < 0) continue; // optics: no baseline
    const base = 150e6 + (s.seed % 7) * 90e6;
    await pool.query(
      `INSERT INTO baselines (series_key, device_id, metric, ts, expected, spread, lower, upper, seasonal, sample_count)
       VALUES ($1, $2, $3, to_timestamp($4::float8 / 1000), $5, $6, $7, $8, false, 900)`,
      [s.key, s.deviceId, s.key.includes('if_in') ? 'if_in_bps' : 'if_out_bps', nowMs - 60_000, base, base * 0.15, base * 0.55, base * 1.45],
    );
  }
  await logInvalidations(pool, hoursOf([startS * 1000, endS * 1000]));
  const rollupClient = await pool.connect();
  try {
    while ((await refreshRollups(rollupClient, { maxHours: 48 })).hours > 0);
  } finally {
    rollupClient.release();
  }
  // One anomaly open on the second series since four minutes ago: a marker and a ticker row.
  const victim = series[Math.min(1, series.length - 1)];
  const anomalyId = randomBytes(16).toString('hex');
  const startedAt = nowMs - 4 * 60_000;
  await pool.query(
    `INSERT INTO anomaly_events (anomaly_id, state, series_key, device_id, metric, labels, started_at, updated_at, ended_at,
       severity, peak_severity, score, peak_score, observed, expected, lower, upper, detector, reason)
     VALUES ($1, 'OPEN', $2, $3, 'if_out_bps', '{"ifName":"HundredGigE0/0/0/0"}', to_timestamp($4::float8 / 1000), to_timestamp($4::float8 / 1000), NULL,
       'MAJOR', 'MAJOR', 0.93, 0.93, 12e6, 250e6, 140e6, 360e6, 'baseline-zscore', 'if_out_bps on HundredGigE0/0/0/0 12 Mb/s below expected 250 Mb/s (synthetic)')`,
    [anomalyId, victim.key, victim.deviceId, startedAt],
  );
  return { devices, series, optics, anomalyId };
}

const CLOSE_WAIT_MS = 5_000;

export async function startSyntheticWall(opts: SyntheticWallOptions): Promise<SyntheticWall> {
  const charts = opts.charts ?? DEFAULTS.charts;
  const logger = createLogger({ role: 'synthetic-wall' }, opts.logLevel ?? 'warn');
  const db = await createTestDatabase('ui_wall', opts.databaseUrl);
  const pool = new pg.Pool({ connectionString: db.url, max: 6 });
  // The drop at the end terminates whatever is still connected (an API close cut short on a loaded
  // machine): that client's error is expected then, not a failure of the test file.
  pool.on('error', () => undefined);
  let server: ApiServer | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;
  try {
    const { devices, series, optics, anomalyId } = await fill(pool, charts, opts.historyMin ?? DEFAULTS.historyMin, Date.now());
    const secret = randomBytes(SECRET_BYTES).toString('base64url');
    const uiDir = join(projectRoot, 'ui', 'dist');
    let port = opts.port ?? 0;
    let published = 0;

    const startApi = async () => {
      if (server) return; // already up (a test that failed midway makes sure it is)
      server = await buildApiServer({ pool, jwtSecret: secret, uiDir, logger, alarms: opts.alarms ?? null });
      await server.app.listen({ host: '127.0.0.1', port });
      port = (server.app.server.address() as { port: number }).port;
    };
    const stopApi = async () => {
      const s = server;
      server = null;
      // The listener stops at once; a browser's open websocket can hold close() up for its close
      // handshake on a loaded machine, and the test only needs the port to refuse connections.
      await Promise.race([s?.app.close(), new Promise((r) => setTimeout(r, CLOSE_WAIT_MS))]);
    };
    await startApi();

    // Each device reports once a tick, the devices spread over the tick as polls are in a real
    // network (a collector does not poll every device at the same instant).
    const seriesOf = devices.map((d) => [...series, ...optics].filter((s) => s.deviceId === d));
    let next = 0;
    timer = setInterval(() => {
      const deviceId = devices[next];
      const own = seriesOf[next];
      next = (next + 1) % devices.length;
      const t = Date.now();
      const values = own.map((s) => syntheticValue(s, t / 1000));
      // As the sink would: the points are in PostgreSQL, so a backfill after a reconnect finds them.
      pool
        .query(`INSERT INTO metric_points (ts, series_id, value) SELECT to_timestamp($1::float8 / 1000), id, v FROM unnest($2::bigint[], $3::float8[]) AS u(id, v)`, [
          t,
          own.map((s) => s.id),
          values,
        ])
        .catch((err) => logger.warn('synthetic insert failed', { err }));
      const live = server;
      if (!live) return; // the API is down: the points still reach the database
      published += own.length;
      void live.publishLive({ deviceId, ts: t, points: own.map((s, i) => ({ seriesKey: s.key, value: values[i] })) }).catch(() => undefined);
    }, (opts.tickMs ?? DEFAULTS.tickMs) / devices.length);

    const ttl = 6 * 3600; // s
    return {
      get url() {
        return `http://127.0.0.1:${port}`;
      },
      viewerToken: signToken({ sub: 'wall-viewer', role: 'viewer', expiresInS: ttl }, secret),
      operatorToken: signToken({ sub: 'noc-operator', role: 'operator', expiresInS: ttl }, secret),
      series,
      optics,
      devices,
      openAnomalyId: anomalyId,
      published: () => published,
      stopApi,
      startApi,
      close: async () => {
        clearInterval(timer);
        await stopApi();
        await pool.end();
        await db.drop();
      },
    };
  } catch (err) {
    clearInterval(timer);
    await (server as ApiServer | null)?.app.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await db.drop().catch(() => undefined);
    throw err;
  }
}
