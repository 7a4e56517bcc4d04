// A processor whose static group membership is fenced: librdkafka declares the consumer fatal
// (FENCED_INSTANCE_ID) and it never consumes again. That happens in production when a static
// member's session times out because its group coordinator died (the member rejoins under a new
// id and its own old id is fenced: librdkafka issue 3437); here another consumer joins under the
// processor's group.instance.id, which fences it the same way. The processor must replace its
// consumer and producer by itself and go on, each reading exactly once, its state intact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../common/log.js';
import { connectStreams } from '../streams/index.js';
import { Kafka, call, type LibrdKafkaError, type NativeConsumer } from '../streams/kafka-client.js';
import { startRole, type RoleProcess } from '../infra/supervisor.js';
import { snmpReading } from './raw-readings.js';
import { eventually, streamConfig, testEnv, uniquePrefix } from './env.js';
import { countMetricOutputs } from './metric-outputs.js';

const DEVICES = 6;
const POLLS = 40;
const INSTANCE = 'processor-0';

test('a processor fenced out of its static membership replaces its clients and goes on, each reading once', { timeout: 240_000 }, async (t) => {
  const prefix = uniquePrefix('fenced');
  const logger = createLogger({ test: 'fenced' }, 'error');
  const streams = await connectStreams({ config: streamConfig(prefix), clientId: 'fenced-test', logger, writes: ['rawSnmp'] });
  const { topics } = streams;
  const { reader, seen, withRate } = countMetricOutputs(streams);
  const env = {
    KAFKA_BROKERS: testEnv.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: testEnv.registryUrl,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_PARTITIONS: '3',
    PROCESSOR_INSTANCE_ID: INSTANCE,
    PROCESSOR_SESSION_TIMEOUT_MS: '6000',
    LOG_LEVEL: 'info',
  };
  const logDir = mkdtempSync(join(tmpdir(), 'oc-fenced-'));
  let proc: RoleProcess | undefined;
  let impostor: NativeConsumer | undefined;
  t.after(async () => {
    if (impostor?.isConnected()) await call((cb) => impostor!.disconnect(cb as never)).catch(() => undefined);
    await proc?.stop();
    await reader.stop();
    await streams.admin.deleteTopics(Object.values(topics)).catch(() => undefined);
    await streams.close();
  });
  const produce = async (from: number, to: number) => {
    for (let n = from; n < to; n++) await streams.producer.send(topics.rawSnmp, Array.from({ length: DEVICES }, (_, d) => ({ key: `dev-${d}`, value: snmpReading(d, n), timestamp: snmpReading(d, n).polledAt })));
  };
  const processorLog = () => readFileSync(join(logDir, 'processor.log'), 'utf8');

  await reader.start();
  proc = await startRole({ name: 'processor', role: 'processor', env, logDir, timeoutMs: 60_000 });
  await produce(0, POLLS / 2);
  await eventually('first half processed', () => (seen.size === (DEVICES * POLLS) / 2 ? true : undefined), 90_000, 100);

  // The impostor joins under the processor's instance id: the coordinator hands the instance to it
  // and the processor's next heartbeat is answered FENCED_INSTANCE_ID.
  let impostorFenced = false;
  impostor = new Kafka.KafkaConsumer({ 'bootstrap.servers': testEnv.kafkaBrokers.join(','), 'group.id': `${prefix}processors`, 'group.instance.id': INSTANCE, 'enable.auto.commit': false, 'session.timeout.ms': 6_000, 'partition.assignment.strategy': 'range', 'isolation.level': 'read_committed' } as never, {});
  impostor.setDefaultConsumeTimeout(100);
  await call((cb) => impostor.connect({ timeout: 10_000 }, cb as never));
  impostor.subscribe([topics.rawSnmp, topics.rawIcmp, topics.rawSsh, topics.rawCiena]);
  // Polled so it joins the group (its records are never committed); a fenced consumer's every
  // call fails with librdkafka's fatal error.
  const pump = setInterval(() => impostor.consume(100, (err: LibrdKafkaError | null) => {
    if (err && (err.isFatal || err.code === -150)) impostorFenced = true;
  }), 200);
  t.after(() => clearInterval(pump));
  await eventually('the processor notices it was fenced and replaces its clients', () => (/consumer and producer replaced/.test(processorLog()) ? true : undefined), 60_000, 200);
  // The processor's new consumer took the instance back: the impostor is fenced in turn.
  await eventually('the impostor is fenced by the new consumer', () => (impostorFenced ? true : undefined), 30_000, 200);
  clearInterval(pump);
  await call((cb) => impostor.disconnect(cb as never)).catch(() => undefined);

  await produce(POLLS / 2, POLLS);
  await eventually('every reading processed after the fence', () => (seen.size === DEVICES * POLLS ? true : undefined), 90_000, 200);
  await new Promise((r) => setTimeout(r, 3_000)); // anything doubled would arrive by now
  const doubled = [...seen].filter(([, n]) => n > 1);
  assert.equal(doubled.length, 0, `readings with more than one output: ${doubled.slice(0, 5).map(([k, n]) => `${k}×${n}`).join(', ')}`);
  assert.equal(withRate(), DEVICES * POLLS - DEVICES, 'every poll after the first of its device has a rate: state survived the replacement');
  assert.match(processorLog(), /Kafka client failed for good|fatal/i, 'the fence was logged');
});
