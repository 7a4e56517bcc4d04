// The one place that builds kafkajs clients. Nothing outside streams/ sees a kafkajs type, so the
// client can be replaced by a faster one without touching collectors, processors or sinks.
import kafkajs from 'kafkajs';
import SnappyCodec from 'kafkajs-snappy';
import type { Logger } from '../common/log.js';

const { Kafka, logLevel, CompressionTypes, CompressionCodecs } = kafkajs;
CompressionCodecs[CompressionTypes.Snappy] = SnappyCodec;
// Every producer here uses kafkajs's default (Java-compatible murmur2) partitioner on purpose:
// co-partitioning by deviceId needs all producers to agree. The warning about it is noise.
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

/** Idempotent and transactional producers must not give up retrying (kafkajs EoS advice):
 * a produce that cannot reach Kafka waits, which is backpressure, rather than a gap. */
export const exactlyOnceRetry = { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 10_000 };

export type KafkaClient = InstanceType<typeof Kafka>;
export type Compression = 'none' | 'gzip' | 'snappy';

export function compressionType(c: Compression): number {
  return c === 'gzip' ? CompressionTypes.GZIP : c === 'snappy' ? CompressionTypes.Snappy : CompressionTypes.None;
}

const levelNames: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

// kafkajs logs retriable protocol errors (coordinator loading, concurrent transactions) at ERROR
// and retries them itself; they are noise at our level, so they are demoted to debug.
const retriedByClient = /coordinator is loading|coordinator is not available|concurrent operation|not the correct coordinator|rebalancing|leadership election|not the leader for that topic-partition|no leader for this topic-partition|Limiting retries for the idempotent producer/i;

export function createKafkaClient(opts: {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** Sees every entry kafkajs logs (at warn and above), before it is logged: some client events are only visible there. */
  onEntry?: (message: string, fields: Record<string, unknown>) => void;
}): KafkaClient {
  const log = opts.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    connectionTimeout: 3_000, // ms
    requestTimeout: 30_000, // ms
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 10_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }) => {
        const { message, timestamp: _t, logger: _l, ...rest } = entry as Record<string, unknown> & { message: string };
        opts.onEntry?.(message, rest);
        const error = String(rest.error ?? '');
        const name = retriedByClient.test(error) || retriedByClient.test(message) ? 'debug' : levelNames[level] ?? 'info';
        log[name](message, rest);
      },
  });
}

/** kafkajs's default partitioner (Java-compatible murmur2 of the key) as a function of the
 * partition count: the partition kafkajs itself would pick for a message, known before sending.
 * It runs for every message sent (partition-split.ts), and keys repeat (a device's every reading):
 * a string key's partition is remembered rather than hashed again, each call of kafkajs's
 * partitioner also copying the partition list. */
export function keyPartitioner(): (topic: string, partitionCount: number, message: { key?: Buffer | string | null; partition?: number }) => number {
  const pick = kafkajs.Partitioners.DefaultPartitioner();
  const byCount = new Map<number, { partitionMetadata: { partitionId: number; leader: number }[]; ofKey: Map<string, number> }>();
  return (topic, partitionCount, message) => {
    let c = byCount.get(partitionCount);
    if (!c) byCount.set(partitionCount, (c = { partitionMetadata: Array.from({ length: partitionCount }, (_, partitionId) => ({ partitionId, leader: 0 })), ofKey: new Map() }));
    const key = typeof message.key === 'string' && message.partition === undefined ? message.key : undefined;
    const known = key === undefined ? undefined : c.ofKey.get(key);
    if (known !== undefined) return known;
    const partition = pick({ topic, partitionMetadata: c.partitionMetadata as never, message: message as never });
    if (key !== undefined) {
      if (c.ofKey.size >= KEY_PARTITION_CACHE) c.ofKey.clear(); // bounded: keys are devices, but nothing enforces that
      c.ofKey.set(key, partition);
    }
    return partition;
  };
}

/** String keys whose partition keyPartitioner remembers per partition count. */
const KEY_PARTITION_CACHE = 200_000;
