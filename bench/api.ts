// `npm run bench -- api`: the GraphQL API against references measured in the same run.
// 1. Dashboard query: 100 series × 7 days → 1,000 points each (served from the 5-minute rollups),
//    through GraphQL over HTTP (JSON parsed by the client) next to the very SQL the API runs,
//    sent with `pg` directly (rows parsed by pg). overhead_ratio = GraphQL p95 / SQL p95.
// 2. Subscriptions: 1,000 graphql-ws subscribers (a child process, so its CPU is not the
//    server's), each watching 10 of 2,000 series, while the replica receives 2,000 live points/s
//    (handed to publishLive as its telemetry.live consumer does): delivery latency from publish
//    to receipt, p50/p99, and the server process's CPU.
// Data: 1 point a minute per series for 7 days, rollups built by the sink's refresh, in a
// database of its own (dropped at the end). Knobs: --iterations N, --subscribers N, --seconds N.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import pg from 'pg';
import { createTestDatabase } from '../test/pg-db.js';
import { createLogger } from '../common/log.js';
import { signToken } from '../api/auth/jwt.js';
import { rollupBucketSql } from '../api/readings/readings-query.js';
import { bucketPlan } from '../api/readings/tiers.js';
import { buildApiServer } from '../api/server.js';
import { migrate } from '../storage/migrations.js';
import { hoursOf, logInvalidations, refreshRollups } from '../storage/rollups.js';
import { projectRoot } from '../infra/supervisor.js';
import type { BenchContext } from './run.js';
import { HOUR_MS, DAY_MS } from '../common/time-units.js';

const DEFAULTS = {
  dashboardSeries: 100,
  days: 7,
  maxPoints: 1_000,
  iterations: 40, // per side, interleaved
  warmup: 5,
  liveSeries: 2_000,
  subscribers: 1_000,
  seriesPerSubscriber: 10,
  pointsPerSecond: 2_000,
  tickMs: 100,
  seconds: 20,
};
const SECRET = 'bench-api-secret-0123456789abcdef';

