// The weathermap's data on a real API (buildApiServer): a database with the sink's schema,
// devices with health, interface-rate series for every link end, the links handed to the server
// as the api role's inventory.links feed would, and a live feed publishing a rate per series
// once a tick (devices spread over the tick, as polls are). Two networks:
// - `lab`: the lab's own devices and cabling (device-plan.ts, lab-links.ts) with the plan's
//   rates, so the map shows what the lab would; a test can change one interface's rate.
// - `scale`: N devices over eight sites and four roles, M links between them, for the ui bench.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase } from '../pg-db.js';
import { createLogger } from '../../common/log.js';
import { signToken } from '../../api/auth/jwt.js';
import { buildApiServer, type ApiServer } from '../../api/server.js';
import { projectRoot } from '../../infra/supervisor.js';
import { migrate } from '../../storage/migrations.js';
import { ensurePartitions } from '../../storage/partitions.js';
import { mergeLinks, type LinkSighting } from '../../devices/links.js';
import { planDevice } from '../../infra/lab/device-plan.js';
import { labCables } from '../../infra/lab/lab-links.js';
import { DAY_MS } from '../../common/time-units.js';

export interface SyntheticMapOptions {
  databaseUrl: string;
  network: { kind: 'lab'; devices: number; interfaces: number } | { kind: 'scale'; devices: number; links: number };
  tickMs?: number;
}

interface MapDeviceRow {
  id: string;
  site: string;
  role: string;
}

interface EndSeries {
  key: string;
  deviceId: string;
  ifName: string;
  metric: 'if_out_bps' | 'if_in_bps';
  bps: number;
  /** ± share the rate swings by (a sine of a minute or so): on the scale network links change band all the time. */
  swing: number;
}

export interface SyntheticMap {
  url: string;
  viewerToken: string;
  devices: MapDeviceRow[];
  linkIds: string[];
  /** Sets the rate both directions of an interface run at from the next tick on. */
  setRate(deviceId: string, ifName: string, bps: number): void;
  close(): Promise<void>;
}

const SITES = ['ams1', 'fra1', 'lon1', 'nyc1', 'par1', 'sin1', 'syd1', 'tyo1'];
const ROLES = ['core', 'edge', 'transport', 'access'];

function labNetwork(devices: number, interfaces: number) {
  const plans = Array.from({ length: devices }, (_, i) => planDevice(i, { interfaces, deviceCount: devices }));
  const sightings: LinkSighting[] = [];
  const series: EndSeries[] = [];
  for (const c of labCables(plans)) {
    sightings.push({ source: 'netbox', a: { deviceId: c.a.deviceId, ifName: c.a.ifName }, b: { deviceId: c.b.deviceId, ifName: c.b.ifName }, netboxCableId: String(c.id), speedBps: Math.min(c.a.speedMbps, c.b.speedMbps) * 1e6 });
    sightings.push({ source: 'lldp', a: { deviceId: c.a.deviceId, ifName: c.a.ifName }, b: { deviceId: c.b.deviceId, ifName: c.b.ifName } });
    for (const end of [c.a, c.b]) {
      const plan = plans.find((p) => p.deviceId === end.deviceId)!.interfaces.find((i) => i.name === end.ifName)!;
      series.push({ key: `${end.deviceId}/if_out_bps{ifName=${end.ifName}}`, deviceId: end.deviceId, ifName: end.ifName, metric: 'if_out_bps', bps: plan.outBps, swing: 0.03 });
      series.push({ key: `${end.deviceId}/if_in_bps{ifName=${end.ifName}}`, deviceId: end.deviceId, ifName: end.ifName, metric: 'if_in_bps', bps: plan.inBps, swing: 0.03 });
    }
  }
  return { devices: plans.map((p) => ({ id: p.deviceId, site: p.site, role: p.role })), sightings, series };
}

function scaleNetwork(devices: number, links: number) {
  const rows = Array.from({ length: devices }, (_, i) => ({ id: `map-r${i + 1}`, site: SITES[i % SITES.length], role: ROLES[Math.floor(i / SITES.length) % ROLES.length] }));
  const sightings: LinkSighting[] = [];
  const series: EndSeries[] = [];
  const ports = new Map<string, number>();
  const port = (id: string) => {
    const n = ports.get(id) ?? 0;
    ports.set(id, n + 1);
    return `et-0/0/${n}`;
  };
  for (let k = 0; k < links; k++) {
    // Mostly neighbours in the same site, some long-haul: a plausible mesh, deterministic.
    const a = k % devices;
    const b = (a + 1 + ((k * 7) % 23) + (k % 5 === 0 ? SITES.length : 0)) % devices;
    const ends = [rows[a], rows[b === a ? (a + 1) % devices : b]].map((d) => ({ deviceId: d.id, ifName: port(d.id) }));
    sightings.push({ source: 'lldp', a: ends[0], b: ends[1], speedBps: 100e9 });
    for (const e of ends) series.push({ key: `${e.deviceId}/if_out_bps{ifName=${e.ifName}}`, deviceId: e.deviceId, ifName: e.ifName, metric: 'if_out_bps', bps: 100e9 * ((k * 13) % 100) / 100, swing: 0.3 });
  }
  return { devices: rows, sightings, series };
}

