// Exactly-once consume → transform → produce. Per consumed batch, one Kafka transaction holds the
// outputs, the changed state (changelog records) and the consumed offsets, so a processor killed
// at any instant restarts from a consistent cut: nothing lost, nothing doubled.
//
// Each input partition number has its own transactional producer (transactional-producers.ts:
// why, and how a zombie is fenced); the requests of one transaction are in transaction-sends.ts.
//
// State lives in memory per partition and key, and is checkpointed to a compacted changelog
// topic co-partitioned with the input (record partition = input partition). On assignment the
// partition's state is restored from the changelog before its first batch is processed.
import type { Logger } from '../common/log.js';
import { OpsError, errorCodeOf } from '../common/errors.js';
import { createKafkaClient, compressionType, type Compression } from './kafka-client.js';
import { createPartitionProducers } from './transactional-producers.js';
import { createTransactionSends, STREAM_OUTPUT_BYTES, type OutMessage, type TopicMessages } from './transaction-sends.js';
import { createPartitionSplitter, type PartitionCounts } from './partition-split.js';
import type { AvroSerde, Decoded } from './serde.js';
import type { DeadLetters } from './dead-letter.js';
import type { InRecord } from './consumer.js';
import { encodePositions, positionsKey, restorePartitions, SENTINEL_KEY, type RestoredPartition } from './changelog-restore.js';
import { jsonChangelogCodec, type ChangelogCodec } from './state-codec.js';
import { coPartitionedAssigner } from './co-partitioned-assigner.js';
import { streamMetrics } from './metrics.js';
import { transactionMetrics } from './transactional-metrics.js';

export interface Emit {
  /** Encodes `value` with the topic's schema and adds it to the batch's transaction. An explicit
   * partition keeps a record keyed by something else than deviceId co-partitioned. */
  (topic: string, key: string, value: unknown, timestamp?: number, partition?: number): void;
  /** Adds bytes as they are (pass-through, benchmarks). */
  raw(topic: string, key: string | null, value: Buffer | null, timestamp?: number): void;
}

/** A stateful transform: per key state (JSON-serialisable), records in, outputs emitted. */
export interface StatefulTransform<S> {
  /** Applies one record to its key's state; emits outputs; returns the new state (undefined: delete). */
  apply(state: S | undefined, record: InRecord, emit: Emit): S | undefined;
  /** The state key of a record (default: the record key). */
  stateKey?(record: InRecord): string;
}

export interface TransactionalOptions<S> {
  brokers: string[];
  clientId: string;
  groupId: string;
  inputTopics: string[];
  changelogTopic: string;
  serde: AvroSerde;
  deadLetters: DeadLetters;
  logger: Logger;
  compression: Compression;
  /** Partition counts of the output topics (sends hold one partition each: partition-split.ts). */
  partitionCounts: PartitionCounts;
  transform: StatefulTransform<S>;
  /** How state is checkpointed to the changelog (default: one JSON record per key per batch). */
  stateCodec?: ChangelogCodec<S>;
  sessionTimeoutMs?: number;
}

export interface TransactionalProcessor {
  start(): Promise<void>;
  stop(): Promise<void>;
  isReady(): boolean;
}

export const TRANSACTIONAL_DEFAULTS = {
  /** Batches in the hands of eachBatch at once (kafkajs partitionsConsumedConcurrently): enough
   * for every partition number of four raw topics; one number's batches still share a transaction. */
  batchesConcurrently: 24,
};

type RunConfig = NonNullable<Parameters<ReturnType<ReturnType<typeof createKafkaClient>['consumer']>['run']>[0]>;
type BatchPayload = Parameters<NonNullable<RunConfig['eachBatch']>>[0];

const isFenced = (err: unknown) => /fenced|INVALID_PRODUCER_EPOCH|PRODUCER_FENCED|invalid.*epoch/i.test(`${errorCodeOf(err, '')} ${(err as Error)?.message ?? ''} ${(err as { type?: string })?.type ?? ''}`);

