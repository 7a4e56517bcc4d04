// The request pattern of a transaction's sends, checked on a recording stand-in for kafkajs's
// transaction (the broker-side effect, no doubled block when a leader dies, is what the
// resilience suite measures on the three-broker cluster).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTransactionSends, type TopicMessages } from './transaction-sends.js';
import { createPartitionSplitter } from './partition-split.js';

// Every test topic has 6 partitions.
const split = createPartitionSplitter(async () => 6);

const msg = (key: string, partition?: number, bytes = 10) => ({ key, value: Buffer.alloc(bytes), partition });

test('each kafkajs send holds one partition of one topic, so a retry cannot re-send another leader’s part', async () => {
  const calls: TopicMessages[][] = [];
  const sends = createTransactionSends({ sendBatch: async ({ topicMessages }) => void calls.push(topicMessages) }, 0, split);
  sends.push('metrics', msg('dev-1'));
  sends.push('metrics', msg('dev-2'));
  sends.push('live', msg('dev-1'));
  sends.push('baselines', msg('s1', 3));
  sends.push('baselines', msg('s2', 3));
  sends.flush([{ topic: 'changelog', messages: [msg('a', 3), msg('b', 3)] }]);
  await sends.settled();
  for (const call of calls) {
    assert.equal(call.length, 1, 'one topic per send');
    assert.equal(new Set(call[0].messages.map((m) => m.partition)).size, 1, 'one partition per send');
  }
  const sent = calls.flatMap((c) => c[0].messages.map((m) => `${c[0].topic}:${String(m.key)}@${m.partition}`)).sort();
  assert.equal(sent.length, 7, 'every message sent once');
  assert.equal(calls.length, new Set(sent.map((x) => `${x.split(':')[0]}@${x.split('@')[1]}`)).size, 'one send per topic and partition');
  assert.ok(sent.includes('baselines:s1@3') && sent.includes('changelog:a@3'), 'explicit partitions kept');
  assert.deepEqual(Object.fromEntries(sends.sentCount), { metrics: 2, live: 1, baselines: 2 });
});

test('a failed part is reported only once every other part of the send has settled', async () => {
  let releaseSlow!: () => void;
  let slowDone = false;
  const sends = createTransactionSends(
    {
      sendBatch: ({ topicMessages }) =>
        topicMessages[0].topic === 'slow'
          ? new Promise<void>((resolve) => (releaseSlow = () => ((slowDone = true), resolve())))
          : Promise.reject(new Error('NOT_LEADER_OR_FOLLOWER')),
    },
    0,
    split,
  );
  sends.push('slow', msg('x'));
  sends.push('failing', msg('y'));
  sends.flush();
  const outcome = sends.settled().then(
    () => 'resolved',
    (err: Error) => (slowDone ? err.message : 'rejected while a part was still in flight'),
  );
  await new Promise((r) => setTimeout(r, 20));
  releaseSlow();
  assert.equal(await outcome, 'NOT_LEADER_OR_FOLLOWER');
});

test('a flush waits for the one before it: one partition’s records leave in order', async () => {
  const order: string[] = [];
  let first = true;
  const sends = createTransactionSends(
    {
      sendBatch: async ({ topicMessages }) => {
        if (first) {
          first = false;
          await new Promise((r) => setTimeout(r, 30));
        }
        order.push(String(topicMessages[0].messages[0].key));
      },
    },
    0,
    split,
  );
  sends.push('metrics', msg('early'));
  sends.flush();
  sends.push('metrics', msg('late'));
  sends.flush();
  await sends.settled();
  assert.deepEqual(order, ['early', 'late']);
});

test('a big part is sent in requests under the broker’s message size, in order', async () => {
  const sizes: number[][] = [];
  const sends = createTransactionSends({ sendBatch: async ({ topicMessages }) => void sizes.push(topicMessages[0].messages.map((m) => m.value!.length)) }, 0, split);
  for (let i = 0; i < 5; i++) sends.push('metrics', msg(`k${i}`, 0, 300 * 1024));
  sends.flush();
  await sends.settled();
  assert.deepEqual(sizes.map((s) => s.length), [2, 2, 1]);
});
