// A typed consumer: batches decoded through the registry serde, undecodable messages parked on the
// dead-letter topic (the partition keeps moving), offsets committed only after the handler has made
// its output durable (at-least-once; stages downstream are idempotent), and a graceful stop that
// lets the batch in hand finish and commit.
import type { Logger } from '../common/log.js';
import { OpsError } from '../common/errors.js';
import { createKafkaClient } from './kafka-client.js';
import type { AvroSerde } from './serde.js';
import type { DeadLetters } from './dead-letter.js';
import { streamMetrics } from './metrics.js';

export interface InRecord<V = unknown> {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: V;
  /** Kafka record timestamp, ms (producers set it to the event time). */
  timestamp: number;
  headers: Record<string, string>;
  /** Original bytes, for dead-lettering a record the handler cannot process. */
  raw: { key: Buffer | null; value: Buffer | null };
}

export interface BatchContext {
  deadLetter(record: InRecord, stage: string, error: unknown): Promise<void>;
  /** Keeps the group session alive during long work. */
  heartbeat(): Promise<void>;
}

export type BatchHandler = (records: InRecord[], ctx: BatchContext) => Promise<void>;
/** Partitions this member owns after a rebalance, per topic. */
export type AssignmentListener = (assigned: Map<string, number[]>) => void;

export interface ConsumerOptions {
  brokers: string[];
  groupId: string;
  clientId: string;
  topics: string[];
  serde: AvroSerde;
  deadLetters: DeadLetters;
  logger: Logger;
  handler: BatchHandler;
  fromBeginning?: boolean;
  /** Never commit offsets: a member re-reads its partitions from the start on every assignment
   * (compacted state topics such as inventory.devices). */
  stateless?: boolean;
  sessionTimeoutMs?: number;
  maxBytesPerPartition?: number;
  onAssignment?: AssignmentListener;
  /**
   * Where to resume, asked on every assignment: the consumer seeks each listed partition to the
   * returned offset before any batch of the assigned partitions reaches the handler (they stay
   * paused until the answer is applied; a failing lookup is retried with backoff). For sinks that
   * keep their offsets next to their output; partitions not listed resume from the group's commit.
   */
  storedOffsets?: (assigned: Map<string, number[]>) => Promise<{ topic: string; partition: number; offset: string }[]>;
}

export interface StreamConsumer {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** True once the member has joined the group and holds its assignment. */
  isReady(): boolean;
}

function headersOf(h: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (h) for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
  return out;
}

