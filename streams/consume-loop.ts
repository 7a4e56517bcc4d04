// What the plain and the transactional consumer share: the librdkafka consumer settings, batched
// consumption as a promise, and grouping a consumed batch by partition (order kept).
import type { Logger } from '../common/log.js';
import { Kafka, attachLogger, commonConfig, type KafkaSecurity, type LibrdKafkaError, type NativeConsumer, type NativeMessage } from './kafka-client.js';
import { streamMetrics } from './metrics.js';

export const ERR_ASSIGN = -175; // RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS
export const ERR_REVOKE = -174; // RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS
export const OFFSET_BEGINNING = -2; // RD_KAFKA_OFFSET_BEGINNING

export type RebalanceHandler = (this: NativeConsumer, err: LibrdKafkaError, assignment: { topic: string; partition: number }[]) => void;

export interface GroupConsumerOptions {
  brokers: string[];
  security?: KafkaSecurity;
  clientId: string;
  groupId: string;
  logger: Logger;
  sessionTimeoutMs: number;
  maxBytesPerPartition?: number;
  fromBeginning?: boolean;
  /** Called on every assignment and revocation; it must call assign() / unassign() itself
   * (possibly later: librdkafka waits for it, fetching nothing meanwhile). */
  rebalance: RebalanceHandler;
  /** How long a consume call waits for a first record before it returns empty (see consumeBatch). */
  waitMs: number;
  /** Static membership (KIP-345): a member restarted under the same id gets its partitions back
   * without a rebalance. */
  instanceId?: string;
}

/** A group member: read_committed, offsets committed only by the code (never automatically),
 * partition p of every subscribed topic assigned to one member (range assignment over topics of
 * one partition count: what co-partitioned state needs). */
export function createGroupConsumer(o: GroupConsumerOptions): NativeConsumer {
  const consumer = new Kafka.KafkaConsumer(
    {
      ...commonConfig(o),
      'group.id': o.groupId,
      'enable.auto.commit': false,
      'enable.auto.offset.store': false,
      'isolation.level': 'read_committed',
      'session.timeout.ms': o.sessionTimeoutMs,
      'heartbeat.interval.ms': Math.max(300, Math.floor(o.sessionTimeoutMs / 10)),
      'partition.assignment.strategy': 'range',
      'max.partition.fetch.bytes': o.maxBytesPerPartition ?? 4 * 1024 * 1024,
      'fetch.wait.max.ms': 100, // ms: how long the broker holds a fetch with nothing new (latency of the wall)
      'rebalance_cb': o.rebalance,
      ...(o.instanceId ? { 'group.instance.id': o.instanceId } : {}),
    } as never,
    { 'auto.offset.reset': o.fromBeginning === false ? 'latest' : 'earliest' } as never,
  );
  attachLogger(consumer, o.logger);
  consumer.setDefaultConsumeTimeout(o.waitMs);
  // Wait for the first record only; then take what is already fetched and return.
  (consumer as unknown as { setDefaultIsTimeoutOnlyForFirstMessage(v: boolean): void }).setDefaultIsTimeoutOnlyForFirstMessage(true);
  return consumer;
}

/** Up to `max` records: returns as soon as one is there, with all that are fetched already. */
export function consumeBatch(consumer: NativeConsumer, max: number): Promise<NativeMessage[]> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- librdkafka's errors are plain objects, read as they are
  return new Promise((resolve, reject) => consumer.consume(max, (err, messages) => (err ? reject(err) : resolve(messages ?? []))));
}

export interface PartitionBatch {
  topic: string;
  partition: number;
  messages: NativeMessage[];
}

/** A consumed batch split by topic and partition, each in its offset order. */
export function byPartition(messages: NativeMessage[]): PartitionBatch[] {
  const out = new Map<string, PartitionBatch>();
  for (const m of messages) {
    const id = `${m.topic}\u0000${m.partition}`;
    let b = out.get(id);
    if (!b) out.set(id, (b = { topic: m.topic, partition: m.partition, messages: [] }));
    b.messages.push(m);
  }
  return [...out.values()];
}

/** The headers of a record that has none (shared, never written to). */
export const NO_HEADERS: Record<string, string> = Object.freeze({});

/** The group's lag on a partition after its record `last`, from the watermark the client already
 * holds (no request). */
export function recordLag(consumer: NativeConsumer, group: string, topic: string, partition: number, last: number): void {
  try {
    const { highOffset } = consumer.getWatermarkOffsets(topic, partition);
    if (highOffset >= 0) streamMetrics.lag.set({ group, topic, partition: String(partition) }, Math.max(0, highOffset - last - 1));
  } catch {
    // no watermark known yet for this partition
  }
}

/** A message key as text (keys are device ids or series keys). */
export function keyText(key: NativeMessage['key']): string | null {
  if (key === null || key === undefined) return null;
  return Buffer.isBuffer(key) ? key.toString('utf8') : String(key);
}

export function keyBytes(key: NativeMessage['key']): Buffer | null {
  if (key === null || key === undefined) return null;
  return Buffer.isBuffer(key) ? key : Buffer.from(String(key));
}
