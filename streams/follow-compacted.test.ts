// Following a compacted topic against the real broker: what "caught up" promises (everything the
// topic held at start is applied, tombstones included), that the follower goes on afterwards, and
// how a transactional topic whose tail a reader is never handed still ends its catch-up.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../common/log.js';
import { connectStreams, type Streams } from './index.js';
import { followCompacted, intoMap, readCompacted } from './follow-compacted.js';
import { createTransactionProducer } from './transaction-producer.js';
import { eventually, streamConfig, testEnv, uniquePrefix } from '../test/env.js';
import type { Link } from '../schemas/types.js';

const logger = createLogger({ test: 'follow-compacted' }, 'warn');
let streams: Streams;

const link = (linkId: string, aInterface = 'ge-0/0/0'): Link => ({
  linkId,
  aDeviceId: 'r1',
  aInterface,
  bDeviceId: 'r2',
  bInterface: 'ge-0/0/1',
  sources: ['lldp'],
  state: 'OBSERVED',
  difference: null,
  speedBps: null,
  netboxCableId: null,
  updatedAt: 1,
});

before(async () => {
  streams = await connectStreams({ config: streamConfig(uniquePrefix('follow')), clientId: 'follow-compacted-test', logger, writes: ['links', 'inventory'] });
}, { timeout: 60_000 });

after(async () => {
  await streams?.admin.deleteTopics(Object.values(streams.topics)).catch(() => undefined);
  await streams?.close();
}, { timeout: 30_000 });

test('caught up means every record the topic held at start is applied; then it follows', { timeout: 120_000 }, async () => {
  const topic = streams.topics.links;
  const KEYS = 300;
  await streams.producer.send(topic, Array.from({ length: KEYS }, (_, i) => ({ key: `l${i}`, value: link(`l${i}`) })));
  await streams.producer.send(topic, [{ key: 'l1', value: link('l1', 'xe-1/0/0') }]); // the later value wins
  await streams.producer.sendRaw(topic, [{ key: 'l2', value: null }]); // a tombstone deletes
  const held = new Map<string, Link>();
  const follower = await followCompacted<Link>(streams, topic, { group: 'follow-test', catchUp: { ms: 60_000, code: 'INVENTORY_READ_TIMEOUT' }, onRecord: intoMap(held) });
  try {
    await follower.caughtUp;
    assert.equal(held.size, KEYS - 1, 'every key written before the start, less the tombstoned one');
    assert.equal(held.get('l1')?.aInterface, 'xe-1/0/0');
    assert.equal(held.has('l2'), false);
    assert.equal(follower.isReady(), true, 'caught up and holding its partitions');

    const once = await readCompacted<Link>(streams, topic, { group: 'read-test', catchUp: { ms: 60_000, code: 'INVENTORY_READ_TIMEOUT' } });
    assert.deepEqual(once, held, 'a one-off read holds the same');

    await streams.producer.send(topic, [{ key: 'l-new', value: link('l-new') }]);
    await streams.producer.sendRaw(topic, [{ key: 'l3', value: null }]);
    await eventually('the follower applies what comes after its start', () => (held.has('l-new') && !held.has('l3') ? true : undefined), 30_000);
  } finally {
    await follower.stop();
  }
});

test('an empty topic: caught up at once, and ready once the member holds its partitions', { timeout: 60_000 }, async () => {
  const held = new Map<string, unknown>();
  const follower = await followCompacted(streams, streams.topics.inventory, { group: 'empty-test', catchUp: { ms: 60_000, code: 'INVENTORY_READ_TIMEOUT' }, onRecord: intoMap(held) });
  try {
    await follower.caughtUp;
    await eventually('ready', () => (follower.isReady() ? true : undefined), 30_000);
    assert.equal(held.size, 0);
    assert.equal((await readCompacted(streams, streams.topics.inventory, { group: 'empty-read', catchUp: { ms: 60_000, code: 'INVENTORY_READ_TIMEOUT' } })).size, 0);
  } finally {
    await follower.stop();
  }
});

