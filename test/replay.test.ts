// Replay determinism: the processor's outputs for a log, and a replay of the same log into
// another deployment's topics, are the same records — metrics and anomaly events with the same ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../common/log.js';
import { connectStreams, type Streams } from '../streams/index.js';
import { startRole, type RoleProcess } from '../infra/supervisor.js';
import { runReplayCommand } from '../processors/replay/replay-command.js';
import type { AnomalyEvent, MetricBatch } from '../schemas/types.js';
import { snmpReading } from './raw-readings.js';
import { eventually, streamConfig, testEnv, uniquePrefix } from './env.js';

const DEVICES = 4;
const POLLS = 60;
const outage = (d: number, n: number) => d === 0 && n >= 20 && n < 25; // dev-0 stops answering for 5 polls

async function collect(streams: Streams, group: string) {
  const metrics: MetricBatch[] = [];
  const anomalies: AnomalyEvent[] = [];
  const consumer = streams.consumer({
    groupId: group,
    topics: [streams.topics.metrics, streams.topics.anomalies],
    handler: async (records) => {
      for (const r of records) (r.topic === streams.topics.metrics ? metrics : anomalies).push(r.value as never);
    },
  });
  await consumer.start();
  return { metrics, anomalies, stop: () => consumer.stop() };
}

// Plain data in a stable order (decoded records are instances of each decoder's own classes).
const byTime = <T extends { deviceId: string; ts: number }>(xs: T[]) =>
  JSON.parse(JSON.stringify([...xs].sort((a, b) => a.deviceId.localeCompare(b.deviceId) || a.ts - b.ts || JSON.stringify(a).localeCompare(JSON.stringify(b)))));

test('a replay produces the same metrics and the same anomaly events, ids included', { timeout: 240_000 }, async (t) => {
  const logger = createLogger({ test: 'replay' }, 'error');
  const source = uniquePrefix('replay-src');
  const target = uniquePrefix('replay-dst');
  const a = await connectStreams({ config: streamConfig(source), clientId: 'replay-test', logger, writes: ['rawSnmp'] });
  const b = await connectStreams({ config: streamConfig(target), clientId: 'replay-test-b', logger, writes: [] });
  let proc: RoleProcess | undefined;
  const first = await collect(a, 'first-pass-reader');
  const second = await collect(b, 'replay-reader');
  t.after(async () => {
    await proc?.stop();
    await first.stop();
    await second.stop();
    await a.admin.deleteTopics(Object.values(a.topics)).catch(() => undefined);
    await b.admin.deleteTopics(Object.values(b.topics)).catch(() => undefined);
    await a.close();
    await b.close();
  });

  for (let n = 0; n < POLLS; n++)
    await a.producer.send(a.topics.rawSnmp, Array.from({ length: DEVICES }, (_, d) => ({ key: `dev-${d}`, value: snmpReading(d, n, outage(d, n)) })));
  const env = { KAFKA_BROKERS: testEnv.kafkaBrokers.join(','), SCHEMA_REGISTRY_URL: testEnv.registryUrl, KAFKA_TOPIC_PREFIX: source, KAFKA_PARTITIONS: '3' };
  proc = await startRole({ name: 'processor', role: 'processor', env, logDir: mkdtempSync(join(tmpdir(), 'oc-replay-')) });
  await eventually('the first pass', () => (first.metrics.length === DEVICES * POLLS ? true : undefined), 90_000);
  await proc.stop();

  const { inputs } = await runReplayCommand(['--from', '0', '--target-prefix', target], { ...process.env, ...env });
  assert.equal(inputs, DEVICES * POLLS);
  await eventually('the replayed metrics', () => (second.metrics.length === DEVICES * POLLS ? true : undefined), 60_000);
  await eventually('the replayed anomalies', () => (second.anomalies.length >= first.anomalies.length ? true : undefined), 30_000);

  assert.ok(first.anomalies.some((e) => e.state === 'OPEN' && e.detector === 'rule:device-down'), 'the outage opened an anomaly');
  assert.ok(first.anomalies.some((e) => e.state === 'CLOSE'), 'and closed it');
  assert.deepEqual(byTime(second.metrics), byTime(first.metrics));
  assert.deepEqual(byTime(second.anomalies), byTime(first.anomalies));
});
