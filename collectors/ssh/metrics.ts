// Prometheus metrics of the SSH poller (default registry, oc_ prefix), registered once per process.

import client from 'prom-client';
import { once } from '../../common/metrics.js';

export function sshPollerMetrics() {
  return {
    captures: once(
      'oc_ssh_captures_total',
      () => new client.Counter({ name: 'oc_ssh_captures_total', help: 'CLI commands captured, by platform, result (ok|error) and error code (none when ok).', labelNames: ['platform', 'result', 'code'] }),
    ),
    values: once('oc_ssh_values_parsed_total', () => new client.Counter({ name: 'oc_ssh_values_parsed_total', help: 'Values the platform parsers extracted, by platform.', labelNames: ['platform'] })),
    logins: once('oc_ssh_logins_total', () => new client.Counter({ name: 'oc_ssh_logins_total', help: 'SSH sessions opened (a reused session is not counted), by result and code.', labelNames: ['result', 'code'] })),
    sessions: once('oc_ssh_sessions', () => new client.Gauge({ name: 'oc_ssh_sessions', help: 'Open SSH CLI sessions.' })),
    hostKeysPinned: once('oc_ssh_host_keys_pinned_total', () => new client.Counter({ name: 'oc_ssh_host_keys_pinned_total', help: 'Host keys written to the known-hosts file on first use.' })),
    duration: once(
      'oc_ssh_command_duration_seconds',
      () =>
        new client.Histogram({
          name: 'oc_ssh_command_duration_seconds',
          help: 'Time from sending a command to its prompt coming back, by platform.',
          labelNames: ['platform'],
          buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        }),
    ),
    lastSuccess: once('oc_ssh_last_success_timestamp_seconds', () => new client.Gauge({ name: 'oc_ssh_last_success_timestamp_seconds', help: 'Unix time of the last successful capture, by device.', labelNames: ['device'] })),
  };
}

export type SshPollerMetrics = ReturnType<typeof sshPollerMetrics>;
