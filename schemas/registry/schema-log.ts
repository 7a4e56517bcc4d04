// The registry's log on Kafka: the one file of schemas/ that talks to kafkajs. The rest of the
// registry sees only the SchemaLog interface (read everything in order, append, ask where the
// end is), so it can be tested and reasoned about without Kafka types.

import kafkajs, { Kafka, Partitioners, logLevel, type Admin, type Consumer, type Producer, type LogEntry } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../common/log.js';
import type { LogWrite } from './log-records.js';

// Not among the names Node finds in kafkajs's CommonJS exports: read it from the default export.
const { ConfigResourceTypes } = kafkajs;

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
  /** Appends records in this order, in one request; resolves with the offset of the last one. */
  append(records: LogWrite[]): Promise<number>;
  close(): Promise<void>;
}

export interface SchemaLogOptions {
  brokers: string[];
  topic: string;
  logger: Logger;
}

const defaults = {
  connectionTimeout: 3_000, // ms
  requestTimeout: 15_000, // ms
  maxWaitTime: 500, // ms a fetch waits at the broker when the log has nothing new
  sessionTimeout: 30_000, // ms
};

function kafkaLogCreator(logger: Logger) {
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...fields } = log;
      // kafkajs logs the errors it retries (coordinator loading...) at ERROR: warn is enough.
      if (level <= logLevel.WARN) logger.warn(`kafkajs: ${message}`, fields);
    };
}

async function ensureTopic(admin: Admin, topic: string, logger: Logger): Promise<void> {
  const exists = (await admin.listTopics()).includes(topic);
  // A lost record could let an id be handed out twice: replicate as far as the cluster allows,
  // and with three copies or more refuse writes that fewer than two brokers hold.
  const brokers = exists ? 0 : (await admin.describeCluster()).brokers.length;
  const replicationFactor = Math.max(1, Math.min(3, brokers));
  const configEntries = [{ name: 'cleanup.policy', value: 'compact' }];
  if (replicationFactor >= 3) configEntries.push({ name: 'min.insync.replicas', value: '2' });
  const created =
    !exists &&
    (await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: 1, replicationFactor, configEntries }],
    }));
  if (created) {
    logger.info('created schema log topic', { topic, replicationFactor });
    return;
  }
  // A registry log with several partitions has no total order: ids would not be deterministic.
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  const partitions = meta.topics[0]?.partitions.length ?? 0;
  if (partitions !== 1) {
    throw Object.assign(new Error(`schema log topic ${topic} has ${partitions} partitions; the registry needs exactly 1`), {
      code: 'REGISTRY_TOPIC_PARTITIONS',
      canRetry: false,
    });
  }
  // Under "delete" the log would lose old schemas after retention.ms: say so loudly.
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] }],
  });
  const policy = described.resources[0]?.configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue ?? '';
  if (!policy.includes('compact')) {
    logger.error('schema log topic is not compacted: schemas will be lost when retention deletes old segments', { topic, policy });
  }
}

export async function openSchemaLog(opts: SchemaLogOptions): Promise<SchemaLog> {
  const logger = opts.logger.child({ component: 'schema-log', topic: opts.topic });
  const kafka = new Kafka({
    clientId: 'oc-registry',
    brokers: opts.brokers,
    connectionTimeout: defaults.connectionTimeout,
    requestTimeout: defaults.requestTimeout,
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(logger),
  });
  // Each replica reads the whole log on its own: a private group that never commits offsets.
  const groupId = `oc-registry-${randomUUID()}`;
  const admin: Admin = kafka.admin();
  const producer: Producer = kafka.producer({
    idempotent: true, // a retried append must not duplicate a record
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumer: Consumer = kafka.consumer({
    groupId,
    maxWaitTimeInMs: defaults.maxWaitTime,
    sessionTimeout: defaults.sessionTimeout,
  });
  let started = false;

  try {
    await admin.connect();
    await ensureTopic(admin, opts.topic, logger);
    await producer.connect();
  } catch (err) {
    await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
    throw err;
  }

  return {
    topic: opts.topic,

    async start(onRecord) {
      // A consumer that gave up leaves this replica stale: its writes then time out (never wrong).
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        const report = payload.restart ? logger.warn : logger.error;
        report('schema log consumer crashed', { err: payload.error, restart: payload.restart });
      });
      await consumer.connect();
      await consumer.subscribe({ topic: opts.topic, fromBeginning: true });
      started = true;
      await consumer.run({
        autoCommit: false,
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
      const offsets = await admin.fetchTopicOffsets(opts.topic);
      const high = offsets.find((o) => o.partition === 0)?.high ?? '0';
      return Number(high) - 1;
    },

    async append(records) {
      const result = await producer.send({
        topic: opts.topic,
        acks: -1,
        messages: records.map((r) => ({ partition: 0, key: r.key, value: r.value })),
      });
      const base = Number(result[0]?.baseOffset ?? NaN);
      if (!Number.isFinite(base)) throw new Error(`schema log ${opts.topic}: the broker returned no offset for an append`);
      return base + records.length - 1;
    },

    async close() {
      await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
      if (started) await admin.deleteGroups([groupId]).catch(() => undefined); // the group held no offsets
      await admin.disconnect().catch(() => undefined);
    },
  };
}

/** Deletes a registry log topic (tests and teardown of throw-away stacks only). */
export async function deleteSchemaLogTopic(brokers: string[], topic: string): Promise<void> {
  const admin = new Kafka({ clientId: 'oc-registry-admin', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic], timeout: 10_000 });
  } finally {
    await admin.disconnect();
  }
}
