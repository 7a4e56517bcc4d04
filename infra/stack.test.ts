// Starts the `cluster` profile for real (3 KRaft nodes, PostgreSQL, Redis), uses it the way the
// pipeline does (a topic with replication factor 3 and min ISR 2, acks=all), and checks that
// stop() leaves nothing behind: every recorded pid gone, every port closed.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { KafkaJS } from '@confluentinc/kafka-javascript';
import pg from 'pg';
import { Redis } from 'ioredis';
import { clusterBrokerIds, waitForLeaders } from '../common/kafka.js';
import { createLogger } from '../common/log.js';
import { ensureInstalled } from './install.js';
import { isAlive, isPortOpen, processesUnder } from './proc.js';
import { profilePorts, runDir, startStack } from './stack.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const logger = createLogger({ test: 'stack' }, process.env.LOG_LEVEL ? undefined : 'warn');

test('OC_PORT_OFFSET moves every port of a profile, and a bad value names the variable', () => {
  assert.deepEqual(profilePorts('test', {}), { kafka: 29092, postgres: 25432, redis: 26379 });
  assert.deepEqual(profilePorts('cluster', { OC_PORT_OFFSET: '-4000' }), { kafka: 27092, postgres: 27432, redis: 27379 });
  assert.throws(() => profilePorts('test', { OC_PORT_OFFSET: '12ab' }), /OC_PORT_OFFSET="12ab" must be an integer/);
  assert.throws(() => profilePorts('test', { OC_PORT_OFFSET: '5000' }), /from -14000 to 600/);
});

// A new topic's metadata reaches the three brokers one by one: the broker an admin call lands on
// may not know it for a moment after another one reported its leaders.
async function whileUnknown<T>(call: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if ((err as { type?: string }).type !== 'ERR_UNKNOWN_TOPIC_OR_PART' || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

test('cluster profile: 3 brokers, RF 3 / min ISR 2 with acks=all, and a stop that leaves nothing', { timeout: 150_000 }, async () => {
  await ensureInstalled({ root, logger, apt: ['postgresql', 'redis-server'], python: false });
  const started = Date.now();
  const stack = await startStack({ root, profile: 'cluster', brokers: 3, fresh: true, logger });
  const startMs = Date.now() - started;
  const dir = runDir(root, 'cluster');
  let stopped = false;
  try {
    assert.equal(stack.reused, false);
    const k = profilePorts('cluster').kafka; // 31092 unless OC_PORT_OFFSET moves it
    assert.deepEqual(stack.endpoints.kafkaBrokers, [k, k + 2, k + 4].map((p) => `127.0.0.1:${p}`));
    const recorded = JSON.parse(readFileSync(join(dir, 'stack.json'), 'utf8')) as { status: string; pids: Record<string, { pid: number }> };
    assert.equal(recorded.status, 'running');
    assert.deepEqual(Object.keys(recorded.pids).sort(), ['kafka-1', 'kafka-2', 'kafka-3', 'postgresql', 'redis']);
    const pids = Object.values(recorded.pids).map((p) => p.pid);
    assert.ok(pids.every(isAlive));

    // Asking again for the same profile hands back the running stack; its stop() is a no-op.
    const again = await startStack({ root, profile: 'cluster', brokers: 3, logger });
    assert.equal(again.reused, true);
    assert.deepEqual(again.endpoints, stack.endpoints);
    await again.stop();
    assert.ok(pids.every(isAlive));

    const kafka = new KafkaJS.Kafka({ kafkaJS: { clientId: 'stack-test', brokers: stack.endpoints.kafkaBrokers, logLevel: KafkaJS.logLevel.NOTHING } });
    const admin = kafka.admin();
    const producer = kafka.producer({ kafkaJS: { idempotent: true, acks: -1 } });
    const topic = `stack-test-${Date.now()}`;
    await admin.connect();
    await producer.connect();
    try {
      assert.equal((await clusterBrokerIds(stack.endpoints.kafkaBrokers, { clientId: 'stack-test', timeoutMs: 10_000 })).length, 3);
      await admin.createTopics({
        topics: [{ topic, numPartitions: 6, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }],
      });
      await waitForLeaders(admin, [topic]);
      const meta = await whileUnknown(() => admin.fetchTopicMetadata({ topics: [topic] }));
      for (const p of meta[0].partitions) assert.equal(p.replicas.length, 3, `partition ${p.partitionId} replicas`);
      const acks = await producer.send({ topic, messages: Array.from({ length: 60 }, (_, i) => ({ key: `d${i % 6}`, value: String(i) })) });
      assert.ok(acks.every((a) => a.errorCode === 0));
      const offsets = await whileUnknown(() => admin.fetchTopicOffsets(topic));
      assert.equal(offsets.reduce((n, o) => n + Number(o.high), 0), 60);
      await admin.deleteTopics({ topics: [topic] });
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }

    const db = new pg.Client({ connectionString: stack.endpoints.databaseUrl });
    await db.connect();
    const { rows } = await db.query<{ db: string; sb: string }>('select current_database() as db, current_setting($1) as sb', ['shared_buffers']);
    await db.end();
    assert.deepEqual(rows[0], { db: 'opsconductor', sb: '1GB' });
    const redis = new Redis(stack.endpoints.redisUrl, { lazyConnect: true });
    await redis.connect();
    assert.equal(await redis.ping(), 'PONG');
    redis.disconnect();

    const stopStarted = Date.now();
    await stack.stop();
    stopped = true;
    logger.warn('stack test timings', { startMs, stopMs: Date.now() - stopStarted }); // shown at the default test log level
    assert.deepEqual(pids.filter(isAlive), [], 'processes still alive after stop');
    const ports = profilePorts('cluster');
    const all = [ports.kafka, ports.kafka + 1, ports.kafka + 2, ports.kafka + 3, ports.kafka + 4, ports.kafka + 5, ports.postgres, ports.redis];
    const open = [];
    for (const port of all) if (await isPortOpen(port)) open.push(port);
    assert.deepEqual(open, [], 'ports still open after stop');
    assert.deepEqual(processesUnder(dir), [], 'processes still working in the profile folder');
    assert.throws(() => readFileSync(join(dir, 'stack.json')), /ENOENT/);
  } finally {
    if (!stopped) await stack.stop();
  }
});