export function createTransactionalProcessor<S>(opts: TransactionalOptions<S>): TransactionalProcessor {
  const { logger, transform } = opts;
  const codec = opts.stateCodec ?? jsonChangelogCodec<S>();
  const kafka = createKafkaClient({ brokers: opts.brokers, clientId: opts.clientId, logger });
  const consumer = kafka.consumer({
    groupId: opts.groupId,
    sessionTimeout: opts.sessionTimeoutMs ?? 30_000,
    readUncommitted: false,
    allowAutoTopicCreation: false,
    maxBytesPerPartition: 4 * 1024 * 1024,
    partitionAssigners: [coPartitionedAssigner],
  });
  const compression = compressionType(opts.compression);
  const splitByPartition = createPartitionSplitter(opts.partitionCounts);
  // One transactional producer per partition number: the co-partitioned assigner gives partition p
  // of every input topic to one member, and its state and changelog partition are p's too.
  const producers = createPartitionProducers({ brokers: opts.brokers, clientId: opts.clientId, groupId: opts.groupId, logger });
  // Input partition → its state per key, and the next offset to process per input topic. The
  // positions, not the group's committed offsets, decide what is new: kafkajs reads committed
  // offsets without KIP-447's require_stable, so right after a transaction commits (its markers
  // still on their way) a rejoining member can be handed the offset from before it, and would
  // process that batch a second time. The changelog is restored read_committed past our own
  // sentinel, so its positions are exactly those of the last committed transaction.
  const states = new Map<number, RestoredPartition<S>>();
  const restoring = new Map<number, Promise<void>>();
  // By partition number: batches waiting for the transaction in flight, and whether one is.
  const waiting = new Map<number, { payload: BatchPayload; done: (err?: unknown) => void }[]>();
  const pumping = new Set<number>();
  let assigned = new Set<number>();
  let ready = false;

  const writeSentinel = async (partition: number, id: string) => {
    const tx = await (await producers.producerFor(partition)).transaction();
    try {
      await tx.send({ topic: opts.changelogTopic, acks: -1, messages: [{ key: SENTINEL_KEY, value: id, partition }] });
      await tx.commit();
    } catch (err) {
      await tx.abort().catch(() => undefined);
      throw err;
    }
  };

  /** State of a partition, restored from the changelog on first use after an assignment; all
   * assigned partitions still without state are restored together (one restore consumer). */
  const stateOf = async (partition: number): Promise<RestoredPartition<S>> => {
    for (;;) {
      const have = states.get(partition);
      if (have) return have;
      const inProgress = restoring.get(partition);
      if (inProgress) {
        await inProgress;
        continue;
      }
      const todo = [...new Set([partition, ...assigned])].filter((p) => !states.has(p) && !restoring.has(p));
      const job = (async () => {
        const t0 = Date.now();
        const restored = await restorePartitions<S>({ kafka, topic: opts.changelogTopic, partitions: todo, writeSentinel, logger, codec, groupId: opts.groupId });
        for (const [p, m] of restored) if (assigned.has(p) || p === partition) states.set(p, m);
        const ms = Date.now() - t0;
        transactionMetrics.restoreSeconds.observe({ group: opts.groupId }, ms / 1000);
        logger.info('state restored from changelog', { topic: opts.changelogTopic, partitions: todo, keys: [...restored.values()].reduce((n, m) => n + m.states.size, 0), ms });
      })().finally(() => todo.forEach((p) => restoring.delete(p)));
      todo.forEach((p) => restoring.set(p, job));
      await job;
    }
  };

  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    const mine = new Set<number>();
    for (const [topic, parts] of Object.entries(e.payload.memberAssignment)) if (opts.inputTopics.includes(topic)) for (const p of parts as number[]) mine.add(p);
    for (const p of assigned)
      if (!mine.has(p)) {
        states.delete(p); // another member owns it now; its state is theirs to restore
        void producers.drop(p);
      }
    assigned = mine;
    ready = true;
    logger.info('partitions assigned', { group: opts.groupId, partitions: [...mine].sort((a, b) => a - b) });
  });
  consumer.on(consumer.events.REBALANCING, () => (ready = false));
  consumer.on(consumer.events.CRASH, (e) => {
    ready = false;
    logger.error(e.payload.restart ? 'transactional consumer crashed; the client restarts it' : 'transactional consumer crashed and the client will not restart it: restart the processor', { group: opts.groupId, err: e.payload.error, restart: e.payload.restart });
  });

  return {
    async start() {
      try {
        await consumer.connect();
        for (const topic of opts.inputTopics) await consumer.subscribe({ topic, fromBeginning: true });
      } catch (err) {
        throw new OpsError('KAFKA_UNAVAILABLE', `processor ${opts.groupId} cannot reach Kafka at ${opts.brokers.join(',')}: ${(err as Error).message}`, { canRetry: true, cause: err });
      }
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        // Batches of different partition numbers run side by side (their transactions' round trips
        // overlap); those of one number wait for its transaction in flight and join the next.
        partitionsConsumedConcurrently: TRANSACTIONAL_DEFAULTS.batchesConcurrently,
        eachBatch: (payload) =>
          new Promise<void>((resolve, reject) => {
            const p = payload.batch.partition;
            let queue = waiting.get(p);
            if (!queue) waiting.set(p, (queue = []));
            queue.push({ payload, done: (err) => (err === undefined ? resolve() : reject(err)) });
            void pump(p);
          }),
      });

      // Group commit: partition N of every input topic shares one state and one transactional
      // producer, so their batches go into one transaction together, whatever arrived while the
      // previous one was in flight. A transaction costs several broker round trips (with acks=all
      // on a cluster, tens of ms each); taking all of a partition number's batches at once keeps
      // a processor reading four raw topics from falling behind on round trips alone.
      async function pump(partition: number) {
        if (pumping.has(partition)) return;
        pumping.add(partition);
        try {
          for (;;) {
            const group = waiting.get(partition) ?? [];
            if (group.length === 0) break; // no await between this check and the delete below
            waiting.set(partition, []);
            try {
              await processGroup(partition, group.map((w) => w.payload));
              for (const w of group) w.done();
            } catch (err) {
              for (const w of group) w.done(err); // each batch is re-delivered from its last committed offset
            }
          }
        } finally {
          pumping.delete(partition);
        }
      }

      async function processGroup(partition: number, payloads: BatchPayload[]) {
        const live = payloads.filter(({ batch, isRunning, isStale }) => isRunning() && !isStale() && batch.messages.length > 0);
        if (live.length === 0) return;
        const t0 = process.hrtime.bigint();
        for (const { batch } of live) {
          streamMetrics.received.inc({ topic: batch.topic, group: opts.groupId }, batch.messages.length);
          streamMetrics.lag.set({ group: opts.groupId, topic: batch.topic, partition: String(partition) }, Number(batch.offsetLag()));
        }
        const heartbeat = live[0].heartbeat;
        const restored = await stateOf(partition);
        const state = restored.states;
        const positions = new Map(restored.positions);
        let alreadyDone = 0;
        await heartbeat();

        const producer = await producers.producerFor(partition);
        const tx = await producer.transaction();
        producers.watchSends(partition);
        // Outputs leave in requests while the batch is still being transformed, all inside the one
        // transaction: a big batch's outputs are not all held (and promoted by the GC) until its
        // end, and the broker's round trips overlap the transform.
        const sends = createTransactionSends(tx, compression, splitByPartition);
        const changed = new Map<string, S | undefined>();
        const emit: Emit = Object.assign(
          (out: string, key: string, value: unknown, ts?: number, partition?: number) =>
            sends.push(out, { key, value: opts.serde.encode(out, value), timestamp: ts === undefined ? undefined : String(ts), partition }),
          { raw: (out: string, key: string | null, value: Buffer | null, ts?: number) => sends.push(out, { key, value, timestamp: ts === undefined ? undefined : String(ts) }) },
        );
        const dead: { record: InRecord; error: unknown; stage: string }[] = [];
        try {
          for (const { batch } of live) {
            const topic = batch.topic;
            const from = positions.get(topic) ?? -1n;
            // Decoded a slice at a time, just before use: a whole big batch decoded up front outlives
            // many young-generation collections, each copying it, and ends promoted to the old one.
            let decoded: Decoded[] = [];
            let decodedFrom = 0;
            for (let i = 0; i < batch.messages.length; i++) {
              const m = batch.messages[i];
              if (BigInt(m.offset) < from) {
                alreadyDone++; // its effect is in the state and outputs of a committed transaction
                continue;
              }
              if (i >= decodedFrom + decoded.length) {
                decodedFrom = i;
                decoded = await opts.serde.decodeMany(topic, batch.messages.slice(i, i + DECODE_SLICE).map((x) => x.value));
              }
              const d = decoded[i - decodedFrom];
              const base = { topic, partition, offset: m.offset, key: m.key?.toString('utf8') ?? null, timestamp: Number(m.timestamp), headers: {}, raw: { key: m.key, value: m.value } };
              if (!d.ok) {
                dead.push({ record: { ...base, value: null }, error: d.error, stage: 'decode' });
                continue;
              }
              const record: InRecord = { ...base, value: d.value };
              const key = transform.stateKey ? transform.stateKey(record) : record.key ?? '';
              // State is changed in place (copying a device's state per record would cost more than
              // the transform): if the transaction aborts, the partition's in-memory state is
              // dropped and restored from the changelog, which holds the last committed state.
              const before = changed.has(key) ? changed.get(key) : state.get(key);
              try {
                changed.set(key, transform.apply(before, record, emit));
              } catch (err) {
                if (before !== undefined) changed.set(key, before); // whatever it changed in place is checkpointed as is
                dead.push({ record, error: new OpsError('TRANSFORM_FAILED', `transform failed on ${topic}[${partition}]@${m.offset} key ${key}: ${(err as Error).message}`, { cause: err }), stage: 'transform' });
              }
              if (sends.pendingBytes >= STREAM_OUTPUT_BYTES) {
                await sends.settled(); // one send in flight at a time (the producer's limit anyway)
                sends.flush();
                await new Promise<void>((resolve) => setImmediate(resolve)); // lets the request leave before the next records
                await heartbeat(); // a long batch keeps the membership alive
              }
            }
          }

          const lastOffset = (b: BatchPayload['batch']) => b.messages[b.messages.length - 1].offset;
          for (const { batch } of live) positions.set(batch.topic, BigInt(lastOffset(batch)) + 1n);
          const topicMessages: TopicMessages[] = [];
          const changelog: OutMessage[] = [{ key: positionsKey(opts.groupId), value: encodePositions(positions), partition }];
          for (const [key, s] of changed) for (const r of codec.encode(key, s)) changelog.push({ key: r.key, value: r.value, partition });
          topicMessages.push({ topic: opts.changelogTopic, messages: changelog });
          for (const { record, error, stage } of dead) {
            // Dead letters travel in the same transaction: committed with the offsets or not at all.
            topicMessages.push(deadLetterMessage(opts, record, error, stage));
          }
          sends.flush(topicMessages);
          await sends.settled();
          await tx.sendOffsets({ consumerGroupId: opts.groupId, topics: live.map(({ batch }) => ({ topic: batch.topic, partitions: [{ partition, offset: String(BigInt(lastOffset(batch)) + 1n) }] })) });
          if (producers.sendWasUncertain(partition)) {
            throw new OpsError('SEND_OUTCOME_UNKNOWN', `a produce of partition ${partition}'s transaction was sent again after its connection dropped; its first attempt may have been written, so the transaction is aborted and its batches re-delivered`, { canRetry: true });
          }
          await tx.commit();
        } catch (err) {
          await sends.settled().catch(() => undefined); // no request of this transaction still on its way
          await tx.abort().catch(() => undefined);
          states.delete(partition); // in-place changes of this batch are void: restore on redelivery
          // Whatever went wrong, the next batch starts on a fresh producer (re-initialised
          // transactional id): a producer whose transaction failed may be unusable.
          await producers.drop(partition);
          const topics = live.map(({ batch }) => batch.topic);
          if (isFenced(err)) logger.warn('producer fenced: this member lost the partition', { topics, partition });
          else logger.warn('transaction aborted; its batches are re-delivered', { topics, partition, err });
          transactionMetrics.aborted.inc({ group: opts.groupId });
          // kafkajs re-delivers the batches from their last committed offsets when eachBatch
          // fails, and restarts its consumer when that keeps failing, but only for errors it
          // thinks retriable: rethrown as is, a producer's KafkaJSNonRetriableError (an out of
          // order sequence after a broker was killed) crashed the consumer for good and the
          // processor stood still until restarted. The transaction is gone; trying again is right.
          // (kafkajs judges by the innermost `cause`, so the original error is named, not chained.)
          throw Object.assign(new OpsError('TRANSACTION_ABORTED', `transaction of partition ${partition} (${topics.join(', ')}) aborted: ${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? err}`, { canRetry: true }), { retriable: true });
        }
        // Advances kafkajs's in-memory positions; the group offsets were committed in the transaction.
        for (const { batch, resolveOffset } of live) resolveOffset(batch.messages[batch.messages.length - 1].offset);
        for (const [key, s] of changed) s === undefined ? state.delete(key) : state.set(key, s);
        restored.positions = positions;
        if (alreadyDone > 0) transactionMetrics.redelivered.inc({ group: opts.groupId }, alreadyDone);
        if (alreadyDone > 0) logger.warn('records already processed in a committed transaction were skipped: the group offset was behind the changelog', { group: opts.groupId, partition, records: alreadyDone });
        for (const { record, stage, error } of dead) opts.deadLetters.count({ topic: record.topic, partition: record.partition, offset: record.offset, key: record.raw.key, value: record.raw.value }, stage, error);
        for (const [t, n] of sends.sentCount) if (n > 0) streamMetrics.sent.inc({ topic: t }, n);
        transactionMetrics.committed.inc({ group: opts.groupId });
        streamMetrics.handlerSeconds.observe({ group: opts.groupId }, Number(process.hrtime.bigint() - t0) / 1e9);
        await heartbeat();
      }
    },
    async stop() {
      ready = false;
      await consumer.disconnect();
      await producers.dropAll();
    },
    isReady: () => ready,
  };
}

/** Records decoded at a time (see processGroup). */
const DECODE_SLICE = 256;

function deadLetterMessage(opts: TransactionalOptions<any>, record: InRecord, error: unknown, stage: string) {
  const m = opts.deadLetters.message({ topic: record.topic, partition: record.partition, offset: record.offset, key: record.raw.key, value: record.raw.value }, stage, error);
  return { topic: m.topic, messages: [{ key: m.key, value: opts.serde.encode(m.topic, m.value), headers: m.headers }] };
}
