// Settings of the `exporter` role: the device metrics of telemetry.metrics for Prometheus to scrape.
import { defineSettings } from '../../common/config.js';
import { opsSettingsFor } from '../../common/settings.js';
import { streamSettings } from '../../streams/settings.js';

export const exporterSettings = defineSettings({
  ...streamSettings,
  ...opsSettingsFor('exporter'),
  host: { kind: 'string', env: 'EXPORTER_HOST', default: '127.0.0.1', doc: 'address of the device-metrics endpoint (GET /metrics, OpenMetrics)' },
  // Its own port, not the ops port: device data and the role's health are scraped by different
  // jobs, and may be reachable from different networks.
  port: { kind: 'int', env: 'EXPORTER_PORT', default: 9479, min: 0, max: 65_535, doc: 'port of the device-metrics endpoint (0: any free port, logged at start)' },
  groupId: { kind: 'string', env: 'EXPORTER_GROUP', default: 'exporter-prometheus', doc: 'consumer group of exporter replicas (each exposes the devices of its partitions; scrape them all)' },
  sessionTimeoutMs: { kind: 'int', env: 'EXPORTER_SESSION_TIMEOUT_MS', default: 30_000, min: 6_000, max: 300_000, doc: 'Kafka group session timeout, ms' },
  prefix: { kind: 'string', env: 'EXPORTER_PREFIX', default: 'oc_device_', doc: 'prefix of every exposed metric name (oc_device_if_in_bps{device,ifName})' },
  maxSeries: { kind: 'int', env: 'EXPORTER_MAX_SERIES', default: 200_000, min: 1, max: 10_000_000, doc: 'series held at most (about 500 bytes each with their keys: 200,000 ≈ 100 MB); new series beyond it are refused and counted in oc_exporter_series_refused_total' },
  // Five minutes: five times the longest default poll interval (SSH and MCP, 60 s), so a late poll
  // does not flap a series, and short enough that a device gone from the inventory leaves soon.
  staleAfterMs: { kind: 'int', env: 'EXPORTER_STALE_AFTER_MS', default: 300_000, min: 10_000, doc: 'a series whose latest reading is older than this (event time, ms) is no longer exposed; Prometheus then marks it stale' },
  maxLabelBytes: { kind: 'int', env: 'EXPORTER_MAX_LABEL_BYTES', default: 1_024, min: 64, max: 65_536, doc: 'longest label text of one series; a longer series is refused and counted' },
  gzipLevel: { kind: 'int', env: 'EXPORTER_GZIP_LEVEL', default: 1, min: 0, max: 9, doc: 'gzip level of scrapes that accept gzip (0: never compress); 1 is within a few per cent of 6 in size at a fifth of the CPU (bench device-metrics)' },
});
