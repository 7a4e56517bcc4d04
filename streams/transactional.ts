// Exactly-once consume → transform → produce, as Kafka Streams' exactly-once v2 does it: one
// transactional producer per instance (transaction-producer.ts), a transaction spanning every
// assigned partition, closed on a commit interval or a size limit, holding the outputs, the
// changed state (changelog records) and the consumed offsets with the group's metadata (KIP-447).
// A process killed at any instant restarts from a consistent cut: nothing lost, nothing doubled.
//
// State lives in memory per partition and key, and is checkpointed to a compacted changelog
// topic co-partitioned with the input (record partition = input partition; range assignment
// gives partition p of every input topic to one member). On assignment, the partitions' committed
// offsets are read first (stable: no transaction of a previous owner still pending, see
// changelog-restore.ts), then their state is restored, then they are assigned from those offsets.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../common/log.js';
import { OpsError } from '../common/errors.js';
import { call, headersList, withDeadline, type Compression, type KafkaSecurity, type NativeConsumer, type NativeMessage } from './kafka-client.js';
import { ERR_ASSIGN, NO_HEADERS, OFFSET_BEGINNING, byPartition, consumeBatch, createGroupConsumer, keyBytes, keyText, recordLag } from './consume-loop.js';
import { createTransactionProducer, failureKind, isFatal, type TransactionProducer } from './transaction-producer.js';
import type { AvroSerde } from './serde.js';
import type { DeadLetters } from './dead-letter.js';
import type { InRecord } from './consumer.js';
import { restorePartitions } from './changelog-restore.js';
import { jsonChangelogCodec, type ChangelogCodec } from './state-codec.js';
import { streamMetrics } from './metrics.js';
import { transactionMetrics } from './transactional-metrics.js';

export interface Emit {
  /** Encodes `value` with the topic's schema and adds it to the open transaction. An explicit
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
  security?: KafkaSecurity;
  clientId: string;
  groupId: string;
  inputTopics: string[];
  changelogTopic: string;
  serde: AvroSerde;
  deadLetters: DeadLetters;
  logger: Logger;
  compression: Compression;
  transform: StatefulTransform<S>;
  /** How state is checkpointed to the changelog (default: one JSON record per key per transaction). */
  stateCodec?: ChangelogCodec<S>;
  sessionTimeoutMs?: number;
  /** A transaction is committed once it is this old (and at once when the input is idle). */
  commitIntervalMs?: number;
  /** This instance's stable name: its static group membership (a restart takes its partitions
   * back without a rebalance) and its transactional id (a restart aborts what it left open).
   * Unset: a dynamic member with a fresh transactional id. Two live instances must never share one. */
  instanceId?: string;
}

export interface TransactionalProcessor {
  start(): Promise<void>;
  stop(): Promise<void>;
  isReady(): boolean;
}

/** How long a broken consumer is given to close before it is left behind. */
const CLOSE_DEADLINE_MS = 10_000; // ms

/** Records decoded at a time (see processBatch). */
const DECODE_SLICE = 256;

export const TRANSACTIONAL_DEFAULTS = {
  commitIntervalMs: 100, // ms: Kafka Streams' exactly-once default
  /** Output bytes after which a transaction commits before its interval (one request's worth many times over). */
  maxTransactionBytes: 16 * 1024 * 1024,
  /** Records one consume call hands over at most. */
  consumeBatch: 2_000,
};

/** What one open transaction holds besides its produced records. */
interface OpenTransaction {
  startedAt: number;
  bytes: number;
  /** Next offset to consume per topic:partition, sent with the commit. */
  offsets: Map<string, { topic: string; partition: number; offset: number }>;
  /** Changed state per input partition and key (undefined: deleted). */
  changed: Map<number, Map<string, unknown>>;
  dead: { record: InRecord; error: unknown; stage: string }[];
  sent: Map<string, number>;
}

