// The exporter role's own metrics (on its ops port, not in the device scrape).
import client from 'prom-client';
import { once } from '../../common/metrics.js';

export const exporterMetrics = {
  series: once('oc_exporter_series', () => new client.Gauge({ name: 'oc_exporter_series', help: 'device series held for the device-metrics scrape' })),
  samples: once('oc_exporter_samples_total', () => new client.Counter({ name: 'oc_exporter_samples_total', help: 'device samples folded into the latest values' })),
  refused: once('oc_exporter_series_refused_total', () => new client.Counter({ name: 'oc_exporter_series_refused_total', help: 'samples of series refused: series_limit (EXPORTER_MAX_SERIES reached) or labels_too_long (EXPORTER_MAX_LABEL_BYTES)', labelNames: ['reason'] })),
  expired: once('oc_exporter_series_expired_total', () => new client.Counter({ name: 'oc_exporter_series_expired_total', help: 'series dropped because their latest reading grew older than EXPORTER_STALE_AFTER_MS' })),
  scrapes: once('oc_exporter_scrapes_total', () => new client.Counter({ name: 'oc_exporter_scrapes_total', help: 'device-metrics scrapes served', labelNames: ['encoding'] })),
  scrapeBytes: once('oc_exporter_scrape_bytes', () => new client.Gauge({ name: 'oc_exporter_scrape_bytes', help: 'bytes of the latest device-metrics scrape as sent' })),
  renderSeconds: once('oc_exporter_render_seconds', () => new client.Histogram({ name: 'oc_exporter_render_seconds', help: 'time to render (and compress) one device-metrics scrape', buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5] })),
};
