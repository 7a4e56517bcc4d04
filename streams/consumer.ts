// A typed consumer: batches decoded through the registry serde, undecodable messages parked on the
// dead-letter topic (the partition keeps moving), offsets committed only after the handler has made
// its output durable (at-least-once; stages downstream are idempotent), and a graceful stop that
// lets the batch in hand finish and commit.
import type { Logger } from '../common/log.js';
import { OpsError } from '../common/errors.js';
import { call, headersOf, type KafkaSecurity, type NativeMessage } from './kafka-client.js';
import { ERR_ASSIGN, NO_HEADERS, OFFSET_BEGINNING, byPartition, consumeBatch, createGroupConsumer, keyBytes, keyText, recordLag } from './consume-loop.js';
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
  /** Kept for handlers written against it: librdkafka heartbeats from its own thread. */
  heartbeat(): Promise<void>;
}

export type BatchHandler = (records: InRecord[], ctx: BatchContext) => Promise<void>;
/** Partitions this member owns after a rebalance, per topic. */
export type AssignmentListener = (assigned: Map<string, number[]>) => void;

export interface ConsumerOptions {
  brokers: string[];
  security?: KafkaSecurity;
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
   * After each batch of a partition, its last offset, whether or not a record reached the handler:
   * a reader catching up to an end offset must count a dead-lettered last record as read.
   */
  onPassed?(topic: string, partition: number, offset: string): void;
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

/** Records one consume call hands over at most. */
const MAX_BATCH = 2_000;
/** How long a consume call waits for a first record (also how soon a stop is noticed). */
const CONSUME_WAIT_MS = 100; // ms

export function createStreamConsumer(opts: ConsumerOptions): StreamConsumer {
  let stopped = false;
  let joined = false;
  let loop: Promise<void> | undefined;
  let loopEnded = false;
  // Rebalance events are applied by the consume loop between two consume calls, never while one
  // is running: a consume call returns what it fetched under the assignment it started with, and
  // assigning (with stored offsets) underneath it would let it hand over records fetched before the
  // seek, while librdkafka's position had already moved past them.
  let rebalances: { assign: boolean; partitions: { topic: string; partition: number }[] }[] = [];
  // Next offset to commit per partition, for the final synchronous commit at stop.
  const toCommit = new Map<string, { topic: string; partition: number; offset: number }>();

  type NativeConsumer = ReturnType<typeof createGroupConsumer>;
  const consumer: NativeConsumer = createGroupConsumer({
    brokers: opts.brokers,
    security: opts.security,
    clientId: opts.clientId,
    groupId: opts.groupId,
    logger: opts.logger,
    sessionTimeoutMs: opts.sessionTimeoutMs ?? 30_000,
    maxBytesPerPartition: opts.maxBytesPerPartition,
    fromBeginning: opts.fromBeginning ?? true,
    waitMs: CONSUME_WAIT_MS,
    rebalance(err, partitions) {
      // Once the loop has ended (stop), the client's close revokes everything and waits for it.
      if (loopEnded) this.unassign();
      else rebalances.push({ assign: err.code === ERR_ASSIGN, partitions });
    },
  });

  /** Where the sink's own store says each partition resumes (retried until it answers). */
  const storedOffsetsOf = async (assigned: Map<string, number[]>) => {
    for (let attempt = 0; !stopped; attempt++) {
      try {
        const stored = await opts.storedOffsets!(assigned);
        opts.logger.info('resuming from stored offsets', { group: opts.groupId, offsets: stored.map((o) => `${o.topic}:${o.partition}@${o.offset}`) });
        return new Map(stored.map((o) => [`${o.topic}:${o.partition}`, Number(o.offset)]));
      } catch (err) {
        const delay = Math.min(10_000, 250 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random() / 2);
        opts.logger.warn('cannot read stored offsets; partitions stay unassigned', { group: opts.groupId, attempt: attempt + 1, delayMs: Math.round(delay), err });
        await new Promise((r) => setTimeout(r, delay));
      }
    }
    return new Map<string, number>();
  };

  const applyRebalances = async () => {
    const todo = rebalances;
    rebalances = [];
    for (const { assign, partitions } of todo) {
      if (!assign) {
        joined = false;
        toCommit.clear();
        consumer.unassign();
        continue;
      }
      const assigned = new Map<string, number[]>();
      for (const p of partitions) assigned.set(p.topic, [...(assigned.get(p.topic) ?? []), p.partition].sort((a, b) => a - b));
      opts.logger.info('partitions assigned', { group: opts.groupId, assigned: Object.fromEntries(assigned) });
      // Compacted state topics are read whole on every assignment; sinks resume where their own
      // store says; everyone else from the group's committed offsets.
      if (opts.stateless) consumer.assign(partitions.map((p) => ({ ...p, offset: OFFSET_BEGINNING })));
      else if (opts.storedOffsets && partitions.length > 0) {
        const at = await storedOffsetsOf(assigned);
        consumer.assign(partitions.map((p) => (at.has(`${p.topic}:${p.partition}`) ? { ...p, offset: at.get(`${p.topic}:${p.partition}`)! } : p)));
      } else consumer.assign(partitions);
      joined = true;
      opts.onAssignment?.(assigned);
    }
  };

  const handle = async (topic: string, partition: number, messages: NativeMessage[]) => {
    const t0 = process.hrtime.bigint();
    streamMetrics.received.inc({ topic, group: opts.groupId }, messages.length);
    streamMetrics.batchSize.observe({ topic }, messages.length);
    const last = messages[messages.length - 1].offset;
    recordLag(consumer, opts.groupId, topic, partition, last);
    const decoded = await opts.serde.decodeMany(topic, messages.map((m) => m.value));
    const good: InRecord[] = [];
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i];
      const d = decoded[i];
      // A tombstone (null value) on a compacted topic is a deletion, not an error.
      if (!d.ok && m.value !== null) {
        await opts.deadLetters.send({ topic, partition, offset: String(m.offset), key: keyBytes(m.key), value: m.value }, 'decode', d.error);
        continue;
      }
      // One object a record, built once: at tens of thousands of records a second, every extra
      // object (spreads, an empty headers record per message) shows in the consume rate.
      good.push({
        topic,
        partition,
        offset: String(m.offset),
        key: keyText(m.key),
        value: d.ok ? d.value : null,
        timestamp: Number(m.timestamp ?? 0),
        headers: m.headers ? headersOf(m.headers) : NO_HEADERS,
        raw: { key: keyBytes(m.key), value: m.value },
      });
    }
    const ctx: BatchContext = {
      deadLetter: (r, stage, error) => opts.deadLetters.send({ topic: r.topic, partition: r.partition, offset: r.offset, key: r.raw.key, value: r.raw.value }, stage, error),
      heartbeat: async () => undefined,
    };
    if (good.length > 0) await opts.handler(good, ctx);
    opts.onPassed?.(topic, partition, String(last));
    if (!opts.stateless) toCommit.set(`${topic}:${partition}`, { topic, partition, offset: last + 1 });
    streamMetrics.handlerSeconds.observe({ group: opts.groupId }, Number(process.hrtime.bigint() - t0) / 1e9);
  };

  const run = async () => {
    while (!stopped) {
      let messages: NativeMessage[];
      try {
        if (rebalances.length > 0) await applyRebalances();
        messages = await consumeBatch(consumer, MAX_BATCH);
      } catch (err) {
        if (stopped) return;
        opts.logger.warn('consume failed; retrying', { group: opts.groupId, err });
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      const batches = byPartition(messages);
      for (const b of batches) {
        for (;;) {
          try {
            await handle(b.topic, b.partition, b.messages);
            break;
          } catch (err) {
            // Nothing of this batch is committed: it is handled again, never skipped.
            opts.logger.error('batch handler failed; retrying the batch', { group: opts.groupId, topic: b.topic, partition: b.partition, err });
            await new Promise((r) => setTimeout(r, 1_000));
            if (stopped) return;
          }
        }
      }
      // One asynchronous commit for everything this call handed over; a lost commit re-delivers,
      // which downstream stages absorb.
      if (!opts.stateless && batches.length > 0) {
        const done = batches.map((b) => toCommit.get(`${b.topic}:${b.partition}`)).filter((o) => o !== undefined);
        if (done.length > 0) consumer.commit(done);
      }
    }
  };

  return {
    async start() {
      try {
        await call((cb) => consumer.connect({ timeout: 10_000 }, cb as never));
        consumer.subscribe(opts.topics);
      } catch (err) {
        throw new OpsError('KAFKA_UNAVAILABLE', `consumer ${opts.groupId} cannot reach Kafka at ${opts.brokers.join(',')}: ${(err as Error).message}`, { canRetry: true, cause: err });
      }
      loop = run();
    },
    async stop() {
      stopped = true;
      joined = false;
      await loop; // the batch in hand finishes and commits first
      loopEnded = true;
      if (toCommit.size > 0) {
        try {
          consumer.commitSync([...toCommit.values()]);
        } catch (err) {
          opts.logger.warn('final offset commit failed; the last batch may be delivered again', { group: opts.groupId, err });
        }
      }
      await call((cb) => consumer.disconnect(cb as never)).catch(() => undefined);
    },
    isReady: () => joined,
  };
}
