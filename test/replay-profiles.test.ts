// A replay reads the processor's settings: with SNMP_PROFILES_DIR the polls of a user profile
// become the series it declares, as the processor made them; with RULES_DIR the user's rules fire.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../common/log.js';
import { connectStreams } from '../streams/index.js';
import { runReplayCommand } from '../processors/replay/replay-command.js';
import type { AnomalyEvent, MetricBatch, RawSnmpPoll } from '../schemas/types.js';
import { eventually, streamConfig, testEnv, uniquePrefix } from './env.js';
import { HOUR_MS } from '../common/time-units.js';

const PROFILE = `name: my-ups
index: [upsPhase]
columns:
  - { name: upsPhaseLoad, oid: 1.3.6.1.4.1.99999.1.1, type: Gauge32, metric: ups_load_pct, unit: '%' }
`;
const RULES = `rules:
  - { name: ups-overload, metric: ups_load_pct, condition: { above: 90 }, severity: CRITICAL }
`;

test('a replay honours SNMP_PROFILES_DIR and RULES_DIR', { timeout: 120_000 }, async (t) => {
  const logger = createLogger({ test: 'replay-profiles' }, 'error');
  const source = uniquePrefix('replay-prof-src');
  const target = uniquePrefix('replay-prof-dst');
  const dir = mkdtempSync(join(tmpdir(), 'oc-replay-profiles-'));
  mkdirSync(join(dir, 'profiles'));
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'profiles', 'my-ups.yaml'), PROFILE);
  writeFileSync(join(dir, 'rules', 'ups.yaml'), RULES);
  const a = await connectStreams({ config: streamConfig(source), clientId: 'replay-prof-a', logger, writes: ['rawSnmp'] });
  const b = await connectStreams({ config: streamConfig(target), clientId: 'replay-prof-b', logger, writes: [] });
  const seen = { metrics: [] as MetricBatch[], anomalies: [] as AnomalyEvent[] };
  const reader = b.consumer({ groupId: 'replay-prof-reader', topics: [b.topics.metrics, b.topics.anomalies], handler: async (rs) => void rs.forEach((r) => (r.topic === b.topics.metrics ? seen.metrics : seen.anomalies).push(r.value as never)) });
  await reader.start();
  t.after(async () => {
    await reader.stop();
    for (const s of [a, b]) await s.admin.deleteTopics(Object.values(s.topics)).catch(() => undefined);
    await a.close();
    await b.close();
  });

  const at = Date.now() - HOUR_MS;
  const poll = (n: number, load: number): RawSnmpPoll => ({ deviceId: 'ups-1', collectorId: 'test', profile: 'my-ups', polledAt: at + n * 10_000, durationMs: 3, sysUpTime: null, responseUpTimes: [], values: [{ name: 'upsPhaseLoad', oid: '1.3.6.1.4.1.99999.1.1.1', index: '1', kind: 'GAUGE32', counter: null, number: load, text: null }], error: null });
  await a.producer.send(a.topics.rawSnmp, [poll(0, 40), poll(1, 95)].map((value) => ({ key: 'ups-1', value })));
  const env = { KAFKA_BROKERS: testEnv.kafkaBrokers.join(','), SCHEMA_REGISTRY_URL: testEnv.registryUrl, KAFKA_TOPIC_PREFIX: source, KAFKA_PARTITIONS: '3', SNMP_PROFILES_DIR: join(dir, 'profiles'), RULES_DIR: join(dir, 'rules') };
  const { inputs } = await runReplayCommand(['--from', '0', '--target-prefix', target], { ...process.env, ...env });
  assert.equal(inputs, 2);
  await eventually('the replayed metrics', () => (seen.metrics.length === 2 ? true : undefined), 30_000);
  const loads = seen.metrics.flatMap((m) => m.samples.filter((s) => s.metric === 'ups_load_pct').map((s) => [s.seriesKey, s.value]));
  assert.deepEqual(loads, [['ups-1/ups_load_pct{upsPhase=1}', 40], ['ups-1/ups_load_pct{upsPhase=1}', 95]]);
  const open = await eventually('the rule fired in the replay', () => seen.anomalies.find((e) => e.state === 'OPEN' && e.detector === 'rule:ups-overload'), 30_000);
  assert.equal(open.severity, 'CRITICAL');
});
