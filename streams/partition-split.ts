// Sends that hold one partition each, for every producer of the project.
//
// kafkajs's sendBatch sends each leader broker its part in parallel and, when one part fails,
// retries the whole call, re-sending every part that has no response yet, including a part still
// in flight to a healthy broker (an acks=all produce waits there while the dead broker is still in
// the partition's in-sync replicas). That part's sequence numbers were already taken, so the
// re-send carries new ones and the broker writes the records a second time: resilience runs
// doubled blocks of 8–24 metric batches inside committed transactions when a partition leader was
// SIGKILLed. A send holding one partition has one leader and one request: a retry re-sends only
// what failed, with the sequence numbers kafkajs rolled back, which the broker de-duplicates if
// the first attempt was written after all.
import { keyPartitioner } from './kafka-client.js';

export type OutMessage = { key: string | Buffer | null; value: Buffer | null; timestamp?: string; partition?: number; headers?: Record<string, string | Buffer> };
export type TopicMessages<M extends OutMessage = OutMessage> = { topic: string; messages: M[] };
/** A topic's partition count (TopicAdmin.partitionCount). */
export type PartitionCounts = (topic: string) => Promise<number>;

/** Splits messages into one entry per topic and partition; a message without a partition gets
 * the one kafkajs's default partitioner would give it (set on the message), so the records land
 * where they always did. */
export function createPartitionSplitter(partitionsOf: PartitionCounts) {
  const partitionOf = keyPartitioner();
  return async function splitByPartition<M extends OutMessage>(topicMessages: TopicMessages<M>[]): Promise<TopicMessages<M>[]> {
    const parts: TopicMessages<M>[] = [];
    // Per topic, its parts by partition: a topic may come in several entries (a dead letter each),
    // and one partition must still be one send.
    const byTopic = new Map<string, Map<number, TopicMessages<M>>>();
    for (const { topic, messages } of topicMessages) {
      const count = messages.some((m) => m.partition === undefined) ? await partitionsOf(topic) : 0;
      let ofPartition = byTopic.get(topic);
      if (!ofPartition) byTopic.set(topic, (ofPartition = new Map()));
      for (const m of messages) {
        if (m.partition === undefined) m.partition = partitionOf(topic, count, m);
        let part = ofPartition.get(m.partition);
        if (!part) {
          ofPartition.set(m.partition, (part = { topic, messages: [] }));
          parts.push(part);
        }
        part.messages.push(m);
      }
    }
    return parts;
  };
}

export type PartitionSplitter = ReturnType<typeof createPartitionSplitter>;
