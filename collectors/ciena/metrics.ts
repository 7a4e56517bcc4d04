// Prometheus metrics of the Ciena MCP poller (default registry, oc_ prefix), registered once per process.

import client from 'prom-client';
import { once } from '../../common/metrics.js';

export function cienaPollerMetrics() {
  return {
    readings: once(
      'oc_ciena_readings_total',
      () => new client.Counter({ name: 'oc_ciena_readings_total', help: 'MCP readings by kind (PM|ALARM|INVENTORY), result (ok|error) and code (none when ok).', labelNames: ['kind', 'result', 'code'] }),
    ),
    requests: once(
      'oc_ciena_http_requests_total',
      () => new client.Counter({ name: 'oc_ciena_http_requests_total', help: 'HTTP requests sent to MCP, by API (tokens|nsi|nsa|pm) and status class (2xx, 4xx, 5xx, error).', labelNames: ['api', 'status'] }),
    ),
    logins: once('oc_ciena_logins_total', () => new client.Counter({ name: 'oc_ciena_logins_total', help: 'Token requests to MCP, by result (ok|error).', labelNames: ['result'] })),
    skippedValues: once('oc_ciena_pm_values_skipped_total', () => new client.Counter({ name: 'oc_ciena_pm_values_skipped_total', help: 'PM items without a numeric value or a port, skipped.' })),
    duration: once(
      'oc_ciena_request_duration_seconds',
      () => new client.Histogram({ name: 'oc_ciena_request_duration_seconds', help: 'Wall time of one MCP HTTP request, by API.', labelNames: ['api'], buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] }),
    ),
    lastSuccess: once('oc_ciena_last_success_timestamp_seconds', () => new client.Gauge({ name: 'oc_ciena_last_success_timestamp_seconds', help: 'Unix time of the last successful reading, by device.', labelNames: ['device'] })),
  };
}

export type CienaPollerMetrics = ReturnType<typeof cienaPollerMetrics>;
