// Prometheus metrics of the SNMP poller (default registry, oc_ prefix). Created once per process
// however many pollers exist, so tests and multi-poller roles do not collide on registration.

import client from 'prom-client';
import { once } from '../../common/metrics.js';

export function snmpPollerMetrics() {
  return {
    polls: once(
      'oc_snmp_polls_total',
      () => new client.Counter({ name: 'oc_snmp_polls_total', help: 'SNMP polls by profile, result (ok|error) and error code (none when ok).', labelNames: ['profile', 'result', 'code'] }),
    ),
    requests: once(
      'oc_snmp_requests_total',
      () => new client.Counter({ name: 'oc_snmp_requests_total', help: 'SNMP request PDUs completed (GET and GETBULK), retries excluded.', labelNames: ['pdu'] }),
    ),
    varbinds: once(
      'oc_snmp_varbinds_received_total',
      () => new client.Counter({ name: 'oc_snmp_varbinds_received_total', help: 'Values received and kept in polls, by profile.', labelNames: ['profile'] }),
    ),
    skipped: once(
      'oc_snmp_varbinds_skipped_total',
      () =>
        new client.Counter({
          name: 'oc_snmp_varbinds_skipped_total',
          help: 'Varbinds without a value (noSuchObject, noSuchInstance, endOfMibView inside a GET, unsupported types), by reason.',
          labelNames: ['reason'],
        }),
    ),
    malformed: once(
      'oc_snmp_malformed_datagrams_total',
      () => new client.Counter({ name: 'oc_snmp_malformed_datagrams_total', help: 'Datagrams received on poller sockets that could not be decoded as SNMP.' }),
    ),
    duration: once(
      'oc_snmp_poll_duration_seconds',
      () =>
        new client.Histogram({
          name: 'oc_snmp_poll_duration_seconds',
          help: 'Wall time of one poll (all its requests), by profile and result.',
          labelNames: ['profile', 'result'],
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        }),
    ),
    lastSuccess: once(
      'oc_snmp_last_success_timestamp_seconds',
      () => new client.Gauge({ name: 'oc_snmp_last_success_timestamp_seconds', help: 'Unix time of the last successful poll, by device.', labelNames: ['device'] }),
    ),
    sessions: once('oc_snmp_sessions', () => new client.Gauge({ name: 'oc_snmp_sessions', help: 'Open SNMP sessions (one UDP socket per target).' })),
  };
}

export type SnmpPollerMetrics = ReturnType<typeof snmpPollerMetrics>;
