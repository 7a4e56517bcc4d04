// The Avro contract of every topic: the schemas in this folder, the subject each is registered
// under (Confluent's TopicNameStrategy: `<topic>-value`), and the topic list itself.

import { readFileSync } from 'node:fs';
import type { TopicRecords } from './types.js';
import { OpsError } from '../common/errors.js';

export const topicNames = [
  'inventory.devices',
  'inventory.links',
  'telemetry.raw.snmp',
  'telemetry.raw.icmp',
  'telemetry.raw.ssh',
  'telemetry.raw.ciena',
  'telemetry.raw.trap',
  'telemetry.metrics',
  'telemetry.baselines',
  'telemetry.anomalies',
  'telemetry.health',
  'telemetry.live',
  'telemetry.dlq',
  'alarm.operations',
] as const satisfies ReadonlyArray<keyof TopicRecords>;

export type TopicName = (typeof topicNames)[number];

/** Record name (without namespace) carried by each topic. */
export const recordNames: Record<TopicName, string> = {
  'inventory.devices': 'Device',
  'inventory.links': 'Link',
  'telemetry.raw.snmp': 'RawSnmpPoll',
  'telemetry.raw.icmp': 'RawIcmpProbe',
  'telemetry.raw.ssh': 'RawSshCapture',
  'telemetry.raw.ciena': 'RawCienaReading',
  'telemetry.raw.trap': 'RawTrap',
  'telemetry.metrics': 'MetricBatch',
  'telemetry.baselines': 'Baseline',
  'telemetry.anomalies': 'AnomalyEvent',
  'telemetry.health': 'HealthScore',
  'telemetry.live': 'LiveBatch',
  'telemetry.dlq': 'DeadLetter',
  'alarm.operations': 'AlarmOperation',
};

export const schemaNamespace = 'io.opsconductor.telemetry';

// Resolved from this module, not the working directory, so any role started from anywhere finds them.
const schemaFile = (topic: TopicName) => new URL(`./${topic}.avsc`, import.meta.url);

/** The parsed .avsc of every topic (plain JSON objects; treat them as read-only). */
export const topicSchemas: Record<TopicName, object> = Object.fromEntries(
  topicNames.map((topic) => [topic, JSON.parse(readFileSync(schemaFile(topic), 'utf8')) as object]),
) as Record<TopicName, object>;

export function isTopicName(topic: string): topic is TopicName {
  return (topicNames as readonly string[]).includes(topic);
}

/** The Avro schema of a topic; throws SCHEMA_UNKNOWN_TOPIC for a topic without a contract. */
export function schemaFor(topic: string): object {
  if (!isTopicName(topic)) {
    throw new OpsError('SCHEMA_UNKNOWN_TOPIC', `no Avro schema for topic "${topic}"; known topics: ${topicNames.join(', ')}`);
  }
  return topicSchemas[topic];
}

/** Subject of a topic's value schema in the registry. */
export function subjectFor(topic: string): string {
  return `${topic}-value`;
}
