// The processor under SIGKILL: killed at arbitrary moments mid-stream and restarted, it must
// leave exactly one metrics batch per raw reading (nothing lost, nothing doubled), and its
// counter state must survive through the changelog (every poll after a device's first yields a
// rate, so no restart lost the previous counters).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../common/log.js';
import { connectStreams } from '../streams/index.js';
import { startRole, type RoleProcess } from '../infra/supervisor.js';
import { snmpReading } from './raw-readings.js';
import { eventually, streamConfig, testEnv, uniquePrefix } from './env.js';
import { countMetricOutputs } from './metric-outputs.js';

const DEVICES = 12;
const POLLS = 150;

const reading = (device: number, n: number) => snmpReading(device, n);

test('a processor SIGKILLed mid-stream leaves each reading exactly once, with its state intact', { timeout: 300_000 }, async (t) => {
  const prefix = uniquePrefix('eos');
  const logger = createLogger({ test: 'eos' }, 'error');
  const streams = await connectStreams({ config: streamConfig(prefix), clientId: 'eos-test', logger, writes: ['rawSnmp'] });
  const { topics } = streams;
  const { reader, seen, withRate } = countMetricOutputs(streams);
  const env = {
    KAFKA_BROKERS: testEnv.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: testEnv.registryUrl,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_PARTITIONS: '3',
    PROCESSOR_SESSION_TIMEOUT_MS: '6000', // a killed member's partitions move sooner
    LOG_LEVEL: process.env.EOS_LOG_LEVEL ?? 'info',
  };
  const logDir = mkdtempSync(join(tmpdir(), 'oc-eos-'));
  let proc: RoleProcess | undefined;
  t.after(async () => {
    await proc?.stop();
    await reader.stop();
    await streams.admin.deleteTopics(Object.values(topics)).catch(() => undefined);
    await streams.close();
  });

  // Inputs in rounds, so the processor is always mid-stream when it is killed.
  const total = DEVICES * POLLS;
  const produce = async (from: number, to: number) => {
    for (let n = from; n < to; n++) await streams.producer.send(topics.rawSnmp, Array.from({ length: DEVICES }, (_, d) => ({ key: `dev-${d}`, value: reading(d, n), timestamp: reading(d, n).polledAt })));
  };
  await reader.start();
  await produce(0, 30);
  const start = () => startRole({ name: 'processor', role: 'processor', env, logDir, timeoutMs: 60_000 });
  proc = await start();
  const kills = [0.25, 0.5, 0.75];
  let produced = 30;
  for (const share of kills) {
    const until = Math.round(POLLS * share);
    await produce(produced, until);
    produced = until;
    await eventually(`outputs past ${share * 100}%`, () => (seen.size >= total * share * 0.8 ? true : undefined), 90_000, 100);
    await proc.kill(); // SIGKILL: no chance to finish the transaction in hand
    proc = await start();
  }
  await produce(produced, POLLS);
  await eventually('every reading processed', () => (seen.size === total ? true : undefined), 120_000, 200);
  await new Promise((r) => setTimeout(r, 3_000)); // anything doubled would arrive by now

  const doubled = [...seen].filter(([, n]) => n > 1);
  assert.equal(doubled.length, 0, `readings with more than one output: ${doubled.slice(0, 5).map(([k, n]) => `${k}×${n}`).join(', ')}`);
  assert.equal(seen.size, total, 'one output per reading');
  assert.equal(withRate(), total - DEVICES, 'every poll after the first of its device has a rate: state survived each kill');
});
