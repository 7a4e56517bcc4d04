// `npm run bench -- device-metrics [--series N]`: what giving Prometheus users the device metrics
// costs, both ways, on the same series (default 20,000: 200 devices × 50 interfaces × in/out bps):
//
//   exposition   the exporter role's LatestValues (sinks/prometheus/): fold each batch into the
//                latest values; render the OpenMetrics text when Prometheus scrapes (every 15 s).
//   remote-write fold each batch into the changed set; every 5 s (Prometheus' own remote-write
//                batch deadline) encode the changed series as a WriteRequest and snappy it.
//
// Both are priced per 10,000 series updates (devices polled every 10 s: 2,000 updates/s, so
// 10,000 updates = 5 s = one remote-write send = 1/3 of a scrape), in CPU seconds of this process,
// and by the bytes each puts on the wire. Then Debian's Prometheus scrapes the exposition and
// accepts a remote-write post of the same series (--web.enable-remote-write-receiver): both bodies
// are proven valid, and Prometheus reports what scraping the exposition took it.
import { createServer } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BenchContext } from './run.js';
import type { MetricBatch } from '../schemas/types.js';
import { LatestValues } from '../sinks/prometheus/latest-values.js';
import { OPENMETRICS_CONTENT_TYPE, seriesLabels } from '../sinks/prometheus/openmetrics-text.js';
import { encodeLabels, encodeWriteRequest, type ChangedSample } from './device-metrics/remote-write.js';
import { snappyCompress } from './device-metrics/snappy-block.js';
import { findOnPath, startProcess, stopProcess, tailFile } from '../infra/proc.js';
import { freePort } from '../infra/supervisor.js';
import { createLogger } from '../common/log.js';
import { eventually } from '../test/env.js';
import { HOUR_MS } from '../common/time-units.js';

export const needsStack = false;

const IFACES = 50;
const SCRAPES_PER_10K = 1 / 3; // 10k updates = 5 s; one scrape every 15 s
const SENDS_PER_10K = 1; // one remote-write send every 5 s

function cpuSeconds(fn: () => void): number {
  const t0 = process.cpuUsage();
  fn();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1e6;
}

/** One poll round of every device: a batch each, `IFACES` interfaces × in/out. */
function round(devices: number, ts: number, seed: number): MetricBatch[] {
  const out: MetricBatch[] = [];
  for (let d = 0; d < devices; d++) {
    const deviceId = `bench-r${d}`;
    const samples = [];
    for (let i = 0; i < IFACES; i++) {
      const ifName = `GigabitEthernet0/0/${i}`;
      for (const metric of ['if_in_bps', 'if_out_bps']) {
        samples.push({ seriesKey: `${deviceId}/${metric}{ifName=${ifName}}`, metric, labels: { ifName }, unit: 'bps', value: (seed * 7919 + d * 131 + i) % 1_000_000_000 });
      }
    }
    out.push({ deviceId, source: 'snmp', ts, samples });
  }
  return out;
}