export function createStreamConsumer(opts: ConsumerOptions): StreamConsumer {
  const kafka = createKafkaClient({ brokers: opts.brokers, clientId: opts.clientId, logger: opts.logger });
  const consumer = kafka.consumer({
    groupId: opts.groupId,
    sessionTimeout: opts.sessionTimeoutMs ?? 30_000,
    heartbeatInterval: Math.max(500, Math.floor((opts.sessionTimeoutMs ?? 30_000) / 10)),
    maxBytesPerPartition: opts.maxBytesPerPartition ?? 4 * 1024 * 1024,
    readUncommitted: false, // only committed transactional output is ever seen
    allowAutoTopicCreation: false,
  });
  let joined = false;
  let stopped = false;
  let generation = 0;
  // Partitions of the current assignment whose stored offsets are not applied yet: a batch of
  // theirs that reaches eachBatch was fetched from the wrong place and is dropped unprocessed.
  const awaitingSeek = new Set<string>();

  const applyStoredOffsets = async (gen: number, assigned: Map<string, number[]>, parts: { topic: string; partitions: number[] }[]) => {
    for (let attempt = 0; gen === generation && !stopped; attempt++) {
      try {
        const offsets = await opts.storedOffsets!(assigned);
        if (gen !== generation || stopped) return;
        // Recorded by kafkajs and applied before its next fetch of each partition; until then
        // isStale() is true for a batch of that partition.
        for (const o of offsets) consumer.seek(o);
        awaitingSeek.clear();
        consumer.resume(parts);
        opts.logger.info('resuming from stored offsets', { group: opts.groupId, offsets: offsets.map((o) => `${o.topic}:${o.partition}@${o.offset}`) });
        return;
      } catch (err) {
        const delay = Math.min(10_000, 250 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random() / 2);
        opts.logger.warn('cannot read stored offsets; partitions stay paused', { group: opts.groupId, attempt: attempt + 1, delayMs: Math.round(delay), err });
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  };

  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    joined = true;
    const assigned = new Map<string, number[]>();
    for (const [topic, parts] of Object.entries(e.payload.memberAssignment)) assigned.set(topic, [...(parts as number[])].sort((a, b) => a - b));
    opts.logger.info('partitions assigned', { group: opts.groupId, assigned: Object.fromEntries(assigned) });
    if (opts.storedOffsets) {
      // Emitted synchronously after the sync-group and before the first fetch of this
      // generation: pausing here means nothing is fetched for these partitions before the seek.
      const gen = ++generation;
      const parts = [...assigned].filter(([, ps]) => ps.length > 0).map(([topic, partitions]) => ({ topic, partitions }));
      awaitingSeek.clear();
      for (const p of parts) for (const n of p.partitions) awaitingSeek.add(`${p.topic}:${n}`);
      if (parts.length > 0) {
        consumer.pause(parts);
        void applyStoredOffsets(gen, assigned, parts);
      }
    }
    opts.onAssignment?.(assigned);
  });
  consumer.on(consumer.events.REBALANCING, () => {
    joined = false;
  });
  consumer.on(consumer.events.CRASH, (e) => {
    joined = false;
    opts.logger.error('consumer crashed; the client restarts it', { group: opts.groupId, err: e.payload.error, restart: e.payload.restart });
  });

  return {
    async start() {
      try {
        await consumer.connect();
        for (const topic of opts.topics) await consumer.subscribe({ topic, fromBeginning: opts.fromBeginning ?? true });
      } catch (err) {
        throw new OpsError('KAFKA_UNAVAILABLE', `consumer ${opts.groupId} cannot reach Kafka at ${opts.brokers.join(',')}: ${(err as Error).message}`, { canRetry: true, cause: err });
      }
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: async ({ batch, heartbeat, resolveOffset, isRunning, isStale }) => {
          const { topic, partition } = batch;
          if (!isRunning() || isStale() || batch.messages.length === 0 || awaitingSeek.has(`${topic}:${partition}`)) return;
          const t0 = process.hrtime.bigint();
          streamMetrics.received.inc({ topic, group: opts.groupId }, batch.messages.length);
          streamMetrics.batchSize.observe({ topic }, batch.messages.length);
          streamMetrics.lag.set({ group: opts.groupId, topic, partition: String(partition) }, Number(batch.offsetLag()));
          const decoded = await opts.serde.decodeMany(topic, batch.messages.map((m) => m.value));
          const good: InRecord[] = [];
          for (let i = 0; i < batch.messages.length; i++) {
            const m = batch.messages[i];
            const d = decoded[i];
            const raw = { key: m.key, value: m.value };
            if (!d.ok) {
              // A tombstone (null value) on a compacted topic is a deletion, not an error.
              if (m.value === null) good.push({ topic, partition, offset: m.offset, key: m.key?.toString('utf8') ?? null, value: null, timestamp: Number(m.timestamp), headers: headersOf(m.headers), raw });
              else await opts.deadLetters.send({ topic, partition, offset: m.offset, key: m.key, value: m.value }, 'decode', d.error);
              continue;
            }
            good.push({ topic, partition, offset: m.offset, key: m.key?.toString('utf8') ?? null, value: d.value, timestamp: Number(m.timestamp), headers: headersOf(m.headers), raw });
          }
          const ctx: BatchContext = {
            deadLetter: (r, stage, error) => opts.deadLetters.send({ topic: r.topic, partition: r.partition, offset: r.offset, key: r.raw.key, value: r.raw.value }, stage, error),
            heartbeat,
          };
          if (good.length > 0) await opts.handler(good, ctx);
          const last = batch.messages[batch.messages.length - 1].offset;
          resolveOffset(last);
          if (!opts.stateless) await consumer.commitOffsets([{ topic, partition, offset: String(BigInt(last) + 1n) }]);
          await heartbeat();
          streamMetrics.handlerSeconds.observe({ group: opts.groupId }, Number(process.hrtime.bigint() - t0) / 1e9);
        },
      });
    },
    async stop() {
      joined = false;
      stopped = true;
      await consumer.disconnect(); // waits for the batch in hand, which commits before returning
    },
    isReady: () => joined && awaitingSeek.size === 0,
  };
}
