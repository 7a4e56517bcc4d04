import { hostname } from 'node:os';
import { defineSettings } from '../common/config.js';
import { opsSettingsFor } from '../common/settings.js';
import { streamSettings } from '../streams/settings.js';
import { HOUR_MS } from '../common/time-units.js';

export const collectorSettings = defineSettings({
  ...streamSettings,
  ...opsSettingsFor('collector'),
  collectorId: { kind: 'string', env: 'COLLECTOR_ID', default: `${hostname()}-${process.pid}`, defaultText: '<host>-<pid>', doc: 'name of this collector in readings and metrics' },
  groupId: { kind: 'string', env: 'COLLECTOR_GROUP', default: 'collectors', doc: 'consumer group of collectors sharing the inventory' },
  sessionTimeoutMs: { kind: 'int', env: 'COLLECTOR_SESSION_TIMEOUT_MS', default: 10_000, min: 6_000, max: 300_000, doc: 'how long before a dead collector’s devices move to the others' },
  intervalMs: { kind: 'int', env: 'POLL_INTERVAL_MS', default: 10_000, min: 1_000, max: HOUR_MS, doc: 'SNMP poll interval per device' },
  concurrency: { kind: 'int', env: 'POLL_CONCURRENCY', default: 200, min: 1, max: 10_000, doc: 'polls in flight at once per collector' },
  snmpTimeoutMs: { kind: 'int', env: 'SNMP_TIMEOUT_MS', default: 2_000, min: 100, max: 60_000, doc: 'SNMP request timeout' },
  snmpRetries: { kind: 'int', env: 'SNMP_RETRIES', default: 1, min: 0, max: 10, doc: 'SNMP retries after a timeout' },
  snmpProfilesDir: { kind: 'string', env: 'SNMP_PROFILES_DIR', default: '', doc: 'directory of your own SNMP profile files (*.yaml, format in docs/profiles.md), added to the built-in ones; validated at start' },
  snmpMaxRepetitions: { kind: 'int', env: 'SNMP_MAX_REPETITIONS', default: 25, min: 1, max: 200, doc: 'GetBulk max-repetitions for table walks' },
  icmpEnabled: { kind: 'bool', env: 'ICMP_ENABLED', default: true, doc: 'ping every inventory device with fping' },
  icmpIntervalMs: { kind: 'int', env: 'ICMP_INTERVAL_MS', default: 10_000, min: 1_000, max: HOUR_MS, doc: 'ICMP probe interval per device' },
  icmpCount: { kind: 'int', env: 'ICMP_COUNT', default: 5, min: 1, max: 100, doc: 'echo requests per device per interval' },
  icmpTimeoutMs: { kind: 'int', env: 'ICMP_TIMEOUT_MS', default: 1_000, min: 50, max: 10_000, doc: 'echo reply wait' },
  sshIntervalMs: { kind: 'int', env: 'SSH_INTERVAL_MS', default: 60_000, min: 5_000, max: HOUR_MS, doc: 'SSH CLI collection interval per device (devices with an ssh.credential label)' },
  sshKnownHostsFile: { kind: 'string', env: 'SSH_KNOWN_HOSTS_FILE', default: '.run/ssh_known_hosts', doc: 'host keys pinned on first use' },
  // 1 MiB holds Junos optics of ~380 ports (~2.7 KB a port); raise it for larger chassis.
  sshMaxOutputBytes: { kind: 'int', env: 'SSH_MAX_OUTPUT_BYTES', default: 1_048_576, min: 65_536, max: 67_108_864, doc: 'longest reply to one CLI command; a longer one ends the poll with SSH_OUTPUT_TOO_LARGE' },
  mcpUrl: { kind: 'string', env: 'MCP_URL', default: '', doc: 'Ciena MCP base URL (empty: MCP collection off)' },
  mcpUsername: { kind: 'string', env: 'MCP_USERNAME', default: 'admin', doc: 'MCP account' },
  mcpPassword: { kind: 'secret', env: 'MCP_PASSWORD', default: '', fromFile: true, doc: 'MCP password' },
  mcpPmAdapterFile: { kind: 'string', env: 'MCP_PM_ADAPTER_FILE', default: '', doc: 'JSON file describing the PM API of this MCP release (default: the lab simulator’s)' },
  mcpMaxBodyBytes: { kind: 'int', env: 'MCP_MAX_BODY_BYTES', default: 33_554_432, min: 65_536, max: 1_073_741_824, doc: 'largest MCP answer read; a larger one ends that reading with MCP_TOO_LARGE' },
  mcpIntervalMs: { kind: 'int', env: 'MCP_INTERVAL_MS', default: 60_000, min: 5_000, max: HOUR_MS, doc: 'MCP PM and alarm collection interval' },
});