export async function startSyntheticMap(opts: SyntheticMapOptions): Promise<SyntheticMap> {
  const logger = createLogger({ role: 'synthetic-map' }, 'warn');
  const net = opts.network.kind === 'lab' ? labNetwork(opts.network.devices, opts.network.interfaces) : scaleNetwork(opts.network.devices, opts.network.links);
  const db = await createTestDatabase('ui_map', opts.databaseUrl);
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  // The drop at the end terminates whatever is still connected (an API close cut short on a loaded
  // machine): that client's error is expected then, not a failure of the test file.
  pool.on('error', () => undefined);
  let server: ApiServer | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;
  try {
    const client = await pool.connect();
    try {
      await migrate(client, { layout: 'partitioned' });
      await ensurePartitions(client, Date.now() - DAY_MS, Date.now() + 2 * DAY_MS);
    } finally {
      client.release();
    }
    const ids = net.devices.map((d) => d.id);
    await pool.query(
      `INSERT INTO devices (device_id, hostname, address, site, role, platform, vendor, status, updated_at)
       SELECT id, id, '127.0.0.1', site, role, 'sim', 'sim', 'active', now() FROM unnest($1::text[], $2::text[], $3::text[]) AS u(id, site, role)`,
      [ids, net.devices.map((d) => d.site), net.devices.map((d) => d.role)],
    );
    // Mostly healthy, every seventh fair, every thirteenth bad: all three tones on the map.
    const scores = ids.map((_, i) => (i % 13 === 3 ? 30 : i % 7 === 2 ? 65 : 95));
    await pool.query(`INSERT INTO health_scores (device_id, ts, score, components) SELECT id, now(), s, '[]' FROM unnest($1::text[], $2::float8[]) AS u(id, s)`, [ids, scores]);
    await pool.query(
      `INSERT INTO series (series_key, device_id, metric, labels, unit)
       SELECT k, d, m, jsonb_build_object('ifName', i), 'bps' FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(k, d, m, i)`,
      [net.series.map((s) => s.key), net.series.map((s) => s.deviceId), net.series.map((s) => s.metric), net.series.map((s) => s.ifName)],
    );
    // One open anomaly: its device gets the ring.
    await pool.query(
      `INSERT INTO anomaly_events (anomaly_id, state, series_key, device_id, metric, labels, started_at, updated_at, ended_at,
         severity, peak_severity, score, peak_score, observed, expected, lower, upper, detector, reason)
       VALUES ($1, 'OPEN', $2, $3, 'if_out_bps', '{}', now(), now(), NULL, 'MAJOR', 'MAJOR', 0.9, 0.9, 1, 2, 1, 3, 'baseline-zscore', 'synthetic')`,
      [randomBytes(16).toString('hex'), net.series[0].key, net.series[0].deviceId],
    );
    const secret = randomBytes(24).toString('base64url');
    server = await buildApiServer({ pool, jwtSecret: secret, uiDir: join(projectRoot, 'ui', 'dist'), logger });
    const address = await server.app.listen({ host: '127.0.0.1', port: 0 });
    const links = mergeLinks(net.sightings, { netboxRead: opts.network.kind === 'lab', now: Date.now() });
    for (const l of links) server.publishLink(l.linkId, l);

    const byDevice = new Map<string, EndSeries[]>();
    for (const s of net.series) byDevice.set(s.deviceId, [...(byDevice.get(s.deviceId) ?? []), s]);
    const order = [...byDevice.keys()];
    let next = 0;
    const live = server;
    const tickMs = opts.tickMs ?? 1_000;
    // Several devices per timer callback on a big network: a timer per device would be 2 ms apart.
    const perCall = Math.max(1, Math.ceil(order.length / 100));
    timer = setInterval(() => {
      for (let n = 0; n < perCall; n++) {
        const deviceId = order[next];
        next = (next + 1) % order.length;
        const own = byDevice.get(deviceId)!;
        const t = Date.now();
        void live.publishLive({ deviceId, ts: t, points: own.map((s, i) => ({ seriesKey: s.key, value: s.bps * (1 + s.swing * Math.sin(t / 9_000 + i + next)) })) }).catch(() => undefined);
      }
    }, (tickMs * perCall) / order.length);

    return {
      url: address,
      viewerToken: signToken({ sub: 'map-viewer', role: 'viewer', expiresInS: 3_600 }, secret),
      devices: net.devices,
      linkIds: links.map((l) => l.linkId),
      setRate: (deviceId, ifName, bps) => {
        for (const s of byDevice.get(deviceId) ?? []) if (s.ifName === ifName) s.bps = bps;
      },
      close: async () => {
        clearInterval(timer);
        await server?.app.close();
        await pool.end();
        await db.drop();
      },
    };
  } catch (err) {
    clearInterval(timer);
    await (server)?.app.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await db.drop().catch(() => undefined);
    throw err;
  }
}
