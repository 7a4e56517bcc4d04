// Composition root of the `exporter` role: telemetry.metrics → the latest value of every device
// series, served as OpenMetrics for Prometheus to scrape (an optional sink for Prometheus users;
// PostgreSQL stays the store of record). Replicas share a consumer group: each exposes the devices
// of its partitions and forgets the others on a rebalance, so scraping every replica gives each
// series once. Nothing is durable here: a restart fills in again within one poll interval.
import { loadConfig } from '../../common/config.js';
import { createLogger } from '../../common/log.js';
import { runRole } from '../../common/role.js';
import { connectStreams, type Streams, type StreamConsumer } from '../../streams/index.js';
import type { MetricBatch } from '../../schemas/types.js';
import { exporterSettings } from './settings.js';
import { LatestValues } from './latest-values.js';
import { startScrapeServer, type ScrapeServer } from './scrape-server.js';
import { exporterMetrics } from './metrics.js';

export async function runExporterRole(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(exporterSettings, env);
  const logger = createLogger({ role: 'exporter' });
  const latest = new LatestValues({
    prefix: config.prefix,
    maxSeries: config.maxSeries,
    staleAfterMs: config.staleAfterMs,
    maxLabelBytes: config.maxLabelBytes,
    onRefused: (reason, n) => exporterMetrics.refused.inc({ reason }, n),
  });
  for (const reason of ['series_limit', 'labels_too_long']) exporterMetrics.refused.inc({ reason }, 0);
  const expire = () => {
    exporterMetrics.expired.inc(latest.expire(Date.now()));
    exporterMetrics.series.set(latest.size);
  };
  const partitionOf = new Map<string, number>(); // deviceId → partition it arrived on
  let streams!: Streams;
  let consumer!: StreamConsumer;
  let server!: ScrapeServer;
  let sweeper: NodeJS.Timeout | undefined;
  return runRole({ role: 'exporter', opsHost: config.opsHost, opsPort: config.opsPort, logger }, [
    {
      name: 'scrape-server',
      start: async () => {
        server = await startScrapeServer({ host: config.host, port: config.port, latest, gzipLevel: config.gzipLevel, expire });
        logger.info('device metrics served', { url: `http://${config.host}:${server.port}/metrics` });
        // Memory is freed even when nobody scrapes.
        sweeper = setInterval(expire, Math.min(60_000, config.staleAfterMs / 2));
        sweeper.unref();
      },
      stop: async () => {
        clearInterval(sweeper);
        await server.close();
      },
    },
    {
      name: 'streams',
      start: async () => {
        streams = await connectStreams({ config, clientId: 'exporter', logger, writes: [] });
      },
      stop: () => streams.close(),
    },
    {
      name: 'consumer',
      start: async () => {
        consumer = streams.consumer({
          groupId: config.groupId,
          topics: [streams.topics.metrics],
          sessionTimeoutMs: config.sessionTimeoutMs,
          // Latest values only: a new group starts at the end, not seven days back.
          fromBeginning: false,
          onAssignment: (assigned) => {
            const owned = new Set(assigned.get(streams.topics.metrics) ?? []);
            latest.forgetDevices((id) => owned.has(partitionOf.get(id) ?? -1));
            for (const [id, p] of partitionOf) if (!owned.has(p)) partitionOf.delete(id);
            exporterMetrics.series.set(latest.size);
          },
          handler: async (records) => {
            const batches: MetricBatch[] = [];
            let samples = 0;
            for (const r of records) {
              const b = r.value as MetricBatch | null;
              if (!b) continue;
              batches.push(b);
              samples += b.samples.length;
              partitionOf.set(b.deviceId, r.partition);
            }
            latest.offer(batches);
            exporterMetrics.samples.inc(samples);
            exporterMetrics.series.set(latest.size);
          },
        });
        await consumer.start();
      },
      stop: () => consumer.stop(),
      ready: () => consumer.isReady(),
    },
  ]);
}
