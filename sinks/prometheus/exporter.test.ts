// The exporter role as a real child process on the test stack's Kafka, scraped by Debian's
// Prometheus: hostile interface names arrive in Prometheus exactly as the devices sent them, a
// device that stops reporting becomes stale in Prometheus, and the series cap refuses (and
// counts) what does not fit while the series already held keep updating.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../common/log.js';
import { connectStreams } from '../../streams/index.js';
import type { MetricBatch } from '../../schemas/types.js';
import { freePort, startRole } from '../../infra/supervisor.js';
import { findOnPath, startProcess, stopProcess, tailFile } from '../../infra/proc.js';
import { eventually, streamConfig, testEnv, uniquePrefix } from '../../test/env.js';

// Quotes, backslashes, a line feed, the end-of-exposition marker and non-ASCII: all data.
const HOSTILE_IF = 'ge-0/0/1 "uplink" \\ to\n# EOF } {x="y"} été';
const MAX_SERIES = 20;

const batch = (deviceId: string, samples: [string, Record<string, string>, number][]): MetricBatch => ({
  deviceId,
  source: 'snmp',
  ts: Date.now(),
  samples: samples.map(([metric, labels, value]) => ({
    seriesKey: `${deviceId}/${metric}{${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',')}}`,
    metric,
    labels,
    unit: 'bps',
    value,
  })),
});

interface PromResult {
  metric: Record<string, string>;
  value: [number, string];
}

test('Prometheus scrapes the exporter: hostile labels intact, stale devices leave, the series cap counts refusals', { timeout: 180_000 }, async (t) => {
  const prometheusBin = findOnPath('prometheus');
  assert.ok(prometheusBin, "prometheus is not installed: `npm test` installs Debian's prometheus package (or apt-get install prometheus)");
  const logger = createLogger({ test: 'exporter' }, 'error');
  const prefix = uniquePrefix('exporter');
  const dir = mkdtempSync(join(tmpdir(), 'oc-exporter-'));
  const streams = await connectStreams({ config: streamConfig(prefix), clientId: 'exporter-test', logger, writes: ['metrics'] });
  const exporterPort = await freePort();
  const exporter = await startRole({
    name: 'exporter',
    role: 'exporter',
    env: {
      KAFKA_BROKERS: testEnv.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: testEnv.registryUrl,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_PARTITIONS: '3',
      EXPORTER_PORT: String(exporterPort),
      EXPORTER_MAX_SERIES: String(MAX_SERIES),
      EXPORTER_STALE_AFTER_MS: '10000',
      EXPORTER_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: 'debug',
    },
    logDir: dir,
  });
  t.after(() => exporter.stop());

  const promPort = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), `global: { scrape_interval: 1s }\nscrape_configs:\n  - job_name: devices\n    static_configs: [{ targets: ['127.0.0.1:${exporterPort}'] }]\n`);
  const prom = startProcess({
    name: 'prometheus',
    command: prometheusBin,
    args: [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`],
    cwd: dir,
    logFile: join(dir, 'prometheus.log'),
  });
  t.after(() => stopProcess(prom, 10_000, logger));
  const base = `http://127.0.0.1:${promPort}`;
  const query = async (q: string) => ((await (await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as { data: { result: PromResult[] } }).data.result;
  const opsMetric = async (name: string, labels = '') => {
    const text = await (await fetch(`http://127.0.0.1:${exporter.opsPort}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}` : ' '}`) || (!labels && l.startsWith(`${name}{`)));
    return Number(line?.split(' ').pop() ?? NaN);
  };

  // Devices poll on: `r1` all along, `r2` until it is switched off below (a device that goes away).
  let r2On = true;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const records = [batch('r1', [['if_in_bps', { ifName: HOSTILE_IF }, 1234.5], ['if_in_bps', { ifName: 'eth1' }, 7], ['cpu_percent', {}, 42]])];
      if (r2On) records.push(batch('r2', [['if_in_bps', { ifName: 'eth0' }, 99]]));
      await streams.producer.send(streams.topics.metrics, records.map((b) => ({ key: b.deviceId, value: b, timestamp: b.ts })));
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  // One hook, in this order: after hooks run first to last, and a send on a closed producer fails.
  t.after(async () => {
    polling = false;
    await poller;
    await streams.close();
  });

  await eventually(`Prometheus ready (${tailFile(prom.logFile)})`, async () => ((await fetch(`${base}/-/ready`).catch(() => null))?.ok ? true : undefined), 60_000, 250);
  const hostile = await eventually(
    'the hostile interface in Prometheus',
    async () => (await query('oc_device_if_in_bps{device="r1"}')).find((s) => s.metric.ifName === HOSTILE_IF),
    60_000,
    500,
  );
  assert.equal(hostile.value[1], '1234.5');
  assert.equal((await query('up{job="devices"}'))[0]?.value[1], '1', 'the scrape parses');
  assert.equal((await query('oc_device_cpu_percent{device="r1"}'))[0]?.value[1], '42');
  assert.ok((await query('oc_device_last_reading_timestamp_seconds{device="r1"}')).length === 1);
  await eventually('r2 in Prometheus', async () => ((await query('oc_device_if_in_bps{device="r2"}')).length === 1 ? true : undefined), 30_000, 500);

  // The cap: 30 new series of one device meet 16 free places (r1: 3, r2: 1 held).
  const wide = batch('wide', Array.from({ length: 30 }, (_, i): [string, Record<string, string>, number] => ['if_in_bps', { ifName: `et-${i}` }, i]));
  await streams.producer.send(streams.topics.metrics, [{ key: wide.deviceId, value: wide, timestamp: wide.ts }]);
  const refused = await eventually('refusals counted', async () => ((await opsMetric('oc_exporter_series_refused_total', 'reason="series_limit"')) > 0 ? opsMetric('oc_exporter_series_refused_total', 'reason="series_limit"') : undefined), 30_000, 250);
  assert.equal(refused, 30 - (MAX_SERIES - 4));
  assert.equal(await opsMetric('oc_exporter_series'), MAX_SERIES);
  await eventually('held series keep updating at the cap', async () => {
    const now = Number((await query('oc_device_last_reading_timestamp_seconds{device="r1"}'))[0]?.value[1]);
    return Date.now() / 1000 - now < 3 ? true : undefined;
  }, 20_000, 500);

  // r2 stops reporting: after EXPORTER_STALE_AFTER_MS it is no longer listed, and Prometheus, seeing
  // it gone from the scrape, marks it stale at once (an instant query finds nothing).
  r2On = false;
  const stoppedAt = Date.now();
  await eventually('r2 stale in Prometheus', async () => ((await query('oc_device_if_in_bps{device="r2"}')).length === 0 ? true : undefined), 40_000, 500);
  assert.ok(Date.now() - stoppedAt >= 9_000, 'not before its readings were 10 s old');
  assert.equal((await query('oc_device_if_in_bps{device="r1",ifName="eth1"}'))[0]?.value[1], '7', 'r1 still there');
  assert.ok((await opsMetric('oc_exporter_series_expired_total')) >= 1);

  // What a scrape costs Prometheus here, for the record.
  t.diagnostic(`scrape_duration_seconds ${(await query('scrape_duration_seconds{job="devices"}'))[0]?.value[1]}`);
});
