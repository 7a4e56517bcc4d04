import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../common/log.js';
import { connectStreams, deadLetterHeaders, type InRecord } from './index.js';
import { streamConfig, uniquePrefix, eventually } from '../test/env.js';
import type { DeadLetter, LiveBatch } from '../schemas/types.js';

test('a garbage message lands in the dead-letter topic with its origin, and the consumer goes on', { timeout: 90_000 }, async () => {
  const logger = createLogger({ test: 'dlq' }, 'error');
  const prefix = uniquePrefix('dlq');
  const streams = await connectStreams({ config: streamConfig(prefix), clientId: 'dlq-test', logger, writes: ['live'] });
  const { topics } = streams;
  const good: InRecord[] = [];
  const dead: InRecord[] = [];
  const consumer = streams.consumer({ groupId: 'live-reader', topics: [topics.live], handler: async (r) => void good.push(...r) });
  const dlqReader = streams.consumer({ groupId: 'dlq-reader', topics: [topics.dlq], handler: async (r) => void dead.push(...r) });
  try {
    const batch = (ts: number): LiveBatch => ({ deviceId: 'dev-1', ts, points: [{ seriesKey: 'dev-1/x', value: ts }] });
    await streams.producer.send(topics.live, [{ key: 'dev-1', value: batch(1) }]);
    // Not Avro at all, then the right magic byte with a schema id nobody registered.
    await streams.producer.sendRaw(topics.live, [
      { key: 'dev-1', value: Buffer.from('this is not avro') },
      { key: 'dev-1', value: Buffer.from([0, 0x7f, 0xff, 0xff, 0xff, 1, 2, 3]) },
    ]);
    await streams.producer.send(topics.live, [{ key: 'dev-1', value: batch(2) }]);
    await Promise.all([consumer.start(), dlqReader.start()]);

    await eventually('both good messages', () => (good.length >= 2 ? true : undefined), 45_000);
    assert.deepEqual(good.map((r) => (r.value as LiveBatch).ts), [1, 2], 'the consumer went past the garbage, in order');
    await eventually('two dead letters', () => (dead.length >= 2 ? true : undefined), 45_000);
    const [first, second] = dead;
    assert.equal(first.headers[deadLetterHeaders.topic], topics.live);
    assert.equal(first.headers[deadLetterHeaders.offset], '1');
    assert.equal(first.headers[deadLetterHeaders.code], 'SERDE_DECODE_FAILED');
    assert.match(first.headers[deadLetterHeaders.message], /magic byte/);
    assert.equal(second.headers[deadLetterHeaders.code], 'SERDE_SCHEMA_UNKNOWN');
    const envelope = first.value as DeadLetter;
    assert.equal(Buffer.from(envelope.originValue).toString(), 'this is not avro', 'the original bytes are kept');
    assert.equal(envelope.originTopic, topics.live);
    assert.equal(envelope.stage, 'decode');
  } finally {
    await consumer.stop();
    await dlqReader.stop();
    await streams.admin.deleteTopics(Object.values(topics)).catch(() => undefined);
    await streams.close();
  }
});
