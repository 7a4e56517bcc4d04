// Prometheus metrics of the ICMP poller (default registry, oc_ prefix), registered once per
// process however many pollers exist.

import client from 'prom-client';
import { once } from '../../common/metrics.js';

export function icmpPollerMetrics() {
  return {
    probes: once('oc_icmp_probes_total', () => new client.Counter({ name: 'oc_icmp_probes_total', help: 'Per-target probe runs by result (ok|error) and error code (none when ok).', labelNames: ['result', 'code'] })),
    echoSent: once('oc_icmp_echo_requests_sent_total', () => new client.Counter({ name: 'oc_icmp_echo_requests_sent_total', help: 'ICMP echo requests sent by fping.' })),
    echoReceived: once('oc_icmp_echo_replies_received_total', () => new client.Counter({ name: 'oc_icmp_echo_replies_received_total', help: 'ICMP echo replies received in time.' })),
    runs: once('oc_icmp_fping_runs_total', () => new client.Counter({ name: 'oc_icmp_fping_runs_total', help: 'fping processes run, by result (ok|error) and code.', labelNames: ['result', 'code'] })),
    runTargets: once(
      'oc_icmp_fping_run_targets',
      () => new client.Histogram({ name: 'oc_icmp_fping_run_targets', help: 'Targets probed by one fping process.', buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000] }),
    ),
    runDuration: once(
      'oc_icmp_fping_run_duration_seconds',
      () => new client.Histogram({ name: 'oc_icmp_fping_run_duration_seconds', help: 'Wall time of one fping process.', buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30] }),
    ),
    noise: once('oc_icmp_fping_unparsed_lines_total', () => new client.Counter({ name: 'oc_icmp_fping_unparsed_lines_total', help: 'fping output lines that named none of the probed targets.' })),
    lastSuccess: once('oc_icmp_last_success_timestamp_seconds', () => new client.Gauge({ name: 'oc_icmp_last_success_timestamp_seconds', help: 'Unix time of the last run with at least one reply, by device.', labelNames: ['device'] })),
  };
}

export type IcmpPollerMetrics = ReturnType<typeof icmpPollerMetrics>;
