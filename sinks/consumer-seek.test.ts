// The consumer option sinks rely on for exactly-once: on assignment it seeks to offsets a callback
// returns, and no batch of those partitions reaches the handler before the seek, even when the
// callback is slow and the group has no committed offsets (fromBeginning would start at 0).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../common/log.js';
import { connectStreams, type InRecord } from '../streams/index.js';
import { streamConfig, uniquePrefix, eventually } from '../test/env.js';
import { metricBatch } from '../test/sink-fixtures.js';
import { DAY_MS } from '../common/time-units.js';

// Recent event times: topics delete records older than their retention by timestamp.
const RECENT_MS = Math.floor((Date.now() - DAY_MS) / 1000) * 1000;

test('a consumer with storedOffsets starts each partition at the stored offset, never before', { timeout: 60_000 }, async () => {
  const logger = createLogger({ test: 'consumer-seek' }, 'error');
  const prefix = uniquePrefix('seek');
  const streams = await connectStreams({ config: streamConfig(prefix), clientId: 'seek-test', logger, writes: ['metrics'] });
  const topic = streams.topics.metrics;
  const seen: InRecord[] = [];
  let lookups = 0;
  let storedOf = (_p: number) => stored;
  const stored = 30n; // per partition: records 0..29 are "already in the database"
  const consumer = streams.consumer({
    groupId: 'seek-reader',
    topics: [topic],
    handler: async (r) => void seen.push(...r),
    storedOffsets: async (assigned) => {
      lookups++;
      // Slow on purpose: nothing of these partitions may be handed over before the answer is applied.
      await new Promise((r) => setTimeout(r, 2_000));
      return (assigned.get(topic) ?? []).map((partition) => ({ topic, partition, offset: String(storedOf(partition)) }));
    },
  });
  try {
    // 50 records on each of the 3 partitions (one device key per partition is not guaranteed, so
    // the counts per partition are read back from the broker).
    for (let i = 0; i < 150; i += 50)
      await streams.producer.send(topic, Array.from({ length: 50 }, (_, k) => ({ key: `dev-${(i + k) % 7}`, value: metricBatch(`dev-${(i + k) % 7}`, RECENT_MS + i + k, 1) })));
    const ends = await streams.admin.endOffsets(topic);
    storedOf = (p) => (ends.get(p)! < stored ? ends.get(p)! : stored);
    const expected = [...ends].reduce((s, [p, e]) => s + Number(e - storedOf(p)), 0);
    assert.ok(expected > 0 && expected < 150);
    await consumer.start();
    assert.equal(consumer.isReady(), false, 'not ready before the stored offsets are applied');
    await eventually('records after the stored offsets', () => (seen.length >= expected ? true : undefined), 40_000);
    await new Promise((r) => setTimeout(r, 500)); // anything extra would show up now
    assert.equal(seen.length, expected, 'exactly the records from the stored offsets on');
    for (const r of seen) assert.ok(BigInt(r.offset) >= storedOf(r.partition), `partition ${r.partition} offset ${r.offset} was handed over before the seek`);
    const perPartition = new Map<number, string[]>();
    for (const r of seen) perPartition.set(r.partition, [...(perPartition.get(r.partition) ?? []), r.offset]);
    for (const [p, offs] of perPartition) assert.equal(offs[0], String(storedOf(p)), `partition ${p} starts at the stored offset`);
    assert.ok(lookups >= 1);
    assert.equal(consumer.isReady(), true);
  } finally {
    await consumer.stop();
    await streams.admin.deleteTopics(Object.values(streams.topics)).catch(() => undefined);
    await streams.close();
  }
});
