// Every topic of the pipeline, declared once: partitions, compaction, retention. Telemetry topics
// are keyed by deviceId and share one partition count so a device's data is co-partitioned end to
// end (a processor that owns partition p of telemetry.raw.* owns partition p of every output).
import { DAY_MS } from '../common/time-units.js';

export const telemetryTopics = {
  inventory: 'inventory.devices',
  links: 'inventory.links',
  rawSnmp: 'telemetry.raw.snmp',
  rawIcmp: 'telemetry.raw.icmp',
  rawSsh: 'telemetry.raw.ssh',
  rawCiena: 'telemetry.raw.ciena',
  rawTrap: 'telemetry.raw.trap',
  metrics: 'telemetry.metrics',
  baselines: 'telemetry.baselines',
  anomalies: 'telemetry.anomalies',
  health: 'telemetry.health',
  live: 'telemetry.live',
  dlq: 'telemetry.dlq',
  // Operators' silences, maintenance windows and acknowledgements (alarms/): one small topic.
  alarmOperations: 'alarm.operations',
  // Internal: processor state checkpoints (JSON, not Avro), co-partitioned with the inputs.
  processorState: 'processors.state.changelog',
} as const;

export type TopicName = (typeof telemetryTopics)[keyof typeof telemetryTopics];
export type TopicNames = { readonly [K in keyof typeof telemetryTopics]: string };

/** The topic names of one deployment: a prefix isolates test runs sharing a cluster. */
export function prefixedTopics(prefix: string): TopicNames {
  return Object.fromEntries(Object.entries(telemetryTopics).map(([k, v]) => [k, prefix + v])) as unknown as TopicNames;
}

export interface TopicSpec {
  name: string;
  partitions: number;
  /** Broker-side settings (cleanup.policy, retention.ms ...). */
  config: Record<string, string>;
}

const compacted = { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': String(60_000) };

/** The declarations, sized by the partition count the deployment chose. */
export function topicSpecs(partitions: number, prefix = ''): TopicSpec[] {
  const t = prefixedTopics(prefix);
  const log = (retentionDays: number) => ({ 'cleanup.policy': 'delete', 'retention.ms': String(retentionDays * DAY_MS) });
  return [
    { name: t.inventory, partitions, config: compacted },
    // Keyed by linkId, not deviceId: nothing is co-partitioned with it; readers take it whole.
    { name: t.links, partitions, config: compacted },
    { name: t.rawSnmp, partitions, config: log(7) },
    { name: t.rawIcmp, partitions, config: log(7) },
    { name: t.rawSsh, partitions, config: log(7) },
    { name: t.rawCiena, partitions, config: log(7) },
    { name: t.rawTrap, partitions, config: log(7) },
    { name: t.metrics, partitions, config: log(7) },
    { name: t.baselines, partitions, config: compacted },
    { name: t.anomalies, partitions, config: log(30) },
    { name: t.health, partitions, config: compacted },
    // Live points only matter for a few seconds; a short retention keeps the wall cheap.
    { name: t.live, partitions, config: log(1 / 24) },
    { name: t.dlq, partitions, config: log(30) },
    // Few records, read whole by every notifier and API replica: one partition keeps them in order.
    { name: t.alarmOperations, partitions: 1, config: compacted },
    // One record holds a device's whole state (its series' baselines and detectors): allow
    // records far beyond the broker's 1 MiB default.
    { name: t.processorState, partitions, config: { ...compacted, 'max.message.bytes': String(32 * 1024 * 1024) } },
  ];
}
