// Idempotent "ensure topics": creates what is missing with its declared settings and checks
// that what exists has the partition count the pipeline relies on for co-partitioning. Admin
// calls are rare and not on any hot path: they use the client's KafkaJS-shaped admin API.
import type { Logger } from '../common/log.js';
import { OpsError } from '../common/errors.js';
import { Kafka, attachLogger, call, commonConfig, type KafkaSecurity, type NativeConsumer } from './kafka-client.js';
import type { TopicSpec } from './topics.js';

export interface TopicAdmin {
  ensureTopics(specs: TopicSpec[], replicationFactor: number): Promise<{ created: string[] }>;
  deleteTopics(names: string[]): Promise<void>;
  /** Latest offsets per partition (the high watermark: the next offset to be written). */
  endOffsets(topic: string): Promise<Map<number, bigint>>;
  /** Committed offsets of a consumer group per partition of a topic (-1 when none). */
  groupOffsets(groupId: string, topic: string): Promise<Map<number, bigint>>;
  /** The topic's partition count, asked once per topic (a count can grow, never shrink; the
   * pipeline's topics keep theirs for co-partitioning). */
  partitionCount(topic: string): Promise<number>;
  close(): Promise<void>;
}

/** Metadata of a topic created a moment ago is still moving between brokers: a failed answer
 * ("unknown topic or partition", "not the leader") is asked again a few times before it
 * becomes the caller's error. */
async function retriable<T>(fn: () => Promise<T>, attempts = 20): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, Math.min(1_000, 50 * 2 ** i)));
    }
  }
}

export async function connectAdmin(opts: { brokers: string[]; security?: KafkaSecurity; logger: Logger; clientId?: string }): Promise<TopicAdmin> {
  const kafka = new Kafka.KafkaJS.Kafka({});
  const admin = kafka.admin({
    ...commonConfig({ brokers: opts.brokers, security: opts.security, clientId: opts.clientId ?? 'opsconductor-admin', logger: opts.logger }),
    kafkaJS: { logLevel: Kafka.KafkaJS.logLevel.NOTHING },
  });
  try {
    await admin.connect();
  } catch (err) {
    throw new OpsError('KAFKA_UNAVAILABLE', `cannot reach Kafka at ${opts.brokers.join(',')}: ${(err as Error).message}`, {
      canRetry: true,
      cause: err,
    });
  }
  // createTopics returns once the controller has the topics; their leaders reach every broker's
  // metadata a moment later, and a produce or fetch before that fails: wait for them here.
  const waitForLeaders = async (topics: string[], timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const meta = await admin.fetchTopicMetadata({ topics });
        if (meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
      } catch (err) {
        if (Date.now() > deadline) throw new OpsError('KAFKA_UNAVAILABLE', `topics ${topics.join(', ')} have no leaders after ${timeoutMs} ms: ${(err as Error).message}`, { canRetry: true, cause: err });
      }
      if (Date.now() > deadline) throw new OpsError('KAFKA_UNAVAILABLE', `topics ${topics.join(', ')} have no leaders after ${timeoutMs} ms`, { canRetry: true });
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const partitionCounts = new Map<string, Promise<number>>();
  const partitionCount = (topic: string): Promise<number> => {
    let count = partitionCounts.get(topic);
    if (!count) {
      count = retriable(() => admin.fetchTopicMetadata({ topics: [topic] })).then((m) => {
        const n = m[0]?.partitions.length ?? 0;
        if (n === 0) throw new OpsError('KAFKA_UNAVAILABLE', `topic ${topic} has no partitions in the cluster's metadata`, { canRetry: true });
        return n;
      });
      partitionCounts.set(topic, count);
      count.catch(() => partitionCounts.delete(topic));
    }
    return count;
  };

  // A group's committed offsets are read by a consumer of that group that never joins it: the
  // admin API's ListConsumerGroupOffsets crashes librdkafka 2.15 (SIGSEGV, rd_kafka_cgrp_op on a
  // client without a consumer group) when the coordinator moves, as it does when a broker dies.
  // read_uncommitted: the last committed offsets, without waiting out a transaction in flight.
  const offsetReaders = new Map<string, Promise<NativeConsumer>>();
  const offsetReader = (groupId: string) => {
    let c = offsetReaders.get(groupId);
    if (!c) {
      const consumer: NativeConsumer = new Kafka.KafkaConsumer(
        { ...commonConfig({ brokers: opts.brokers, security: opts.security, clientId: `${opts.clientId ?? 'opsconductor-admin'}-offsets`, logger: opts.logger }), 'group.id': groupId, 'enable.auto.commit': false, 'isolation.level': 'read_uncommitted' } as never,
        {},
      );
      attachLogger(consumer, opts.logger);
      c = call((cb) => consumer.connect({ timeout: 10_000 }, cb as never)).then(() => consumer);
      offsetReaders.set(groupId, c);
      c.catch(() => offsetReaders.delete(groupId));
    }
    return c;
  };

  return {
    async ensureTopics(specs, replicationFactor) {
      const existing = new Set(await admin.listTopics());
      const missing = specs.filter((s) => !existing.has(s.name));
      if (missing.length > 0) {
        await admin.createTopics({
          topics: missing.map((s) => ({
            topic: s.name,
            numPartitions: s.partitions,
            replicationFactor,
            configEntries: Object.entries(withDurability(s.config, replicationFactor)).map(([name, value]) => ({ name, value })),
          })),
        });
        // Another replica may have raced us: createTopics returns false then, which is fine.
        await waitForLeaders(missing.map((s) => s.name));
      }
      const present = specs.filter((s) => existing.has(s.name));
      if (present.length > 0) {
        const meta = await admin.fetchTopicMetadata({ topics: present.map((s) => s.name) });
        for (const t of meta) {
          const want = present.find((s) => s.name === t.name)!.partitions;
          if (t.partitions.length !== want)
            opts.logger.warn('topic partition count differs from the declaration; co-partitioning needs them equal', {
              topic: t.name,
              partitions: t.partitions.length,
              declared: want,
            });
        }
      }
      return { created: missing.map((s) => s.name) };
    },
    async deleteTopics(names) {
      await admin.deleteTopics({ topics: names });
    },
    async endOffsets(topic) {
      const offs = await retriable(() => admin.fetchTopicOffsets(topic));
      return new Map(offs.map((o) => [o.partition, BigInt(o.high)]));
    },
    async groupOffsets(groupId, topic) {
      const count = await partitionCount(topic);
      const partitions = Array.from({ length: count }, (_, partition) => ({ topic, partition }));
      // The reader first, then the call: a reader that fails to connect rejects here instead of
      // leaving the call's callback never called.
      const committed = await retriable(async () => {
        const reader = await offsetReader(groupId);
        return call<{ partition: number; offset: number }[]>((cb) => reader.committed(partitions, 10_000, cb as never));
      });
      // No commit yet: librdkafka's invalid offset (-1001), reported as -1 like the group's absence.
      return new Map(committed.map((c) => [c.partition, BigInt(c.offset >= 0 ? c.offset : -1)]));
    },
    partitionCount,
    async close() {
      for (const c of offsetReaders.values()) await c.then((x) => call((cb) => x.disconnect(cb as never))).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

/** With three or more replicas an acks=all write must reach two of them before it counts, whatever
 *  the broker's default: one surviving replica must never be the only copy of an acknowledged
 *  record. A spec that sets its own value keeps it. */
export function withDurability(config: Record<string, string>, replicationFactor: number): Record<string, string> {
  if (replicationFactor < 3 || config['min.insync.replicas'] !== undefined) return config;
  return { ...config, 'min.insync.replicas': '2' };
}
