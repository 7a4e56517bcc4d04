import { hostname } from 'node:os';
import { defineSettings } from '../common/config.js';
import { opsSettings } from '../common/settings.js';
import { streamSettings } from '../streams/settings.js';

export const collectorSettings = defineSettings({
  ...streamSettings,
  ...opsSettings,
  collectorId: { kind: 'string', env: 'COLLECTOR_ID', default: `${hostname()}-${process.pid}`, doc: 'name of this collector in readings and metrics' },
  groupId: { kind: 'string', env: 'COLLECTOR_GROUP', default: 'collectors', doc: 'consumer group of collectors sharing the inventory' },
  sessionTimeoutMs: { kind: 'int', env: 'COLLECTOR_SESSION_TIMEOUT_MS', default: 10_000, min: 6_000, max: 300_000, doc: 'how long before a dead collector’s devices move to the others' },
  intervalMs: { kind: 'int', env: 'POLL_INTERVAL_MS', default: 10_000, min: 1_000, max: 3_600_000, doc: 'SNMP poll interval per device' },
  concurrency: { kind: 'int', env: 'POLL_CONCURRENCY', default: 200, min: 1, max: 10_000, doc: 'polls in flight at once per collector' },
  snmpTimeoutMs: { kind: 'int', env: 'SNMP_TIMEOUT_MS', default: 2_000, min: 100, max: 60_000, doc: 'SNMP request timeout' },
  snmpRetries: { kind: 'int', env: 'SNMP_RETRIES', default: 1, min: 0, max: 10, doc: 'SNMP retries after a timeout' },
  snmpMaxRepetitions: { kind: 'int', env: 'SNMP_MAX_REPETITIONS', default: 25, min: 1, max: 200, doc: 'GetBulk max-repetitions for table walks' },
});
