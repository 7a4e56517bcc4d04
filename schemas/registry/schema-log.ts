// The registry's log on Kafka: the one file of schemas/ that talks to Kafka, through
// @confluentinc/kafka-javascript's KafkaJS-compatible layer. The rest of the registry sees only
// the SchemaLog interface (read everything in order, append, ask where the end is), so it can be
// tested and reasoned about without Kafka types.

import { KafkaJS } from '@confluentinc/kafka-javascript';
import { randomUUID } from 'node:crypto';
import { clusterBrokerIds, kafkaJsConfig, kafkaLogger, verifyKafkaAccess, waitForLeaders } from '../../common/kafka.js';
import type { KafkaSecurity } from '../../common/kafka-security.js';
import type { Logger } from '../../common/log.js';
import type { LogWrite } from './log-records.js';
import { REGISTRY_TOPIC_BEFORE, REGISTRY_TOPIC_DEFAULT } from './settings.js';
import { OpsError } from '../../common/errors.js';

export interface SchemaLogRecord {
  offset: number;
  key: string | null;
  value: string | null; // null: tombstone
}

export interface SchemaLog {
  readonly topic: string;
  /** Reads the whole log from its first offset, calling onRecord for each record in order. */
  start(onRecord: (record: SchemaLogRecord) => void): Promise<void>;
  /** Offset of the last record now in the log (-1 when it is empty). */
  lastOffset(): Promise<number>;
  /** Appends records in this order, back to back; resolves with the offset of the last one. */
  append(records: LogWrite[]): Promise<number>;
  close(): Promise<void>;
}

export interface SchemaLogOptions {
  brokers: string[];
  /** TLS and SASL of the cluster (absent: plaintext) */
  security?: KafkaSecurity;
  topic: string;
  logger: Logger;
}

const defaults = {
  connectionTimeout: 3_000, // ms
  requestTimeout: 15_000, // ms
  maxWaitTime: 500, // ms a fetch waits at the broker when the log has nothing new
  sessionTimeout: 30_000, // ms
  adminTimeout: 15_000, // ms per admin call (the client's default is 5 s)
};

async function ensureTopic(admin: KafkaJS.Admin, opts: SchemaLogOptions, logger: Logger): Promise<void> {
  const { brokers, topic } = opts;
  const exists = (await admin.listTopics({ timeout: defaults.adminTimeout })).includes(topic);
  // A lost record could let an id be handed out twice: replicate as far as the cluster allows,
  // and with three copies or more refuse writes that fewer than two brokers hold.
  const liveBrokers = exists ? 0 : (await clusterBrokerIds(brokers, { clientId: 'oc-registry-admin', timeoutMs: defaults.adminTimeout, security: opts.security })).length;
  const replicationFactor = Math.max(1, Math.min(3, liveBrokers));
  const configEntries = [{ name: 'cleanup.policy', value: 'compact' }];
  if (replicationFactor >= 3) configEntries.push({ name: 'min.insync.replicas', value: '2' });
  // false when another replica created it meanwhile
  const created =
    !exists &&
    (await admin.createTopics({
      timeout: defaults.adminTimeout,
      topics: [{ topic, numPartitions: 1, replicationFactor, configEntries }],
    }));
  if (!exists) await waitForLeaders(admin, [topic], defaults.adminTimeout); // ours or the other replica's
  if (created) {
    logger.info('created schema log topic', { topic, replicationFactor });
    if (topic === REGISTRY_TOPIC_DEFAULT && (await admin.listTopics({ timeout: defaults.adminTimeout })).includes(REGISTRY_TOPIC_BEFORE))
      // The ids of an earlier log are in every message already written: a new log would hand out
      // others, and those messages would go to the dead letters. Confluent's registry uses the
      // same name, so this cannot tell which one it is: say both.
      logger.warn(`a ${REGISTRY_TOPIC_BEFORE} topic exists on this cluster: if it is the log of an OpsConductor registry of before 2026-12-07, stop and set REGISTRY_TOPIC=${REGISTRY_TOPIC_BEFORE} to keep its schema ids (then delete ${topic}); if it is Confluent's registry's, nothing to do`, { topic });
    return;
  }
  // A registry log with several partitions has no total order: ids would not be deterministic.
  const meta = await admin.fetchTopicMetadata({ topics: [topic], timeout: defaults.adminTimeout });
  const partitions = meta[0]?.partitions.length ?? 0;
  if (partitions !== 1) {
    throw new OpsError('REGISTRY_TOPIC_PARTITIONS', `schema log topic ${topic} has ${partitions} partitions; the registry needs exactly 1`);
  }
  // Not checked: that a topic made by someone else is compacted (under "delete" it would lose old
  // schemas after retention.ms). The client has no describeConfigs to read cleanup.policy with.
}