const r4 = (x: number) => Number(x.toPrecision(4));

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const { say } = ctx;
  const seriesArg = ctx.args.indexOf('--series');
  const wanted = seriesArg >= 0 ? Number(ctx.args[seriesArg + 1]) : 20_000;
  const devices = Math.max(1, Math.round(wanted / (IFACES * 2)));
  const series = devices * IFACES * 2;
  // Fresh batches for each measure (as the Avro decoder makes fresh strings for every record: a
  // key's hash is computed again), after a warm-up pass of each so the JIT has compiled both.
  const fresh = (from: number) => Array.from({ length: 6 }, (_, k) => round(devices, Date.now() + from + k, from + k + 1));
  const rounds = fresh(0);
  const updates = rounds.length * series;
  say(`device-metrics: ${series} series (${devices} devices × ${IFACES} interfaces × in/out), ${updates} updates per measure; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  // ---- exposition ----
  const latest = new LatestValues({ prefix: 'oc_device_', maxSeries: series * 2, staleAfterMs: HOUR_MS, maxLabelBytes: 1024 });
  latest.offer(rounds[0]); // admission (names, labels) happens once per series, not per update
  rounds.forEach((r) => latest.offer(r));
  const expRounds = fresh(10);
  const foldExp = cpuSeconds(() => expRounds.forEach((r) => latest.offer(r))) / (updates / 10_000);
  let text = '';
  const renders = 10;
  const renderCpu = cpuSeconds(() => {
    for (let k = 0; k < renders; k++) text = latest.render();
  }) / renders;
  const body = Buffer.from(text);
  let gz = Buffer.alloc(0);
  // Level 1: on text this repetitive it is within a few per cent of the default's size at a
  // fraction of its CPU (both printed).
  const gzip6Cpu = cpuSeconds(() => {
    for (let k = 0; k < renders; k++) gz = gzipSync(body);
  }) / renders;
  const gz6 = gz.length;
  const gzipCpu = cpuSeconds(() => {
    for (let k = 0; k < renders; k++) gz = gzipSync(body, { level: 1 });
  }) / renders;
  const expPer10k = foldExp + SCRAPES_PER_10K * (renderCpu + gzipCpu);

  // ---- remote-write ----
  const labelBytes = new Map<string, Buffer>();
  for (const b of rounds[0]) for (const s of b.samples) labelBytes.set(s.seriesKey, encodeLabels(`rw_${s.metric}`, seriesLabels(b.deviceId, s.labels)));
  const changed = new Map<string, ChangedSample>();
  const foldChanged = (batches: MetricBatch[][]) => {
    for (const r of batches)
      for (const b of r)
        for (const s of b.samples) {
          const c = changed.get(s.seriesKey);
          if (c) {
          c.value = s.value;
          c.ts = b.ts;
        }
          else changed.set(s.seriesKey, { labels: labelBytes.get(s.seriesKey)!, value: s.value, ts: b.ts });
        }
  };
  foldChanged(fresh(20));
  const rwRounds = fresh(30);
  const foldRw = cpuSeconds(() => foldChanged(rwRounds)) / (updates / 10_000);
  // One send carries 10k changed series (half of them at 20k series, as 5 s of 10 s polls).
  const send = [...changed.values()].slice(0, 10_000);
  let raw: Buffer = Buffer.alloc(0);
  let snappy: Buffer = Buffer.alloc(0);
  const sends = 10;
  const encodeCpu = cpuSeconds(() => {
    for (let k = 0; k < sends; k++) raw = encodeWriteRequest(send);
  }) / sends;
  const snappyCpu = cpuSeconds(() => {
    for (let k = 0; k < sends; k++) snappy = snappyCompress(raw);
  }) / sends;
  const rwPer10k = foldRw + SENDS_PER_10K * (encodeCpu + snappyCpu);

  say(`exposition   fold ${r4(foldExp * 1e3)} ms/10k updates; render ${r4(renderCpu * 1e3)} ms + gzip -1 ${r4(gzipCpu * 1e3)} ms (-6: ${r4(gzip6Cpu * 1e3)} ms) per scrape of ${series}; scrape ${(body.length / 1e6).toFixed(2)} MB, gzip -1 ${(gz.length / 1e6).toFixed(3)} MB (-6: ${(gz6 / 1e6).toFixed(3)} MB)`);
  say(`remote-write fold ${r4(foldRw * 1e3)} ms/10k updates; encode ${r4(encodeCpu * 1e3)} ms + snappy ${r4(snappyCpu * 1e3)} ms per send of ${send.length}; send ${(raw.length / 1e6).toFixed(2)} MB, snappy ${(snappy.length / 1e6).toFixed(3)} MB`);
  say(`per 10k updates: exposition ${r4(expPer10k * 1e3)} ms CPU, ${((gz.length * SCRAPES_PER_10K) / 1e3).toFixed(0)} kB on the wire; remote-write ${r4(rwPer10k * 1e3)} ms CPU, ${((snappy.length * SENDS_PER_10K) / 1e3).toFixed(0)} kB (reference: remote-write / exposition CPU ${(rwPer10k / expPer10k).toFixed(2)}×)`);

  // ---- both bodies through a real Prometheus ----
  const prom = await checkWithPrometheus(say, body, snappy, send.length);
  say(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  return {
    series,
    exposition_cpu_ms_per_10k: r4(expPer10k * 1e3),
    exposition_render_ms: r4(renderCpu * 1e3),
    exposition_gzip_ms: r4(gzipCpu * 1e3),
    exposition_bytes: body.length,
    exposition_gzip_bytes: gz.length,
    exposition_gzip6_ms: r4(gzip6Cpu * 1e3),
    exposition_gzip6_bytes: gz6,
    remote_write_cpu_ms_per_10k: r4(rwPer10k * 1e3),
    remote_write_encode_ms: r4(encodeCpu * 1e3),
    remote_write_snappy_ms: r4(snappyCpu * 1e3),
    remote_write_bytes: raw.length,
    remote_write_snappy_bytes: snappy.length,
    ratio_cpu_rw_over_exposition: r4(rwPer10k / expPer10k),
    ...prom,
    load1: Number(loadavg()[0].toFixed(2)),
  };
}

async function checkWithPrometheus(say: (m: string) => void, exposition: Buffer, snappy: Buffer, sent: number): Promise<Record<string, unknown>> {
  const binary = findOnPath('prometheus');
  if (!binary) {
    say('prometheus is not installed (apt-get install prometheus): the bodies were not checked by Prometheus');
    return { prometheus_checked: false };
  }
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': OPENMETRICS_CONTENT_TYPE }).end(exposition));
  const targetPort = await freePort();
  await new Promise<void>((r) => server.listen(targetPort, '127.0.0.1', () => r()));
  const dir = mkdtempSync(join(tmpdir(), 'oc-bench-prom-'));
  writeFileSync(join(dir, 'prometheus.yml'), `global: { scrape_interval: 2s }\nscrape_configs:\n  - job_name: devices\n    static_configs: [{ targets: ['127.0.0.1:${targetPort}'] }]\n`);
  const port = await freePort();
  const proc = startProcess({
    name: 'prometheus',
    command: binary,
    args: [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--web.enable-remote-write-receiver'],
    cwd: dir,
    logFile: join(dir, 'prometheus.log'),
  });
  const base = `http://127.0.0.1:${port}`;
  const query = async (q: string) => Number(((await (await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as { data?: { result: { value: [number, string] }[] } }).data?.result[0]?.value[1] ?? NaN);
  try {
    await eventually(`Prometheus ready (${tailFile(proc.logFile)})`, async () => ((await fetch(`${base}/-/ready`).catch(() => null))?.ok ? true : undefined), 60_000, 250);
    const post = await fetch(`${base}/api/v1/write`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' },
      body: new Uint8Array(snappy),
    });
    if (!post.ok) throw new Error(`remote-write refused: ${post.status} ${await post.text()}`);
    const written = await eventually('remote-written series visible', async () => ((await query('count({__name__=~"rw_.+"})')) === sent ? sent : undefined), 30_000, 500);
    const scraped = await eventually('the exposition scraped', async () => {
      const n = await query('scrape_samples_scraped{job="devices"}');
      return n > 0 ? n : undefined;
    }, 60_000, 500);
    const scrapeS = await query('scrape_duration_seconds{job="devices"}');
    say(`Prometheus ${base}: accepted the remote-write post (${written} series) and scraped the exposition (${scraped} samples in ${(scrapeS * 1e3).toFixed(0)} ms)`);
    return { prometheus_checked: true, prometheus_scrape_ms: Number((scrapeS * 1e3).toFixed(1)), prometheus_scraped_samples: scraped };
  } finally {
    server.close();
    await stopProcess(proc, 10_000, createLogger({ role: 'bench' }));
  }
}
