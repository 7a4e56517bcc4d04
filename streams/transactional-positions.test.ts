// A transactional processor handed a group offset from before its last committed transaction
// (what kafkajs's OffsetFetch, without KIP-447's require_stable, can return right after a commit
// whose markers are still on their way) must not process those records a second time: the input
// positions committed in the changelog with the state and outputs decide what is new.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../common/log.js';
import { connectStreams } from './index.js';
import { createKafkaClient } from './kafka-client.js';
import { streamConfig, uniquePrefix, eventually } from '../test/env.js';
import type { LiveBatch } from '../schemas/types.js';
import { readTopic } from '../test/kcat-topic-reader.js';

test('records delivered again from a stale group offset are skipped: each has one output and counts once in the state', { timeout: 180_000 }, async () => {
  const logger = createLogger({ test: 'positions' }, 'error');
  const prefix = uniquePrefix('positions');
  const streams = await connectStreams({ config: streamConfig(prefix), clientId: 'positions-test', logger, writes: ['live'] });
  const { topics } = streams;
  const outTopic = `${prefix}positions.out`;
  const group = 'positions';
  const kafka = createKafkaClient({ brokers: streamConfig(prefix).kafkaBrokers, clientId: 'positions-admin', logger });
  const admin = kafka.admin();
  const counts = new Map<string, number>(); // the state each key ended with, as last seen
  const processor = () =>
    streams.transactional<{ n: number }>({
      groupId: group,
      inputTopics: [topics.live],
      changelogTopic: topics.processorState,
      transform: {
        apply: (state, r, emit) => {
          const n = (state?.n ?? 0) + 1;
          counts.set(r.key ?? '', n);
          emit.raw(outTopic, r.key, r.raw.value, r.timestamp);
          return { n };
        },
      },
    });
  const drained = async () => {
    const end = await streams.admin.endOffsets(topics.live);
    await eventually('the group at the end of the input', async () => {
      const done = await streams.admin.groupOffsets(`${prefix}${group}`, topics.live);
      return [...end].every(([p, e]) => (done.get(p) ?? -1n) >= e) ? true : undefined;
    }, 90_000);
  };
  try {
    await admin.connect();
    await streams.admin.ensureTopics([{ name: outTopic, partitions: 3, config: {} }], 1);
    const devices = ['d-1', 'd-2', 'd-3', 'd-4'];
    const batch = (deviceId: string, ts: number): LiveBatch => ({ deviceId, ts, points: [{ seriesKey: `${deviceId}/x`, value: ts }] });
    await streams.producer.send(topics.live, devices.flatMap((d) => Array.from({ length: 5 }, (_, i) => ({ key: d, value: batch(d, i + 1) }))));

    const first = processor();
    await first.start();
    await drained();
    await first.stop();

    // The stale offset: the group's committed offsets back to the start of the input.
    const parts = [...(await streams.admin.endOffsets(topics.live)).keys()];
    await admin.setOffsets({ groupId: `${prefix}${group}`, topic: topics.live, partitions: parts.map((partition) => ({ partition, offset: '0' })) });

    const second = processor();
    await second.start();
    await drained();
    await second.stop();

    // Read by kcat as a read_committed consumer: what Kafka holds as committed.
    const outputs = await readTopic(streamConfig(prefix).kafkaBrokers, outTopic, true);
    assert.equal(outputs.length, 20, 'one output per input record, not one per delivery');
    for (const d of devices) assert.equal(counts.get(d), 5, `${d}: its state counted each record once`);
  } finally {
    await admin.disconnect();
    await streams.admin.deleteTopics([...Object.values(topics), outTopic]).catch(() => undefined);
    await streams.close();
  }
});
