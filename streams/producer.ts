// A typed producer: Avro values through the registry serde, idempotent, acks=all, compressed, and
// batched: concurrent send() calls within a short linger are coalesced into one produce request,
// because a Kafka round trip per poll would cap collectors far below what the brokers take.
import type { Logger } from '../common/log.js';
import { OpsError } from '../common/errors.js';
import { compressionType, createKafkaClient, exactlyOnceRetry, type Compression } from './kafka-client.js';
import type { AvroSerde } from './serde.js';
import { streamMetrics } from './metrics.js';
import { createPartitionSplitter, type PartitionCounts } from './partition-split.js';

export interface OutRecord {
  key: string | null;
  value: unknown;
  headers?: Record<string, string>;
  /** Event time in ms; Kafka's record timestamp is set to it so time-based seeks follow event time. */
  timestamp?: number;
}

export interface RawOutRecord {
  key: Buffer | string | null;
  value: Buffer | null;
  headers?: Record<string, string | Buffer>;
  timestamp?: number;
}

export interface StreamProducer {
  send(topic: string, records: OutRecord[]): Promise<void>;
  /** Bytes as they are (dead letters, pass-through, benchmarks). */
  sendRaw(topic: string, records: RawOutRecord[]): Promise<void>;
  close(): Promise<void>;
}

export interface ProducerOptions {
  brokers: string[];
  clientId: string;
  serde: AvroSerde;
  logger: Logger;
  compression: Compression;
  /** Partition counts of the topics written (each send holds one partition: partition-split.ts). */
  partitionCounts: PartitionCounts;
  lingerMs?: number; // how long a send waits for company before the batch goes
  maxBatchMessages?: number;
}

interface Pending {
  messages: { key: Buffer | string | null; value: Buffer | null; headers?: Record<string, string | Buffer>; timestamp?: string; partition?: number }[];
  waiters: { resolve: () => void; reject: (e: unknown) => void }[];
}

export async function createStreamProducer(opts: ProducerOptions): Promise<StreamProducer> {
  const kafka = createKafkaClient({ brokers: opts.brokers, clientId: opts.clientId, logger: opts.logger });
  const producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: false, retry: exactlyOnceRetry });
  try {
    await producer.connect();
  } catch (err) {
    throw new OpsError('KAFKA_UNAVAILABLE', `producer cannot reach Kafka at ${opts.brokers.join(',')}: ${(err as Error).message}`, { canRetry: true, cause: err });
  }
  const linger = opts.lingerMs ?? 5;
  const maxBatch = opts.maxBatchMessages ?? 2_000;
  const compression = compressionType(opts.compression);
  const splitByPartition = createPartitionSplitter(opts.partitionCounts);
  // One batch in flight at a time: kafkajs numbers an idempotent producer's batches when it builds
  // a request, and two concurrent requests to one partition where the first fails and is retried
  // after the second landed are what made the broker take a reading twice (seen in the resilience
  // suite when a partition leader was killed; kafkajs#200). Batches sealed while one is in flight
  // wait in `ready` and go next, so throughput comes from bigger requests. Within a batch each
  // partition is a send of its own, side by side (partition-split.ts: a multi-broker send's retry
  // re-sent the healthy brokers' parts as new records).
  let pending = new Map<string, Pending>();
  let pendingCount = 0;
  const ready: Map<string, Pending>[] = [];
  let sending: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const pump = () => {
    if (sending) return;
    const batch = ready.shift();
    if (!batch) return;
    sending = sendByPartition(batch).finally(() => {
      sending = undefined;
      pump();
    });
  };

  /** Sends one batch, a partition per send; each topic's callers learn their own outcome. */
  const sendByPartition = async (batch: Map<string, Pending>) => {
    const failed = new Map<string, unknown>();
    try {
      const parts = await splitByPartition([...batch].map(([topic, p]) => ({ topic, messages: p.messages })));
      const results = await Promise.allSettled(parts.map((part) => producer.sendBatch({ acks: -1, compression, topicMessages: [part] })));
      results.forEach((r, i) => {
        if (r.status === 'rejected' && !failed.has(parts[i].topic)) failed.set(parts[i].topic, r.reason);
      });
    } catch (err) {
      for (const topic of batch.keys()) failed.set(topic, err); // the partition counts could not be read
    }
    for (const [topic, q] of batch) {
      if (!failed.has(topic)) {
        streamMetrics.sent.inc({ topic }, q.messages.length);
        q.waiters.forEach((w) => w.resolve());
        continue;
      }
      const err = failed.get(topic);
      streamMetrics.sendFailed.inc({ topic });
      const e = new OpsError('KAFKA_UNAVAILABLE', `producing ${q.messages.length} messages to ${topic} failed: ${(err as Error)?.message ?? err}`, { canRetry: true, cause: err });
      q.waiters.forEach((w) => w.reject(e));
    }
  };

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending.size > 0) {
      ready.push(pending);
      pending = new Map();
      pendingCount = 0;
    }
    pump();
  };

  const enqueue = (topic: string, messages: Pending['messages']) =>
    new Promise<void>((resolve, reject) => {
      let p = pending.get(topic);
      if (!p) pending.set(topic, (p = { messages: [], waiters: [] }));
      for (const m of messages) p.messages.push(m);
      p.waiters.push({ resolve, reject });
      pendingCount += messages.length;
      if (pendingCount >= maxBatch) flush();
      else timer ??= setTimeout(flush, linger);
    });

  return {
    send(topic, records) {
      if (records.length === 0) return Promise.resolve();
      let messages: Pending['messages'];
      try {
        messages = records.map((r) => ({
          key: r.key,
          value: opts.serde.encode(topic, r.value),
          headers: r.headers,
          timestamp: r.timestamp === undefined ? undefined : String(r.timestamp),
        }));
      } catch (err) {
        return Promise.reject(err);
      }
      return enqueue(topic, messages);
    },
    sendRaw(topic, records) {
      if (records.length === 0) return Promise.resolve();
      return enqueue(
        topic,
        records.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp === undefined ? undefined : String(r.timestamp) })),
      );
    },
    async close() {
      flush();
      while (sending) await sending;
      await producer.disconnect();
    },
  };
}
