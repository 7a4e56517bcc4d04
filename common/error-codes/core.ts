// Error codes of the pipeline's core: configuration and role start, Kafka and the stream runtime,
// the processors, the sinks and the notifier. Part of the one catalogue (common/errors.ts).
import type { ErrorSpec } from '../errors.js';

export const configErrors = {
  CONFIG_INVALID: { canRetry: false, meaning: 'a setting (environment, OC_CONFIG YAML, a file it names) holds a value that cannot be used' },
  CONFIG_MISSING: { canRetry: false, meaning: 'a required setting is not set' },
  CONFIG_UNKNOWN_KEY: { canRetry: false, meaning: 'a settings file or option names a key the schema does not know (a typo is refused, not ignored)' },
  OPS_PORT_IN_USE: { canRetry: false, meaning: "another process holds the role's OPS_PORT (two roles of one kind on a host)" },
  EXPORTER_PORT_IN_USE: { canRetry: false, meaning: "another process holds the exporter role's EXPORTER_PORT" },
  UNEXPECTED: { canRetry: false, meaning: 'an error without a code (a bug or a library error) where a code is reported' },
} as const satisfies Record<string, ErrorSpec>;

export const streamErrors = {
  KAFKA_UNAVAILABLE: { canRetry: true, meaning: 'the Kafka cluster did not answer, or a topic has no leader or no partitions' },
  KAFKA_AUTH_FAILED: { canRetry: false, meaning: 'a broker refused the SASL login (the message names the KAFKA_SASL_* setting to fix)' },
  KAFKA_TLS_FAILED: { canRetry: false, meaning: 'the TLS handshake with a broker failed (the message names the KAFKA_SSL_* setting to fix)' },
  KAFKA_COMMIT_DEADLINE: { canRetry: false, meaning: 'a transaction commit or abort did not complete within its deadline: the producer is fenced and restarts' },
  SERDE_DECODE_FAILED: { canRetry: false, meaning: 'a message is not Confluent wire format or its Avro body cannot be read (dead-lettered)' },
  SERDE_ENCODE_FAILED: { canRetry: false, meaning: "a record does not fit its topic's Avro schema, or the schema was not prepared" },
  SERDE_SCHEMA_UNKNOWN: { canRetry: false, meaning: "a message's schema id is not in the schema registry" },
  SCHEMA_UNKNOWN_TOPIC: { canRetry: false, meaning: 'a topic has no Avro contract in schemas/' },
  PROCESSING_FAILED: { canRetry: false, meaning: 'a message was dead-lettered by an error that carried no code of its own' },
  INVENTORY_READ_TIMEOUT: { canRetry: true, meaning: 'reading the inventory topic did not reach its end offsets in time' },
  TOPOLOGY_READ_TIMEOUT: { canRetry: true, meaning: 'the API reading the links topic (the topology) did not reach its end offsets in time' },
  ALARM_FEED_TIMEOUT: { canRetry: true, meaning: 'reading the alarm operations topic did not reach its end offsets in time' },
  PARENT_DOWN_FEED_TIMEOUT: { canRetry: true, meaning: "reading the parents' health for parent-down suppression did not reach its end offsets in time" },
} as const satisfies Record<string, ErrorSpec>;

export const processorErrors = {
  TRANSFORM_FAILED: { canRetry: false, meaning: 'a processor could not transform a record, or read back a detector state it does not know (dead-lettered)' },
  STATE_RESTORE_FAILED: { canRetry: false, meaning: 'a processor state changelog record cannot be decoded at restore' },
  NORMALIZE_UNKNOWN_KIND: { canRetry: false, meaning: 'a raw topic of a kind normalize does not know (not snmp, icmp, ssh or ciena)' },
  RULES_INVALID: { canRetry: false, meaning: 'a static rule file is malformed; the message lists every problem with its file and line' },
} as const satisfies Record<string, ErrorSpec>;

export const sinkErrors = {
  SINK_WRITE_FAILED: { canRetry: true, meaning: 'PostgreSQL is unavailable, or a batch could not be written (the offsets are not committed)' },
  SINK_ROW_REJECTED: { canRetry: false, meaning: 'PostgreSQL refused samples of a batch (a constraint): they are dead-lettered, the rest is written' },
  NOTIFY_SMTP_FAILED: { canRetry: true, meaning: 'the SMTP relay could not be reached or refused the mail; canRetry is false when a retry cannot help (login refused, clear-text password)' },
  NOTIFY_WEBHOOK_FAILED: { canRetry: true, meaning: 'a webhook did not answer 2xx; canRetry is false for a redirect or a 4xx other than 408 and 429' },
} as const satisfies Record<string, ErrorSpec>;
