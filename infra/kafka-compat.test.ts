// Proves the pinned Kafka server (infra/kafka/pom.xml) and kafkajs 2.2.4 work together for
// everything the pipeline relies on: admin calls, idempotent produce, consumer groups, and the
// consume-transform-produce transaction with sendOffsets under read_committed.
// Runs against KAFKA_BROKERS (default: the test profile's broker, as every test; see test/env.ts).

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { testEnv } from '../test/env.js';

const brokers = testEnv.kafkaBrokers;
// Quiet by default: kafkajs logs retried errors (CONCURRENT_TRANSACTIONS right after an abort)
// at ERROR although they succeed on retry. KAFKAJS_DEBUG=1 shows everything.
const kafka = new Kafka({ clientId: 'kafka-compat-test', brokers, logLevel: process.env.KAFKAJS_DEBUG ? logLevel.DEBUG : logLevel.NOTHING });
const run = `compat-${randomUUID().slice(0, 8)}`;
const input = `${run}-in`;
const output = `${run}-out`;
const PARTITIONS = 3;
const MESSAGES = 120;
// disconnect() waits for fetches in flight; with several brokers one of them is always an idle
// long poll, so the 5 s default would add 5 s to every consumer of the test.
const FETCH_WAIT_MS = 300;

const admin = kafka.admin();
const openClients: Array<{ disconnect(): Promise<void> }> = [];