function argValue(args: string[], name: string): number | undefined {
  const i = args.indexOf(name);
  const v = i >= 0 ? args[i + 1] : args.find((a) => a.startsWith(`${name}=`))?.split('=')[1];
  return v === undefined ? undefined : Number(v);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

async function fill(url: string, ctx: BenchContext, t0: number): Promise<{ dashboardIds: string[]; live: Array<{ id: string; key: string; deviceId: string }> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { layout } = await migrate(client);
    ctx.say(`storage layout: ${layout}`);
    const dash = await client.query<{ id: string }>(
      `insert into series (series_key, device_id, metric, labels, unit)
       select 'dash-' || (i / 10) || '/if_in_bps{ifName=eth' || (i % 10) || '}', 'dash-' || (i / 10), 'if_in_bps', jsonb_build_object('ifName', 'eth' || (i % 10)), 'bps'
       from generate_series(0, $1::int - 1) i returning series_id::text as id`,
      [DEFAULTS.dashboardSeries],
    );
    const dashboardIds = dash.rows.map((r) => r.id);
    if (layout === 'partitioned') await client.query(`select oc_metric_partition(d::date) from generate_series($1::timestamptz, $2::timestamptz, interval '1 day') d`, [new Date(t0), new Date(t0 + DEFAULTS.days * DAY_MS)]);
    const t = performance.now();
    await client.query(
      `insert into metric_points (ts, series_id, value)
       select to_timestamp(($2::float8 + m * 60000) / 1000), s.id, 1e8 + 4e7 * sin(m / 90.0 + s.id) + 1e7 * sin(m * 7.3 + s.id * 13)
       from unnest($1::bigint[]) s(id), generate_series(0, $3::int - 1) m`,
      [dashboardIds, t0, DEFAULTS.days * 1440],
    );
    const hours: number[] = [];
    for (let h = t0; h < t0 + DEFAULTS.days * DAY_MS; h += HOUR_MS) hours.push(h);
    if (layout === 'partitioned') {
      await logInvalidations(client, hoursOf(hours));
      while ((await refreshRollups(client, { maxHours: 24 * 8 })).hours > 0);
    } else {
      await client.query(`CALL refresh_continuous_aggregate('metric_points_5m', $1::timestamptz, $2::timestamptz)`, [new Date(t0), new Date(t0 + DEFAULTS.days * DAY_MS)]);
    }
    ctx.say(`dashboard data: ${dashboardIds.length} series × ${DEFAULTS.days} days at 1/min, rollups built (${Math.round(performance.now() - t)} ms)`);
    const live = await client.query<{ id: string; key: string; deviceId: string }>(
      `insert into series (series_key, device_id, metric, labels, unit)
       select 'wall-' || (i / 10) || '/if_out_bps{ifName=eth' || (i % 10) || '}', 'wall-' || (i / 10), 'if_out_bps', jsonb_build_object('ifName', 'eth' || (i % 10)), 'bps'
       from generate_series(0, $1::int - 1) i returning series_id::text as id, series_key as key, device_id as "deviceId"`,
      [DEFAULTS.liveSeries],
    );
    return { dashboardIds, live: live.rows };
  } finally {
    await client.end();
  }
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const iterations = argValue(ctx.args, '--iterations') ?? DEFAULTS.iterations;
  const subscribers = argValue(ctx.args, '--subscribers') ?? DEFAULTS.subscribers;
  const seconds = argValue(ctx.args, '--seconds') ?? DEFAULTS.seconds;
  const t0 = Math.floor(Date.now() / DAY_MS - DEFAULTS.days - 1) * DAY_MS;
  const from = t0 + 1_234;
  const to = t0 + DEFAULTS.days * DAY_MS - 1;
  const db = await createTestDatabase('api_bench', ctx.databaseUrl);
  const pool = new pg.Pool({ connectionString: db.url, max: 10 });
  const sqlPool = new pg.Pool({ connectionString: db.url, max: 2 });
  const logger = createLogger({ role: 'bench-api' }, 'warn');
  let server: Awaited<ReturnType<typeof buildApiServer>> | undefined;
  try {
    const { dashboardIds, live } = await fill(db.url, ctx, t0);
    server = await buildApiServer({
      pool, jwtSecret: SECRET, uiDir: '/nonexistent', logger,
      redis: { url: ctx.redisUrl, keyPrefix: `bench-api-${randomBytes(3).toString('hex')}:` },
      // 1,000 subscribers of one token from one address: the per-address and per-token limits
      // are for clients, not for this load generator.
      limits: { requestsPerWindow: 1_000_000, addressRequestsPerWindow: 1_000_000, subscriptionsPerConnection: 10, wsPerAddress: 10_000, wsPerToken: 10_000 },
    });
    const base = await server.app.listen({ host: '127.0.0.1', port: 0 });
    const token = signToken({ sub: 'bench', role: 'viewer', expiresInS: 3_600 }, SECRET);

    // ---- 1. dashboard query ----
    const body = JSON.stringify({
      query: 'query Dashboard($ids: [ID!]!, $from: Float!, $to: Float!) { readings(seriesIds: $ids, from: $from, to: $to, maxPoints: 1000) { seriesId tier bucketMs timestamps values min max } }',
      variables: { ids: dashboardIds, from, to },
    });
    const { bucketMs, bucketCount } = bucketPlan(from, to, DEFAULTS.maxPoints, '5m');
    const viaGraphql = async () => {
      const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
      const json = (await res.json()) as { data?: { readings: Array<{ tier: string; timestamps: number[] }> }; errors?: unknown };
      if (!json.data) throw new Error(`dashboard query failed: ${JSON.stringify(json.errors).slice(0, 300)}`);
      return json.data.readings;
    };
    const viaSql = async () => (await sqlPool.query(rollupBucketSql('5m'), [dashboardIds, from, to, bucketMs, bucketCount])).rows;
    const first = await viaGraphql();
    const points = first.reduce((n, r) => n + r.timestamps.length, 0);
    ctx.say(`dashboard query: ${first.length} series, tier ${first[0]?.tier}, ${points} points (${Math.round(points / first.length)} per series)`);
    for (let i = 0; i < DEFAULTS.warmup; i++) {
      await viaGraphql();
      await viaSql();
    }
    const gqlMs: number[] = [];
    const sqlMs: number[] = [];
    for (let i = 0; i < iterations; i++) {
      for (const [fn, into] of (i % 2 === 0 ? [[viaGraphql, gqlMs], [viaSql, sqlMs]] : [[viaSql, sqlMs], [viaGraphql, gqlMs]]) as Array<[() => Promise<unknown>, number[]]>) {
        const t = performance.now();
        await fn();
        into.push(performance.now() - t);
      }
    }
    gqlMs.sort((a, b) => a - b);
    sqlMs.sort((a, b) => a - b);
    const query = { query_p50_ms: round(pct(gqlMs, 0.5)), query_p95_ms: round(pct(gqlMs, 0.95)), sql_p50_ms: round(pct(sqlMs, 0.5)), sql_p95_ms: round(pct(sqlMs, 0.95)) };
    const overhead = round(query.query_p95_ms / query.sql_p95_ms);
    ctx.say(`GraphQL p50 ${query.query_p50_ms} ms, p95 ${query.query_p95_ms} ms; same SQL via pg p50 ${query.sql_p50_ms} ms, p95 ${query.sql_p95_ms} ms; overhead ${overhead} at p95 (goal ≤ 1.3), ${round(query.query_p50_ms / query.sql_p50_ms)} at p50`);

    // ---- 2. subscriptions ----
    ctx.say(`subscriptions: ${subscribers} subscribers × ${DEFAULTS.seriesPerSubscriber} series of ${live.length}, ${DEFAULTS.pointsPerSecond} points/s for ${seconds} s`);
    const job = { url: base.replace(/^http/, 'ws') + '/graphql', token, subscribers, seriesIds: live.map((s) => s.id), perSubscriber: DEFAULTS.seriesPerSubscriber, warmupMs: 2_000 };
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'bench', 'api', 'ws-subscribers.ts'), JSON.stringify(job)], { stdio: ['pipe', 'pipe', 'inherit'], cwd: projectRoot });
    const lines = createInterface({ input: child.stdout });
    const nextLine = () => new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`subscriber process exited with ${code}`)));
    });
    const byDevice = new Map<string, Array<{ key: string }>>();
    for (const s of live) {
      let l = byDevice.get(s.deviceId);
      if (!l) byDevice.set(s.deviceId, (l = []));
      l.push(s);
    }
    const devices = [...byDevice.entries()];
    // Each device (10 series) once a second. Devices are due on a schedule, so a late timer (a
    // loaded machine) publishes what fell due meanwhile instead of lowering the rate.
    const deviceEveryMs = 1_000 / devices.length;
    let cursor = 0;
    let published = 0;
    const scheduleStart = performance.now();
    const tick = () => {
      const ts = performance.timeOrigin + performance.now();
      const due = Math.floor((performance.now() - scheduleStart) / deviceEveryMs);
      for (; cursor < due; cursor++) {
        const [deviceId, series] = devices[cursor % devices.length];
        published += series.length;
        void server!.publishLive({ deviceId, ts, points: series.map((s, k) => ({ seriesKey: s.key, value: k })) });
      }
    };
    const timer = setInterval(tick, DEFAULTS.tickMs);
    const ready = nextLine();
    const readyTimeout = setTimeout(() => child.kill(), 120_000);
    await ready;
    clearTimeout(readyTimeout);
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const published0 = published;
    await new Promise((r) => setTimeout(r, seconds * 1_000));
    const cpu = process.cpuUsage(cpu0);
    const wallS = (performance.now() - wall0) / 1_000;
    const publishedInWindow = published - published0;
    clearInterval(timer);
    const result = nextLine();
    child.stdin.end();
    const subs = JSON.parse(await result) as { delivered: number; started: number; p50: number; p95: number; p99: number; max: number };
    await once(child, 'exit').catch(() => undefined);
    const cpuPct = round(((cpu.user + cpu.system) / 1e6 / wallS) * 100, 1);
    ctx.say(`published ${Math.round(publishedInWindow / wallS)} points/s, delivered ${Math.round(subs.delivered / wallS)} points/s to ${subs.started} subscribers; latency p50 ${round(subs.p50)} ms, p95 ${round(subs.p95)} ms, p99 ${round(subs.p99)} ms, max ${round(subs.max)} ms (goal p99 < 200 ms); server CPU ${cpuPct}% of one core`);
    return {
      query_p50_ms: query.query_p50_ms,
      query_p95_ms: query.query_p95_ms,
      sql_p95_ms: query.sql_p95_ms,
      overhead_ratio: overhead,
      sub_p50_ms: round(subs.p50),
      sub_p99_ms: round(subs.p99),
      sql_p50_ms: query.sql_p50_ms,
      overhead_ratio_p50: round(query.query_p50_ms / query.sql_p50_ms),
      points_per_series: Math.round(points / first.length),
      published_points_s: Math.round(publishedInWindow / wallS),
      delivered_points_s: Math.round(subs.delivered / wallS),
      sub_p95_ms: round(subs.p95),
      server_cpu_pct: cpuPct,
      load_avg_1m: round(loadavg()[0] ?? 0),
    };
  } finally {
    await server?.app.close();
    await pool.end();
    await sqlPool.end();
    await db.drop();
  }
}