test('a tail no reader is handed (an aborted transaction): the caller\'s code, unless the topic is declared transactional', { timeout: 120_000 }, async () => {
  // Topics of one partition, so where the records and markers stand is known.
  const one = await connectStreams({ config: { ...streamConfig(uniquePrefix('follow-tx')), partitions: 1 }, clientId: 'follow-compacted-tx-test', logger, writes: ['links'] });
  const topic = one.topics.links;
  const producer = await createTransactionProducer({ brokers: testEnv.kafkaBrokers, clientId: 'follow-test-tx', transactionalId: `${topic}-tx`, compression: 'snappy', logger });
  let open = true;
  try {
    const encoded = (id: string) => one.serde.encode(topic, link(id));
    await producer.begin();
    await producer.produce(topic, 0, 'a', encoded('a'));
    await producer.produce(topic, 0, 'b', encoded('b'));
    await producer.commit([], undefined as never);
    await producer.begin();
    await producer.produce(topic, 0, 'c', encoded('c'));
    // On the broker before the abort, so the partition ends in an aborted record and its marker.
    await eventually('the record to abort is written', async () => ((await one.admin.endOffsets(topic)).get(0) === 4n ? true : undefined), 30_000);
    await producer.abort();
    await producer.close();
    open = false;
    assert.equal((await one.admin.endOffsets(topic)).get(0), 5n, 'a, b, commit marker, c, abort marker');

    const plain = await followCompacted(one, topic, { group: 'plain-test', catchUp: { ms: 3_000, code: 'INVENTORY_READ_TIMEOUT' }, onRecord: () => undefined });
    try {
      await assert.rejects(plain.caughtUp, (err: Error & { code?: string }) => err.code === 'INVENTORY_READ_TIMEOUT' && err.message.includes(topic));
      assert.equal(plain.isReady(), false, 'never caught up, so never ready');
    } finally {
      await plain.stop();
    }

    const held = new Map<string, Link>();
    const tx = await followCompacted<Link>(one, topic, { group: 'tx-test', catchUp: { ms: 60_000, code: 'INVENTORY_READ_TIMEOUT' }, transactional: { idleMs: 1_000 }, onRecord: intoMap(held) });
    try {
      await tx.caughtUp; // the quiet after the last committed record ends it
      assert.deepEqual([...held.keys()].sort(), ['a', 'b'], 'the aborted record is never applied');
      assert.equal(tx.isReady(), true);
    } finally {
      await tx.stop();
    }
  } finally {
    if (open) await producer.close();
    await one.admin.deleteTopics(Object.values(one.topics)).catch(() => undefined);
    await one.close();
  }
});

test('an undecodable record at the end of a partition is dead-lettered and still counts as read', { timeout: 120_000 }, async () => {
  // One partition, so the bad record is that partition's last.
  const one = await connectStreams({ config: { ...streamConfig(uniquePrefix('follow-bad')), partitions: 1 }, clientId: 'follow-compacted-bad-test', logger, writes: ['links'] });
  const topic = one.topics.links;
  try {
    await one.producer.send(topic, [{ key: 'good', value: link('good') }]);
    await one.producer.sendRaw(topic, [{ key: 'bad', value: Buffer.from('not an Avro frame') }]);
    const held = new Map<string, Link>();
    const follower = await followCompacted<Link>(one, topic, { group: 'bad-test', catchUp: { ms: 20_000, code: 'INVENTORY_READ_TIMEOUT' }, onRecord: intoMap(held) });
    try {
      await follower.caughtUp; // before onPassed: timed out, the bad record never reached the handler
      assert.deepEqual([...held.keys()], ['good']);
    } finally {
      await follower.stop();
    }
  } finally {
    await one.admin.deleteTopics(Object.values(one.topics)).catch(() => undefined);
    await one.close();
  }
});
