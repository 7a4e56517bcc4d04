// Proves the pinned Kafka server (infra/kafka/pom.xml) and @confluentinc/kafka-javascript (its
// KafkaJS-compatible layer over librdkafka) work together for everything the pipeline relies on:
// admin calls, idempotent produce, consumer groups, and the consume-transform-produce transaction
// with sendOffsets under read_committed.
// Runs against KAFKA_BROKERS (default: the test profile's broker, as every test; see test/env.ts).

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { KafkaJS } from '@confluentinc/kafka-javascript';
import { waitForLeaders } from '../common/kafka.js';
import { testEnv } from '../test/env.js';

type KafkaMessage = KafkaJS.KafkaMessage;

const brokers = testEnv.kafkaBrokers;
// Quiet by default: librdkafka logs at ERROR failures it retries by itself. The client reads
// KAFKAJS_LOG_LEVEL=debug (or info, warn, error) from the environment to show them on the console.
const kafka = new KafkaJS.Kafka({ kafkaJS: { clientId: 'kafka-compat-test', brokers, logLevel: KafkaJS.logLevel.NOTHING } });
const run = `compat-${randomUUID().slice(0, 8)}`;
const input = `${run}-in`;
const output = `${run}-out`;
const PARTITIONS = 3;
const MESSAGES = 120;

const admin = kafka.admin();
const openClients: Array<{ disconnect(): Promise<void> }> = [];

/** Consumes `topic` from the beginning in a fresh group until `done` says so; returns what came. */
async function consumeUntil(
  topic: string,
  opts: { groupId?: string; readUncommitted?: boolean; done: (seen: KafkaMessage[]) => boolean; timeoutMs: number },
): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({
    kafkaJS: {
      groupId: opts.groupId ?? `${run}-reader-${randomUUID().slice(0, 6)}`,
      readUncommitted: opts.readUncommitted ?? false,
      fromBeginning: true,
    },
  });
  openClients.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
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
describe('the pinned kafka server and @confluentinc/kafka-javascript work together', { timeout: 110_000 }, () => {
  before(async () => {
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: input, numPartitions: PARTITIONS },
        { topic: output, numPartitions: PARTITIONS, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      ],
    });
    await waitForLeaders(admin, [input, output]);
  });

  after(async () => {
    await Promise.allSettled(openClients.map((c) => c.disconnect()));
    await admin.deleteTopics({ topics: [input, output] }).catch(() => undefined);
    await admin.disconnect();
  });

  test('admin creates, describes and deletes topics', { timeout: 30_000 }, async () => {
    const meta = await admin.fetchTopicMetadata({ topics: [input, output] });
    assert.deepEqual(meta.map((t) => t.partitions.length), [PARTITIONS, PARTITIONS]);
    // The client cannot read topic configs (it has no describeConfigs): that the broker gets the
    // entries given at creation shows in its refusal of a bad one.
    const refused = await admin
      .createTopics({ topics: [{ topic: `${run}-bad-config`, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'no-such-policy' }] }] })
      .then(() => undefined, (err: KafkaJS.KafkaJSAggregateError) => err.errors[0]);
    assert.equal((refused as KafkaJS.KafkaJSError | undefined)?.code, KafkaJS.ErrorCodes.ERR_INVALID_CONFIG, String(refused));
    assert.ok(!(await admin.listTopics()).includes(`${run}-bad-config`));

    const scratch = `${run}-scratch`;
    assert.equal(await admin.createTopics({ topics: [{ topic: scratch, numPartitions: 1 }] }), true);
    assert.equal(await admin.createTopics({ topics: [{ topic: scratch, numPartitions: 1 }] }), false, 'a topic that exists is not created again');
    assert.ok((await admin.listTopics()).includes(scratch));
    await admin.deleteTopics({ topics: [scratch], timeout: 10_000 });
    assert.ok(!(await admin.listTopics()).includes(scratch));
  });

  test('idempotent producer with acks=all delivers every message once, in key order', { timeout: 30_000 }, async () => {
    const producer = kafka.producer({ kafkaJS: { idempotent: true, maxInFlightRequests: 5, acks: -1 } });
    openClients.push(producer);
    await producer.connect();
    const messages = Array.from({ length: MESSAGES }, (_, i) => ({ key: `device-${i % 7}`, value: String(i) }));
    const acks = await producer.send({ topic: input, messages });
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
    const producer = kafka.producer({ kafkaJS: { transactionalId: `${run}-tx`, idempotent: true, maxInFlightRequests: 1 } });
    openClients.push(producer);
    await producer.connect();
    const consumer = kafka.consumer({ kafkaJS: { groupId, readUncommitted: false, fromBeginning: true, autoCommit: false } });
    openClients.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [input] });
    let transformed = 0;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`transformed only ${transformed} of ${MESSAGES}`)), 30_000);
      void consumer.run({
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset }) => {
          const tx = await producer.transaction();
          try {
            await tx.send({ topic: output, messages: batch.messages.map((m) => ({ key: m.key, value: `t:${String(m.value)}` })) });
            const next = String(Number(batch.lastOffset()) + 1);
            // The consumer itself, not its group id: librdkafka sends the group's generation too.
            await tx.sendOffsets({ consumer, topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }] });
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
    assert.equal(groups.groups[0].state, KafkaJS.ConsumerGroupStates.EMPTY);

    const out = await consumeUntil(output, { done: (s) => s.length >= MESSAGES, timeoutMs: 20_000 });
    assert.equal(out.length, MESSAGES);
    assert.ok(out.every((m) => String(m.value).startsWith('t:')));
    await producer.disconnect();
  });

  test('read_committed never sees an aborted transaction; read_uncommitted does', { timeout: 45_000 }, async () => {
    const producer = kafka.producer({ kafkaJS: { transactionalId: `${run}-abort`, idempotent: true, maxInFlightRequests: 1 } });
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
    // The consumer auto-commits what it consumed when it disconnects: the partition ends.
    const committed = await admin.fetchOffsets({ groupId, topics: [input] });
    const total = committed[0].partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    assert.equal(total, MESSAGES);
    const listed = await admin.listGroups();
    assert.ok(listed.groups.some((g) => g.groupId === groupId));
    await admin.deleteGroups([groupId, `${run}-transformer`]);
  });
});