export function createTransactionalProcessor<S>(opts: TransactionalOptions<S>): TransactionalProcessor {
  const { logger, transform } = opts;
  const codec = opts.stateCodec ?? jsonChangelogCodec<S>();
  const commitIntervalMs = opts.commitIntervalMs ?? TRANSACTIONAL_DEFAULTS.commitIntervalMs;
  const transactionalId = `${opts.groupId}.${opts.instanceId ?? `${opts.clientId}-${randomUUID()}`}`;
  const states = new Map<number, Map<string, S>>(); // input partition → key → state
  let assigned = new Set<number>(); // input partitions this member owns now
  let assignment: { topic: string; partition: number }[] = [];
  // Where each assigned input partition's last committed transaction left it: an abort rewinds here.
  const committedAt = new Map<string, { topic: string; partition: number; offset: number }>();
  let rebalances: { assign: boolean; partitions: { topic: string; partition: number }[] }[] = [];
  let producer!: TransactionProducer;
  let tx: OpenTransaction | undefined;
  let stopped = false;
  let ready = false;
  let loop: Promise<void> | undefined;
  let loopEnded = false;

  // The consumer is replaced when librdkafka declares it fatal: a static member whose session
  // timed out (its group coordinator was the broker that died) rejoins under a new member id and
  // is then fenced by its own new id (librdkafka issue 3437); a fenced consumer never consumes again.
  let consumer: NativeConsumer;
  let replaceClients = false; // set by a fatal error: the loop replaces the consumer and the producer
  const newConsumer = (): NativeConsumer =>
    createGroupConsumer({
      brokers: opts.brokers,
      security: opts.security,
      clientId: opts.clientId,
      groupId: opts.groupId,
      logger,
      sessionTimeoutMs: opts.sessionTimeoutMs ?? 30_000,
      waitMs: commitIntervalMs,
      // Handled by the loop between two batches: a revocation first commits what is open. Once the
      // loop has ended (stop), or this consumer has been replaced, the client's close revokes
      // everything and waits for the unassign.
      rebalance(err, partitions) {
        if (loopEnded || this !== consumer) this.unassign();
        else rebalances.push({ assign: err.code === ERR_ASSIGN, partitions });
      },
      ...(opts.instanceId ? { instanceId: opts.instanceId } : {}),
    });
  consumer = newConsumer();

  let backpressure: Promise<void> | undefined;
  const addOutput = (topic: string, partition: number | undefined, key: string | Buffer | null, value: Buffer | null, ts?: number, headers?: Record<string, Buffer>[]) => {
    const wait = producer.produce(topic, partition, key, value, ts, headers);
    if (wait) backpressure = (backpressure ?? Promise.resolve()).then(() => wait);
    tx!.bytes += (value?.length ?? 0) + 64;
    tx!.sent.set(topic, (tx!.sent.get(topic) ?? 0) + 1);
  };
  const emit: Emit = Object.assign(
    (topic: string, key: string, value: unknown, ts?: number, partition?: number) => addOutput(topic, partition, key, opts.serde.encode(topic, value), ts),
    { raw: (topic: string, key: string | null, value: Buffer | null, ts?: number) => addOutput(topic, undefined, key, value, ts) },
  );

  const processBatch = async (messages: NativeMessage[]) => {
    if (!tx) {
      await producer.begin();
      tx = { startedAt: Date.now(), bytes: 0, offsets: new Map(), changed: new Map(), dead: [], sent: new Map() };
    }
    for (const batch of byPartition(messages)) {
      const { topic, partition } = batch;
      if (!assigned.has(partition)) continue; // fetched before a revocation: the next owner reads it again
      // A restore that failed after an abort is tried again here, before anything of the partition.
      if (!states.has(partition)) await restore([partition]);
      const state = states.get(partition)!;
      streamMetrics.received.inc({ topic, group: opts.groupId }, batch.messages.length);
      let changed = tx.changed.get(partition);
      if (!changed) tx.changed.set(partition, (changed = new Map()));
      // Decoded a slice at a time, just before use: a whole big batch decoded up front outlives
      // young-generation collections and ends promoted to the old one.
      for (let from = 0; from < batch.messages.length; from += DECODE_SLICE) {
        const slice = batch.messages.slice(from, from + DECODE_SLICE);
        const decoded = await opts.serde.decodeMany(topic, slice.map((m) => m.value));
        for (let i = 0; i < slice.length; i++) {
          const m = slice[i];
          const d = decoded[i];
          // One object a record (no spread copies, no empty headers each): this runs per reading.
          const record: InRecord = { topic, partition, offset: String(m.offset), key: keyText(m.key), value: d.ok ? d.value : null, timestamp: Number(m.timestamp ?? 0), headers: NO_HEADERS, raw: { key: keyBytes(m.key), value: m.value } };
          if (!d.ok) {
            tx.dead.push({ record, error: d.error, stage: 'decode' });
            continue;
          }
          const key = transform.stateKey ? transform.stateKey(record) : record.key ?? '';
          // State is changed in place (copying a device's state per record would cost more than the
          // transform): if the transaction aborts, the partition's state is restored from the changelog.
          const before = (changed.has(key) ? changed.get(key) : state.get(key)) as S | undefined;
          try {
            changed.set(key, transform.apply(before, record, emit));
          } catch (err) {
            if (before !== undefined) changed.set(key, before); // whatever it changed in place is checkpointed as is
            tx.dead.push({ record, error: new OpsError('TRANSFORM_FAILED', `transform failed on ${topic}[${partition}]@${m.offset} key ${key}: ${(err as Error).message}`, { cause: err }), stage: 'transform' });
          }
          if (backpressure) {
            await backpressure;
            backpressure = undefined;
          }
        }
      }
      const last = batch.messages[batch.messages.length - 1].offset;
      tx.offsets.set(`${topic}:${partition}`, { topic, partition, offset: last + 1 });
      recordLag(consumer, opts.groupId, topic, partition, last);
    }
  };

  /** Checkpoints the changed state, adds the dead letters, sends the offsets and commits. */
  const commit = async () => {
    const t = tx;
    if (!t) return;
    const t0 = Date.now();
    try {
      for (const [partition, changed] of t.changed)
        for (const [key, s] of changed) for (const r of codec.encode(key, s as S | undefined)) addOutput(opts.changelogTopic, partition, r.key, r.value);
      for (const { record, error, stage } of t.dead) {
        // Dead letters travel in the same transaction: committed with the offsets or not at all.
        const m = opts.deadLetters.message({ topic: record.topic, partition: record.partition, offset: record.offset, key: record.raw.key, value: record.raw.value }, stage, error);
        addOutput(m.topic, undefined, m.key, opts.serde.encode(m.topic, m.value), undefined, headersList(m.headers));
      }
      if (backpressure) await backpressure;
      backpressure = undefined;
      await producer.commit([...t.offsets.values()], consumer);
    } catch (err) {
      tx = undefined;
      await recover(t, err);
      return;
    }
    tx = undefined;
    for (const [partition, changed] of t.changed) {
      const state = states.get(partition);
      if (state) for (const [key, s] of changed) s === undefined ? state.delete(key) : state.set(key, s as S);
    }
    for (const [id, o] of t.offsets) committedAt.set(id, o);
    for (const { record, stage, error } of t.dead) opts.deadLetters.count({ topic: record.topic, partition: record.partition, offset: record.offset, key: record.raw.key, value: record.raw.value }, stage, error);
    for (const [topic, n] of t.sent) streamMetrics.sent.inc({ topic }, n);
    transactionMetrics.committed.inc({ group: opts.groupId });
    streamMetrics.handlerSeconds.observe({ group: opts.groupId }, (Date.now() - t.startedAt) / 1000);
    transactionMetrics.commitSeconds.observe({ group: opts.groupId }, (Date.now() - t0) / 1000);
  };

  /** After a failed transaction: abort it (or replace a fenced producer), forget the partitions'
   * in-place state changes, and consume again from the last committed offsets. */
  const recover = async (t: OpenTransaction, err: unknown) => {
    transactionMetrics.aborted.inc({ group: opts.groupId });
    backpressure = undefined;
    const kind = failureKind(err);
    logger.warn(kind === 'fatal' ? 'transaction failed and its producer is fenced or broken: starting a new one' : 'transaction aborted; its records are consumed again', { partitions: [...t.changed.keys()], err });
    // A producer that cannot even abort is replaced like a fenced one.
    const replace = kind === 'fatal' || (await producer.abort().then(() => false, () => true));
    if (replace) {
      await producer.close();
      producer = await newProducer();
    }
    // Every partition the transaction touched (a batch that failed half way changed state in place
    // before its offsets were noted): its state comes back from the changelog, its input topics
    // are consumed again from the last committed offsets.
    const partitions = [...new Set([...t.changed.keys(), ...[...t.offsets.values()].map((o) => o.partition)])];
    for (const p of partitions) states.delete(p);
    const startOf = (tp: { topic: string; partition: number }) => committedAt.get(`${tp.topic}:${tp.partition}`) ?? { ...tp, offset: OFFSET_BEGINNING };
    try {
      for (const tp of assignment) if (partitions.includes(tp.partition)) await call((cb) => consumer.seek(startOf(tp), 10_000, cb));
    } catch (e) {
      // Never go on from where the aborted transaction left off: assigning anew sets every position.
      logger.warn('rewind after an abort failed; assigning the partitions again at their committed offsets', { err: e });
      consumer.assign(assignment.map(startOf));
    }
    // A failed restore is tried again before the partition's next record (processBatch).
    await restore(partitions).catch((e) => logger.warn('state restore after an abort failed; retried on the next record', { partitions, err: e }));
  };

  const newProducer = () => createTransactionProducer({ brokers: opts.brokers, security: opts.security, clientId: opts.clientId, transactionalId, compression: opts.compression, logger });

  const restore = async (partitions: number[]) => {
    if (partitions.length === 0) return;
    const t0 = Date.now();
    const restored = await restorePartitions<S>({ brokers: opts.brokers, security: opts.security, clientId: opts.clientId, topic: opts.changelogTopic, partitions, logger, codec });
    for (const [p, s] of restored) states.set(p, s);
    transactionMetrics.restoreSeconds.observe({ group: opts.groupId }, (Date.now() - t0) / 1000);
    logger.info('state restored from changelog', { topic: opts.changelogTopic, partitions, keys: [...restored.values()].reduce((n, m) => n + m.size, 0), ms: Date.now() - t0 });
  };

  const applyRebalances = async () => {
    const todo = rebalances;
    rebalances = [];
    for (const r of todo) {
      if (!r.assign) {
        ready = false;
        await commit(); // what was consumed from the revoked partitions is committed while they are ours
        states.clear();
        committedAt.clear();
        assigned = new Set();
        assignment = [];
        consumer.unassign();
        continue;
      }
      // Stable committed offsets first (waits out a previous owner's open transaction), then state.
      const committed = r.partitions.length === 0 ? [] : await call<{ topic: string; partition: number; offset: number }[]>((cb) => consumer.committed(r.partitions, 30_000, cb as never));
      const mine = [...new Set(r.partitions.filter((p) => opts.inputTopics.includes(p.topic)).map((p) => p.partition))].sort((a, b) => a - b);
      assigned = new Set(mine);
      await restore(mine);
      const start = committed.map((c) => ({ topic: c.topic, partition: c.partition, offset: c.offset >= 0 ? c.offset : OFFSET_BEGINNING }));
      for (const s of start) if (s.offset >= 0) committedAt.set(`${s.topic}:${s.partition}`, s);
      consumer.assign(start);
      assignment = start.map(({ topic, partition }) => ({ topic, partition }));
      ready = true;
      logger.info('partitions assigned', { group: opts.groupId, partitions: mine });
    }
  };

  /** Starts over with a new consumer and a new producer (Kafka Streams replaces a stream thread
   * so): the open transaction is dropped (the new producer's init aborts it), every partition's
   * state and position are forgotten, and the new member is assigned them afresh, from the
   * committed offsets and the changelog. */
  const replaceBrokenClients = async () => {
    ready = false;
    tx = undefined;
    backpressure = undefined;
    transactionMetrics.clientsReplaced.inc({ group: opts.groupId });
    const old = consumer;
    consumer = newConsumer(); // from here on the old one's rebalance callbacks only unassign
    rebalances = [];
    states.clear();
    committedAt.clear();
    assigned = new Set();
    assignment = [];
    await withDeadline(call((cb) => old.disconnect(cb as never)), CLOSE_DEADLINE_MS, 'closing the broken consumer').catch((e) => logger.warn('the broken consumer did not close cleanly', { err: e }));
    await producer.close();
    producer = await newProducer();
    await call((cb) => consumer.connect({ timeout: 10_000 }, cb as never));
    consumer.subscribe(opts.inputTopics);
    replaceClients = false;
    logger.info('consumer and producer replaced; the partitions come back through a new assignment', { group: opts.groupId });
  };

  const run = async () => {
    while (!stopped) {
      try {
        if (replaceClients) await replaceBrokenClients();
        if (rebalances.length > 0) await applyRebalances();
        const messages = await consumeBatch(consumer, TRANSACTIONAL_DEFAULTS.consumeBatch);
        if (messages.length > 0) await processBatch(messages);
        // Commit on the interval, on size, and at once when nothing more is waiting: at low rates
        // a reading is not held back for the interval, at high rates transactions grow (group commit).
        if (tx && (messages.length === 0 || Date.now() - tx.startedAt >= commitIntervalMs || tx.bytes >= TRANSACTIONAL_DEFAULTS.maxTransactionBytes || rebalances.length > 0)) await commit();
      } catch (err) {
        if (stopped) break;
        // A fatal error (a fenced consumer, a producer that cannot begin) never clears by itself.
        if (isFatal(err)) {
          if (!replaceClients) logger.error('a Kafka client failed for good; replacing the consumer and the producer', { group: opts.groupId, err });
          replaceClients = true;
        } else logger.error('processing loop failed; resuming', { group: opts.groupId, err });
        if (tx && !replaceClients) {
          const t = tx;
          tx = undefined;
          await recover(t, err).catch((e) => logger.error('recovery failed', { err: e }));
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    await commit().catch((err) => logger.warn('final commit failed; its records are consumed again by the next owner', { err }));
  };

  return {
    async start() {
      try {
        producer = await newProducer();
        await call((cb) => consumer.connect({ timeout: 10_000 }, cb as never));
        consumer.subscribe(opts.inputTopics);
      } catch (err) {
        throw new OpsError('KAFKA_UNAVAILABLE', `processor ${opts.groupId} cannot reach Kafka at ${opts.brokers.join(',')}: ${(err as Error).message}`, { canRetry: true, cause: err });
      }
      loop = run();
    },
    async stop() {
      stopped = true;
      ready = false;
      await loop;
      loopEnded = true;
      await call((cb) => consumer.disconnect(cb as never)).catch(() => undefined);
      await producer?.close();
    },
    isReady: () => ready,
  };
}