/** Consumes `topic` from the beginning in a fresh group until `done` says so; returns what came. */
async function consumeUntil(
  topic: string,
  opts: { groupId?: string; readUncommitted?: boolean; done: (seen: KafkaMessage[]) => boolean; timeoutMs: number },
): Promise<KafkaMessage[]> {
  const consumer: Consumer = kafka.consumer({
    groupId: opts.groupId ?? `${run}-reader-${randomUUID().slice(0, 6)}`,
    readUncommitted: opts.readUncommitted ?? false,
    maxWaitTimeInMs: FETCH_WAIT_MS,
  });
  openClients.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: KafkaMessage[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out reading ${topic}: ${seen.length} messages`)), opts.timeoutMs);
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(message);
          if (opts.done(seen)) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

// Replication factor is left to the broker's default, so the same test runs on 1 or 3 nodes.
describe('kafka server and kafkajs 2.2.4', { timeout: 110_000 }, () => {
  before(async () => {
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: input, numPartitions: PARTITIONS },
        { topic: output, numPartitions: PARTITIONS, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      ],
    });
  });

  after(async () => {
    await Promise.allSettled(openClients.map((c) => c.disconnect()));
    await admin.deleteTopics({ topics: [input, output] }).catch(() => undefined);
    await admin.disconnect();
  });

  test('admin creates, describes and deletes topics', { timeout: 30_000 }, async () => {
    const meta = await admin.fetchTopicMetadata({ topics: [input, output] });
    assert.deepEqual(meta.topics.map((t) => t.partitions.length), [PARTITIONS, PARTITIONS]);
    const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2 /* TOPIC */, name: output, configNames: ['cleanup.policy'] }] });
    assert.equal(configs.resources[0].configEntries[0].configValue, 'compact');

    const scratch = `${run}-scratch`;
    assert.equal(await admin.createTopics({ topics: [{ topic: scratch, numPartitions: 1 }], waitForLeaders: true }), true);
    assert.ok((await admin.listTopics()).includes(scratch));
    await admin.deleteTopics({ topics: [scratch], timeout: 10_000 });
    assert.ok(!(await admin.listTopics()).includes(scratch));
  });

  test('idempotent producer with acks=all delivers every message once, in key order', { timeout: 30_000 }, async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5 });
    openClients.push(producer);
    await producer.connect();
    const messages = Array.from({ length: MESSAGES }, (_, i) => ({ key: `device-${i % 7}`, value: String(i) }));
    const acks = await producer.send({ topic: input, acks: -1, messages });
    assert.ok(acks.every((a) => a.errorCode === 0));
    await producer.disconnect();

    const seen = await consumeUntil(input, { done: (s) => s.length >= MESSAGES, timeoutMs: 20_000 });
    assert.equal(seen.length, MESSAGES);
    for (let k = 0; k < 7; k++) {
      const values = seen.filter((m) => String(m.key) === `device-${k}`).map((m) => Number(m.value));
      assert.deepEqual(values, [...values].sort((a, b) => a - b), `per-key order of device-${k}`);
    }
  });

  test('consume-transform-produce transactions commit output and offsets together', { timeout: 45_000 }, async () => {
    const groupId = `${run}-transformer`;
    const producer = kafka.producer({ transactionalId: `${run}-tx`, idempotent: true, maxInFlightRequests: 1 });
    openClients.push(producer);
    await producer.connect();
    const consumer = kafka.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: FETCH_WAIT_MS });
    openClients.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: input, fromBeginning: true });
    let transformed = 0;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`transformed only ${transformed} of ${MESSAGES}`)), 30_000);
      void consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset }) => {
          const tx = await producer.transaction();
          try {
            await tx.send({ topic: output, messages: batch.messages.map((m) => ({ key: m.key, value: `t:${String(m.value)}` })) });
            const next = String(Number(batch.lastOffset()) + 1);
            await tx.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }] });
            await tx.commit();
          } catch (err) {
            await tx.abort();
            throw err;
          }
          for (const m of batch.messages) resolveOffset(m.offset);
          transformed += batch.messages.length;
          if (transformed >= MESSAGES) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();

    // The offsets sent inside the transactions are the group's committed offsets: the end of each partition.
    const ends = await admin.fetchTopicOffsets(input);
    const committed = await admin.fetchOffsets({ groupId, topics: [input] });
    const byPartition = new Map(committed[0].partitions.map((p) => [p.partition, p.offset]));
    for (const end of ends) assert.equal(byPartition.get(end.partition), end.high, `partition ${end.partition}`);
    const groups = await admin.describeGroups([groupId]);
    assert.equal(groups.groups[0].groupId, groupId);
    assert.equal(groups.groups[0].state, 'Empty');

    const out = await consumeUntil(output, { done: (s) => s.length >= MESSAGES, timeoutMs: 20_000 });
    assert.equal(out.length, MESSAGES);
    assert.ok(out.every((m) => String(m.value).startsWith('t:')));
    await producer.disconnect();
  });

  test('read_committed never sees an aborted transaction; read_uncommitted does', { timeout: 45_000 }, async () => {
    const producer = kafka.producer({ transactionalId: `${run}-abort`, idempotent: true, maxInFlightRequests: 1 });
    openClients.push(producer);
    await producer.connect();
    const aborted = await producer.transaction();
    await aborted.send({ topic: output, messages: [{ key: 'device-0', value: 'aborted' }] });
    await aborted.abort();
    // A committed sentinel on the same partition (same key) after the aborted write: once a
    // reader reaches it, it has read past the aborted record.
    const sentinel = await producer.transaction();
    await sentinel.send({ topic: output, messages: [{ key: 'device-0', value: 'sentinel' }] });
    await sentinel.commit();
    await producer.disconnect();

    const reachedSentinel = (s: KafkaMessage[]) => s.some((m) => String(m.value) === 'sentinel');
    const committed = await consumeUntil(output, { done: reachedSentinel, timeoutMs: 20_000 });
    assert.equal(committed.filter((m) => String(m.value) === 'aborted').length, 0);
    const uncommitted = await consumeUntil(output, { readUncommitted: true, done: reachedSentinel, timeoutMs: 20_000 });
    assert.equal(uncommitted.filter((m) => String(m.value) === 'aborted').length, 1);
  });

  test('consumer group fetch offsets and describe through admin', { timeout: 30_000 }, async () => {
    const groupId = `${run}-plain`;
    const seen = await consumeUntil(input, { groupId, done: (s) => s.length >= MESSAGES, timeoutMs: 20_000 });
    assert.equal(seen.length, MESSAGES);
    // kafkajs auto-commits on disconnect; the committed offsets are the partition ends.
    const committed = await admin.fetchOffsets({ groupId, topics: [input] });
    const total = committed[0].partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    assert.equal(total, MESSAGES);
    const listed = await admin.listGroups();
    assert.ok(listed.groups.some((g) => g.groupId === groupId));
    await admin.deleteGroups([groupId, `${run}-transformer`]);
  });
});
