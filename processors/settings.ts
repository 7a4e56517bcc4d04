import { defineSettings } from '../common/config.js';
import { opsSettingsFor } from '../common/settings.js';
import { streamSettings } from '../streams/settings.js';
import { ruleFileSettings } from '../devices/rule-settings.js';

export const processorSettings = defineSettings({
  ...streamSettings,
  ...opsSettingsFor('processor'),
  ...ruleFileSettings,
  groupId: { kind: 'string', env: 'PROCESSOR_GROUP', default: 'processors', doc: 'consumer group of processor replicas' },
  analysisConfigFile: { kind: 'string', env: 'ANALYSIS_CONFIG_FILE', default: '', doc: 'YAML overriding the analysis defaults: scoring, lifecycle, rules (e.g. rules.opticalRxLow.sensitivityDbm), health' },
  snmpProfilesDir: { kind: 'string', env: 'SNMP_PROFILES_DIR', default: '', doc: 'the collectors\' directory of your own SNMP profile files: the metrics they declare (metric, unit) become series; validated at start' },
  sessionTimeoutMs: { kind: 'int', env: 'PROCESSOR_SESSION_TIMEOUT_MS', default: 30_000, min: 6_000, max: 300_000, doc: 'how long before a dead processor’s partitions move to the others' },
  instanceId: { kind: 'string', env: 'PROCESSOR_INSTANCE_ID', default: '', doc: 'stable name of this replica (e.g. a StatefulSet pod name): a restart takes its partitions back at once (static group membership) and aborts what it left open (transactional id); unique per live replica; one stopped for good holds its partitions until the session timeout; empty: a dynamic member' },
  commitIntervalMs: { kind: 'int', env: 'PROCESSOR_COMMIT_INTERVAL_MS', default: 100, min: 10, max: 60_000, doc: 'longest a transaction stays open (ms); it also commits as soon as the input is idle' },
});