export async function openSchemaLog(opts: SchemaLogOptions): Promise<SchemaLog> {
  const logger = opts.logger.child({ component: 'schema-log', topic: opts.topic });
  // The KafkaJS-shaped clients below would retry a refused login or handshake for ever.
  await verifyKafkaAccess(opts.brokers, opts.security, 'oc-registry-probe');
  const kafka = new KafkaJS.Kafka(
    kafkaJsConfig(
      {
        clientId: 'oc-registry',
        brokers: opts.brokers,
        connectionTimeout: defaults.connectionTimeout,
        requestTimeout: defaults.requestTimeout,
        logLevel: KafkaJS.logLevel.WARN,
        logger: kafkaLogger(logger),
      },
      opts.security,
    ),
  );
  // Each replica reads the whole log on its own: a private group that never commits offsets.
  const groupId = `oc-registry-${randomUUID()}`;
  const admin = kafka.admin();
  const producer = kafka.producer({
    kafkaJS: {
      idempotent: true, // a retried append must not duplicate a record
      maxInFlightRequests: 1,
      acks: -1,
    },
  });
  const consumer = kafka.consumer({
    kafkaJS: {
      groupId,
      fromBeginning: true,
      autoCommit: false,
      maxWaitTimeInMs: defaults.maxWaitTime,
      sessionTimeout: defaults.sessionTimeout,
    },
  });
  let started = false;

  try {
    await admin.connect();
    await ensureTopic(admin, opts, logger);
    await producer.connect();
  } catch (err) {
    await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
    throw err;
  }

  return {
    topic: opts.topic,

    async start(onRecord) {
      // The client rejoins and refetches on its own after any failure, logging it as a warning
      // (it has no crash event). While it cannot read, this replica is stale: its writes then
      // time out (never wrong).
      await consumer.connect();
      await consumer.subscribe({ topics: [opts.topic] });
      started = true;
      await consumer.run({
        eachMessage: async ({ message }) => {
          onRecord({
            offset: Number(message.offset),
            key: message.key ? message.key.toString('utf8') : null,
            value: message.value ? message.value.toString('utf8') : null,
          });
        },
      });
    },

    async lastOffset() {
      const offsets = await admin.fetchTopicOffsets(opts.topic, { timeout: defaults.adminTimeout, isolationLevel: KafkaJS.IsolationLevel.READ_UNCOMMITTED });
      const high = offsets.find((o) => o.partition === 0)?.high ?? '0';
      return Number(high) - 1;
    },

    async append(records) {
      // The client produces message by message and a send() reports only the lowest offset per
      // partition: one send per record gives each its offset. They are queued in one go, in
      // order, and librdkafka's linger (5 ms by default) normally sends them in one request.
      const sends = records.map((r) => producer.send({ topic: opts.topic, messages: [{ partition: 0, key: r.key, value: r.value }] }));
      const offsets = (await Promise.all(sends)).map((result) => Number(result[0]?.baseOffset ?? NaN));
      if (offsets.length === 0 || !offsets.every(Number.isFinite)) throw new Error(`schema log ${opts.topic}: the broker returned no offset for an append`);
      return Math.max(...offsets);
    },

    async close() {
      await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
      if (started) await admin.deleteGroups([groupId]).catch(() => undefined); // the group held no offsets
      await admin.disconnect().catch(() => undefined);
    },
  };
}

/** Deletes a registry log topic (tests and teardown of throw-away stacks only). */
export async function deleteSchemaLogTopic(brokers: string[], topic: string, security?: KafkaSecurity): Promise<void> {
  const admin = new KafkaJS.Kafka(kafkaJsConfig({ clientId: 'oc-registry-admin', brokers, logLevel: KafkaJS.logLevel.NOTHING }, security)).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic], timeout: 10_000 });
  } finally {
    await admin.disconnect();
  }
}
