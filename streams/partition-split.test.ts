// Sends split by partition must put every keyed record where kafkajs itself would have put it:
// co-partitioning by device (collectors → processor → outputs) depends on it. Checked against the
// broker: records produced the plain kafkajs way and through the project's producer land in the
// same partitions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../common/log.js';
import { createKafkaClient } from './kafka-client.js';
import { connectStreams } from './index.js';
import { createPartitionSplitter, type OutMessage } from './partition-split.js';
import { readTopic } from '../test/kcat-topic-reader.js';
import { streamConfig, testEnv, uniquePrefix } from '../test/env.js';

const keys = Array.from({ length: 40 }, (_, i) => `device-${i}`);

test('a split send puts each keyed record in the partition kafkajs would choose, on the broker', { timeout: 90_000 }, async () => {
  const logger = createLogger({ test: 'partition-split' }, 'error');
  const prefix = uniquePrefix('split');
  const streams = await connectStreams({ config: { ...streamConfig(prefix), partitions: 6 }, clientId: 'split-test', logger, writes: [] });
  const plainTopic = `${prefix}plain`;
  const splitTopic = `${prefix}split`;
  const kafka = createKafkaClient({ brokers: testEnv.kafkaBrokers, clientId: 'split-test-plain', logger });
  const plain = kafka.producer({ allowAutoTopicCreation: false });
  try {
    await streams.admin.ensureTopics([6, 6].map((partitions, i) => ({ name: [plainTopic, splitTopic][i], partitions, config: {} })), 1);
    await plain.connect();
    // kafkajs's own choice: no partition given.
    await plain.send({ topic: plainTopic, messages: keys.map((key) => ({ key, value: key })) });
    // The project's producer, which splits by partition before sending.
    await streams.producer.sendRaw(splitTopic, keys.map((key) => ({ key, value: Buffer.from(key) })));

    const where = async (topic: string) => new Map((await readTopic(testEnv.kafkaBrokers, topic, true)).map((r) => [r.key!.toString(), r.partition]));
    const expected = await where(plainTopic);
    const actual = await where(splitTopic);
    assert.equal(expected.size, keys.length);
    assert.ok(new Set(expected.values()).size > 1, 'the keys spread over several partitions');
    assert.deepEqual(Object.fromEntries([...actual].sort()), Object.fromEntries([...expected].sort()));

    // And the splitter alone gives the same partitions, one entry per partition.
    const split = await createPartitionSplitter((t) => streams.admin.partitionCount(t))([{ topic: splitTopic, messages: keys.map((key): OutMessage => ({ key, value: null })) }]);
    for (const part of split) for (const m of part.messages) assert.equal(m.partition, expected.get(String(m.key)), `partition of ${m.key}`);
    assert.equal(split.length, new Set(expected.values()).size);
  } finally {
    await plain.disconnect();
    await streams.admin.deleteTopics([plainTopic, splitTopic, ...Object.values(streams.topics)]).catch(() => undefined);
    await streams.close();
  }
});
