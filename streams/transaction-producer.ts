// The one transactional producer of a processor instance (Kafka Streams' exactly-once v2): a
// transaction spans every partition the instance owns, and its consumed offsets go in with the
// consumer's group metadata (KIP-447), so a zombie that lost its partitions in a rebalance is
// fenced by the group generation, whatever its transactional id.
//
// Records are produced without a delivery callback each: the commit confirms them all, and a
// record that could not be written makes the commit fail (the transaction is then aborted).
import type { Logger } from '../common/log.js';
import { OpsError } from '../common/errors.js';
import { Kafka, KEY_PARTITIONER, attachLogger, call, commonConfig, connectClient, keyBuffer, withDeadline, type Compression, type KafkaSecurity, type LibrdKafkaError, type NativeConsumer, type NativeProducer } from './kafka-client.js';

/** A transaction left open by a process that died blocks read_committed readers of its partitions
 * until the coordinator aborts it: this bounds that (a restart with the same id aborts it at once). */
export const TRANSACTION_TIMEOUT_MS = 10_000; // ms
const CALL_TIMEOUT_MS = 30_000; // ms: one init / commit / abort / offsets call
/** A commit or abort (with its retries) not done by then is given up and the producer replaced: a
 * processor stayed silent for minutes after its transaction coordinator was killed, its commit
 * retried, never answered (fresh-clone CI of 2026-12-07 17:30). No longer than the transaction
 * timeout: past it the coordinator aborts the transaction anyway, so a later success cannot come,
 * and waiting 20 s for it was the largest part of a 35 s wall gap after a coordinator kill
 * (sending offsets to the dead coordinator never answered; 2026-12-07 18:54). */
export const COMMIT_DEADLINE_MS = TRANSACTION_TIMEOUT_MS; // ms
const CLOSE_DEADLINE_MS = 10_000; // ms: a broken producer's disconnect is not waited for longer
const QUEUE_FULL = -184; // RD_KAFKA_RESP_ERR__QUEUE_FULL

export interface TransactionProducer {
  begin(): Promise<void>;
  /** Adds one record to the open transaction (partition undefined: by key, murmur2). */
  produce(topic: string, partition: number | undefined, key: string | Buffer | null, value: Buffer | null, timestamp?: number, headers?: Record<string, Buffer>[]): Promise<void> | undefined;
  /** Sends the consumed offsets (next offset to read) with the consumer's group metadata, then commits. */
  commit(offsets: { topic: string; partition: number; offset: number }[], consumer: NativeConsumer): Promise<void>;
  abort(): Promise<void>;
  close(): Promise<void>;
}

export type TransactionFailure = 'abortable' | 'fatal';

const ERR_FATAL = -150; // RD_KAFKA_RESP_ERR__FATAL: what every call of a client returns once it failed for good

/** An error no retry clears: the client that raised it must be replaced. */
export function isFatal(err: unknown): boolean {
  const e = err as LibrdKafkaError | undefined;
  return e?.isFatal === true || e?.code === ERR_FATAL;
}

/** How a failed transaction call is recovered: abort and go on, or a new producer. */
export function failureKind(err: unknown): TransactionFailure {
  return isFatal(err) ? 'fatal' : 'abortable';
}

export async function createTransactionProducer(o: { brokers: string[]; security?: KafkaSecurity; clientId: string; transactionalId: string; compression: Compression; logger: Logger }): Promise<TransactionProducer> {
  const producer: NativeProducer = new Kafka.Producer({
    ...commonConfig(o),
    'transactional.id': o.transactionalId,
    'transaction.timeout.ms': TRANSACTION_TIMEOUT_MS,
    'enable.idempotence': true,
    'linger.ms': 5, // ms
    'compression.codec': o.compression,
    partitioner: KEY_PARTITIONER,
    'queue.buffering.max.messages': 500_000,
    dr_cb: false,
  });
  attachLogger(producer, o.logger);
  await connectClient(producer);
  producer.setPollInterval(100); // ms: serves the client's log and error events
  try {
    // Fences any earlier producer of this id and aborts the transaction it left open.
    await call((cb) => producer.initTransactions(CALL_TIMEOUT_MS, cb));
  } catch (err) {
    await call((cb) => producer.disconnect(cb as never)).catch(() => undefined);
    throw new OpsError('KAFKA_UNAVAILABLE', `cannot initialise transactional id ${o.transactionalId}: ${(err as Error).message}`, { canRetry: true, cause: err });
  }

  // Retriable answers of a commit (a coordinator moving, a request timing out) are tried again
  // with the same call, as librdkafka's transactional API asks; anything else is the caller's.
  // Each try gets what is left of the deadline; past it the failure is fatal (the caller replaces
  // the producer, whose successor's init fences whatever this one left open).
  const retrying = async (what: string, fn: (timeoutMs: number, cb: (err: LibrdKafkaError | null | undefined) => void) => void) => {
    const deadline = Date.now() + COMMIT_DEADLINE_MS;
    const givenUp = (cause: unknown) => Object.assign(new OpsError('KAFKA_COMMIT_DEADLINE', `${what} did not complete within ${COMMIT_DEADLINE_MS} ms: ${(cause as Error)?.message ?? cause}`, { cause }), { isFatal: true });
    for (let attempt = 1; ; attempt++) {
      const left = deadline - Date.now();
      try {
        return await withDeadline(call((cb) => fn(Math.max(1_000, Math.min(CALL_TIMEOUT_MS, left)), cb)), Math.max(1_000, left) + 1_000, what);
      } catch (err) {
        const e = err as LibrdKafkaError;
        if (Date.now() >= deadline) throw givenUp(err);
        if (!e?.isRetriable || e.isTxnRequiresAbort || e.isFatal || attempt >= 10) throw err;
        o.logger.warn(`${what} retried`, { attempt, err: e.message });
        await new Promise((r) => setTimeout(r, Math.min(1_000, 20 * 2 ** attempt)));
      }
    }
  };

  const produceWhenRoom = async (args: Parameters<NativeProducer['produce']>) => {
    for (;;) {
      await new Promise((r) => setTimeout(r, 5));
      try {
        producer.produce(...args);
        return;
      } catch (err) {
        if ((err as LibrdKafkaError).code !== QUEUE_FULL) throw err;
      }
    }
  };

  return {
    begin: () => call((cb) => producer.beginTransaction(cb)),
    produce(topic, partition, key, value, timestamp, headers) {
      const args: Parameters<NativeProducer['produce']> = [topic, partition ?? null, value, keyBuffer(key), timestamp ?? null, undefined, headers];
      try {
        producer.produce(...args);
        return undefined;
      } catch (err) {
        if ((err as LibrdKafkaError).code !== QUEUE_FULL) throw err;
        return produceWhenRoom(args); // the caller awaits it before producing more
      }
    },
    async commit(offsets, consumer) {
      if (offsets.length > 0) await retrying('sending offsets', (ms, cb) => producer.sendOffsetsToTransaction(offsets, consumer, ms, cb));
      await retrying('commit', (ms, cb) => producer.commitTransaction(ms, cb));
    },
    abort: () => retrying('abort', (ms, cb) => producer.abortTransaction(ms, cb)),
    async close() {
      await withDeadline(call((cb) => producer.disconnect(cb as never)), CLOSE_DEADLINE_MS, 'closing the producer').catch(() => undefined);
    },
  };
}
