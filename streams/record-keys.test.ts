// Record keys go to Kafka as bytes, whole: the native binding cuts a string key at its first NUL,
// and the changelog codecs key a device's parts `<deviceId>\u0000…` (processors/chain-codec.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../common/log.js';
import { connectStreams, type InRecord } from './index.js';
import { restorePartitions } from './changelog-restore.js';
import type { ChangelogCodec } from './state-codec.js';
import { streamConfig, testEnv, uniquePrefix, eventually } from '../test/env.js';
import type { LiveBatch } from '../schemas/types.js';

const batch = (deviceId: string, ts: number): LiveBatch => ({ deviceId, ts, points: [{ seriesKey: `${deviceId}/x`, value: ts }] });

test('a key with a NUL in it arrives whole, from the producer and from a transaction\'s changelog', { timeout: 120_000 }, async () => {
  const logger = createLogger({ test: 'record-keys' }, 'error');
  const prefix = uniquePrefix('keys');
  const streams = await connectStreams({ config: streamConfig(prefix), clientId: 'keys-test', logger, writes: ['live'] });
  const { topics } = streams;
  const seen: InRecord[] = [];
  const reader = streams.consumer({ groupId: 'key-reader', topics: [topics.live], handler: async (r) => void seen.push(...r) });
  // A state of two records per key, as the chain codec writes a device: a part, then the head.
  const codec: ChangelogCodec<{ n: number }> = {
    encode: (key, s) => (s === undefined ? [{ key, value: null }] : [{ key: `${key}\u0000part`, value: Buffer.from(String(s.n * 10)) }, { key, value: Buffer.from(String(s.n)) }]),
    decode(records) {
      const out = new Map<string, { n: number }>();
      for (const [key, value] of records) {
        if (key.includes('\u0000')) continue;
        const part = records.get(`${key}\u0000part`);
        assert.ok(part, `the part of ${key} was restored`);
        assert.equal(Number(part.toString()), Number(value.toString()) * 10);
        out.set(key, { n: Number(value.toString()) });
      }
      return out;
    },
  };
  const processor = streams.transactional<{ n: number }>({ groupId: 'keys', inputTopics: [topics.live], changelogTopic: topics.processorState, stateCodec: codec, transform: { apply: (s) => ({ n: (s?.n ?? 0) + 1 }), stateKey: (r) => (r.value as LiveBatch).deviceId } });
  try {
    await streams.producer.send(topics.live, [
      { key: 'dev-1\u0000c', value: batch('dev-1', 1) },
      { key: 'dev-1', value: batch('dev-1', 2) },
      { key: 'dev-2', value: batch('dev-2', 3) },
    ]);
    await reader.start();
    await eventually('three records', () => (seen.length >= 3 ? true : undefined), 45_000);
    assert.deepEqual(seen.map((r) => r.key).sort(), ['dev-1', 'dev-1\u0000c', 'dev-2']);

    await processor.start();
    const end = await streams.admin.endOffsets(topics.live);
    await eventually('the inputs committed', async () => {
      const committed = await streams.admin.groupOffsets(`${prefix}keys`, topics.live);
      return [...end].every(([p, e]) => e === 0n || (committed.get(p) ?? -1n) >= e) ? true : undefined;
    }, 60_000);
    await processor.stop();
    const restored = await restorePartitions({ brokers: testEnv.kafkaBrokers, clientId: 'keys-restore', topic: topics.processorState, partitions: [0, 1, 2], logger, codec });
    // `dev-1\u0000c` and `dev-1` hash to different partitions: dev-1 has a state in each.
    const states = [...restored.values()].flatMap((m) => [...m].map(([k, s]) => `${k}=${s.n}`)).sort();
    assert.deepEqual(states, ['dev-1=1', 'dev-1=1', 'dev-2=1'], 'each state\'s head and part restored (decode checks the part)');
  } finally {
    await processor.stop().catch(() => undefined);
    await reader.stop();
    await streams.admin.deleteTopics(Object.values(topics)).catch(() => undefined);
    await streams.close();
  }
});
