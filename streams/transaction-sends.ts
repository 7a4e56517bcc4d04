// The produce requests of one Kafka transaction: outputs accumulated while a batch is transformed,
// sent in requests while the transform goes on, one partition per kafkajs send (partition-split.ts
// says why: kafkajs's retry of a multi-broker send doubled records).
import type { OutMessage, PartitionSplitter, TopicMessages } from './partition-split.js';

export type { OutMessage, TopicMessages } from './partition-split.js';
/** The part of a kafkajs transaction this file needs. */
export interface TransactionSink {
  sendBatch(args: { topicMessages: TopicMessages[]; compression: number; acks: number }): Promise<unknown>;
}

// A produce request carries one record batch per partition, and a batch may not exceed the
// broker's message size (1 MiB by default): a big consumed batch is sent in several requests,
// all inside the one transaction. The message count is bounded too: kafkajs groups a request's
// messages per partition by copying the group's array for every message (quadratic), which cost
// more than the encoding itself for thousands of small changelog records.
const MAX_REQUEST_BYTES = 768 * 1024;
const MAX_REQUEST_MESSAGES = 1_000;
/** Outputs accumulated while transforming a batch before they are sent (still in its transaction). */
export const STREAM_OUTPUT_BYTES = MAX_REQUEST_BYTES;

export interface TransactionSends {
  /** Adds one output to the next send. */
  push(topic: string, message: OutMessage): void;
  /** Bytes accumulated since the last send. */
  readonly pendingBytes: number;
  /** Sends what accumulated, after the send before it: one partition's records stay in order. */
  flush(extra?: TopicMessages[]): void;
  /** Waits for every send; rejects with the first failure once none is still in flight. */
  settled(): Promise<void>;
  /** Outputs sent per topic (for the metrics, counted once the transaction commits). */
  readonly sentCount: ReadonlyMap<string, number>;
}

/** `compression`: a kafkajs CompressionTypes value (compressionType()). */
export function createTransactionSends(tx: TransactionSink, compression: number, splitByPartition: PartitionSplitter): TransactionSends {
  let outputs = new Map<string, OutMessage[]>();
  let pendingBytes = 0;
  const sentCount = new Map<string, number>();
  let inFlight: Promise<void> = Promise.resolve();

  const send = (topicMessages: TopicMessages[]) => {
    const previous = inFlight;
    inFlight = (async () => {
      await previous;
      // Every part is waited for before a failure is reported: the transaction is aborted only
      // when none of its requests is still on its way.
      const results = await Promise.allSettled(
        (await splitByPartition(topicMessages)).map(async (part) => {
          for (const chunk of chunkByBytes([part])) await tx.sendBatch({ topicMessages: chunk, compression, acks: -1 });
        }),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    })();
    inFlight.catch(() => undefined); // awaited by settled(); a failure aborts the transaction there
  };

  return {
    push(topic, message) {
      let list = outputs.get(topic);
      if (!list) outputs.set(topic, (list = []));
      list.push(message);
      pendingBytes += (message.value?.length ?? 0) + 64;
    },
    get pendingBytes() {
      return pendingBytes;
    },
    flush(extra = []) {
      for (const [t, list] of outputs) sentCount.set(t, (sentCount.get(t) ?? 0) + list.length);
      send([...[...outputs].map(([topic, messages]) => ({ topic, messages })), ...extra]);
      outputs = new Map();
      pendingBytes = 0;
    },
    settled: () => inFlight,
    sentCount,
  };
}

export function* chunkByBytes(topicMessages: TopicMessages[]): Generator<TopicMessages[]> {
  let chunk: TopicMessages[] = [];
  let bytes = 0;
  let count = 0;
  for (const { topic, messages } of topicMessages) {
    let current: OutMessage[] = [];
    chunk.push({ topic, messages: current });
    for (const m of messages) {
      const size = (m.value?.length ?? 0) + (m.key?.length ?? 0) + 64;
      if ((bytes + size > MAX_REQUEST_BYTES || count >= MAX_REQUEST_MESSAGES) && bytes > 0) {
        yield chunk.filter((c) => c.messages.length > 0);
        current = [];
        chunk = [{ topic, messages: current }];
        bytes = 0;
        count = 0;
      }
      current.push(m);
      bytes += size;
      count++;
    }
  }
  const rest = chunk.filter((c) => c.messages.length > 0);
  if (rest.length > 0) yield rest;
}
