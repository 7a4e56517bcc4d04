// The Kafka and schema-registry settings every role shares.
import { defineSettings, type ConfigOf } from '../common/config.js';
import { kafkaSecuritySettings, type KafkaSecurityConfig } from '../common/kafka-security.js';

const clusterSettings = defineSettings({
  kafkaBrokers: { kind: 'list', env: 'KAFKA_BROKERS', default: ['127.0.0.1:19092'], doc: 'Kafka bootstrap brokers, host:port, comma separated' },
  schemaRegistryUrl: { kind: 'url', env: 'SCHEMA_REGISTRY_URL', default: 'http://127.0.0.1:18081', doc: 'Confluent-compatible schema registry' },
  partitions: { kind: 'int', env: 'KAFKA_PARTITIONS', default: 6, min: 1, max: 10_000, doc: 'partitions of every telemetry topic (created if missing)' },
  replicationFactor: { kind: 'int', env: 'KAFKA_REPLICATION_FACTOR', default: 1, min: 1, max: 7, doc: 'replicas of every topic created' },
  topicPrefix: { kind: 'string', env: 'KAFKA_TOPIC_PREFIX', default: '', doc: 'prefix of every topic name, to isolate deployments or test runs on one cluster' },
  compression: { kind: 'string', env: 'KAFKA_COMPRESSION', default: 'snappy', choices: ['none', 'gzip', 'snappy'], doc: 'producer batch compression' },
});

export const streamSettings = defineSettings({ ...clusterSettings, ...kafkaSecuritySettings });

/** What connectStreams needs: without the security settings (a test's or a bench's literal), plaintext. */
export type StreamsConfig = ConfigOf<typeof clusterSettings> & Partial<KafkaSecurityConfig>;
