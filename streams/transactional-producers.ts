// One transactional producer per input partition number, each on a kafkajs client of its own.
//
// kafkajs predates KIP-447 (fencing by consumer-group generation). A zombie that lost its
// partitions in a rebalance must still be unable to commit: the transactional id is derived from
// the group and the partition, so when the new owner initialises it, the broker bumps the epoch
// and the zombie's next send or commit fails with a fencing error.
import type { Logger } from '../common/log.js';
import { createKafkaClient } from './kafka-client.js';

export type KafkaProducer = ReturnType<ReturnType<typeof createKafkaClient>['producer']>;

/** kafkajs's log entries for a connection of the producer that dropped (a refused connection
 * never carried a request): a produce in flight on it may have been written, and kafkajs says
 * what it did next only in its log. The connection's own entry counts, not only the producer's
 * "Failed to send messages": when the producer had no other broker connected, kafkajs retries
 * after a debug-level entry we never see. A dropped connection that carried no produce costs an
 * abort and a re-delivery, which is always safe. */
const UNCERTAIN_SEND = /^(Failed to send messages: )?(Closed connection|Connection error: (?!connect ECONNREFUSED))|Produce.*timed out/i;

// The first retry comes quickly: right after a commit, the coordinator answers the next
// transaction's AddPartitionsToTxn with CONCURRENT_TRANSACTIONS until its markers are written
// (milliseconds), and kafkajs retries that through this policy. At 200 ms a transaction cost a
// quarter second for nothing (the Java client backs off 20 ms there, KAFKA-5477). More retries
// keep the total patience for a broker that is really gone at about 40 s.
const transactionalRetry = { retries: 15, initialRetryTime: 20, maxRetryTime: 5_000 };

export interface PartitionProducers {
  /** The partition's producer, connected (its transactional id initialised) on first use. */
  producerFor(partition: number): Promise<KafkaProducer>;
  /** Disconnects the partition's producer; the next use starts a fresh one (new epoch). */
  drop(partition: number): Promise<void>;
  dropAll(): Promise<void>;
  /** Starts watching the partition's connections for a transaction about to begin. */
  watchSends(partition: number): void;
  /** Whether a connection of the partition's producer dropped with a request on it since watchSends. */
  sendWasUncertain(partition: number): boolean;
}

export function createPartitionProducers(opts: { brokers: string[]; clientId: string; groupId: string; logger: Logger }): PartitionProducers {
  const producers = new Map<number, Promise<KafkaProducer>>();
  const uncertain = new Map<number, boolean>();

  const drop = async (partition: number) => {
    const p = producers.get(partition);
    producers.delete(partition);
    if (p) await p.then((x) => x.disconnect()).catch(() => undefined);
  };

  return {
    producerFor(partition) {
      let p = producers.get(partition);
      if (!p) {
        p = (async () => {
          // A client per partition, so that kafkajs's log entry names the transaction it concerns.
          const client = createKafkaClient({
            brokers: opts.brokers,
            clientId: `${opts.clientId}-p${partition}`,
            logger: opts.logger,
            onEntry: (message) => {
              if (UNCERTAIN_SEND.test(message)) uncertain.set(partition, true);
            },
          });
          // Bounded retries (unlike the plain idempotent producer): a transaction that cannot
          // complete is aborted and its batch re-delivered to a fresh producer, which
          // re-initialises the transactional id; retrying one forever would stall the partition silently.
          const producer = client.producer({ transactionalId: `${opts.groupId}.p${partition}`, idempotent: true, maxInFlightRequests: 1, retry: transactionalRetry, allowAutoTopicCreation: false });
          await producer.connect();
          return producer;
        })();
        producers.set(partition, p);
        p.catch(() => producers.delete(partition));
      }
      return p;
    },
    drop,
    dropAll: async () => {
      await Promise.all([...producers.keys()].map(drop));
    },
    watchSends: (partition) => void uncertain.set(partition, false),
    sendWasUncertain: (partition) => uncertain.get(partition) === true,
  };
}
