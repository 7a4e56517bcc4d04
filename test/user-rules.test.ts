// A rule file in RULES_DIR, through the real processor on the real broker: it fires an anomaly for
// the devices its scope selects (the role read from inventory.devices); a bad edit is refused by
// file and line and the rules before it stay in force; a good edit changes what fires, without a
// restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../common/log.js';
import { connectStreams } from '../streams/index.js';
import { startRole, type RoleProcess } from '../infra/supervisor.js';
import type { AnomalyEvent, Device, MetricBatch } from '../schemas/types.js';
import { snmpReading } from './raw-readings.js';
import { eventually, streamConfig, testEnv, uniquePrefix } from './env.js';

// dev-<d>'s eth0 receives (d + 1) Mbit/s: above 1.5 Mbit/s are dev-1 (core) and dev-2 (edge).
const rule = (role: string) => `rules:
  - name: busy-link
    description: more than 1.5 Mbit/s in
    metric: if_in_bps
    scope: { role: [${role}], interface: 'eth[0-9]+' }
    condition: { above: 1500000 }
    for: 20s
    severity: CRITICAL
`;

test('a rule file fires through the processor, is re-read when it changes, and a bad edit keeps the rules before it', { timeout: 180_000 }, async (t) => {
  const logger = createLogger({ test: 'user-rules' }, 'error');
  const prefix = uniquePrefix('user-rules');
  const runDir = mkdtempSync(join(tmpdir(), 'oc-user-rules-'));
  const rulesDir = join(runDir, 'rules');
  const file = join(rulesDir, 'mine.yaml');
  mkdirSync(rulesDir);
  writeFileSync(file, rule('core'));

  const streams = await connectStreams({ config: streamConfig(prefix), clientId: 'user-rules-test', logger, writes: ['rawSnmp', 'inventory'] });
  const seen = { anomalies: [] as AnomalyEvent[], polls: new Map<string, number>() };
  const reader = streams.consumer({
    groupId: 'user-rules-reader',
    topics: [streams.topics.anomalies, streams.topics.metrics],
    handler: async (rs) => {
      for (const r of rs) {
        if (r.topic === streams.topics.anomalies) seen.anomalies.push(r.value as AnomalyEvent);
        else seen.polls.set((r.value as MetricBatch).deviceId, (seen.polls.get((r.value as MetricBatch).deviceId) ?? 0) + 1);
      }
    },
  });
  await reader.start();
  let proc: RoleProcess | undefined;
  t.after(async () => {
    await proc?.stop();
    await reader.stop();
    await streams.admin.deleteTopics(Object.values(streams.topics)).catch(() => undefined);
    await streams.close();
  });

  const device = (d: number, role: string): Device => ({ deviceId: `dev-${d}`, hostname: `dev-${d}`, address: `192.0.2.${d + 1}`, site: 'lab', role, platform: 'linux', vendor: 'test', status: 'active', tags: [], labels: {}, snmp: null, updatedAt: Date.now() });
  await streams.producer.send(streams.topics.inventory, [device(0, 'core'), device(1, 'core'), device(2, 'edge')].map((d) => ({ key: d.deviceId, value: d })));
  const env = { KAFKA_BROKERS: testEnv.kafkaBrokers.join(','), SCHEMA_REGISTRY_URL: testEnv.registryUrl, KAFKA_TOPIC_PREFIX: prefix, KAFKA_PARTITIONS: '3', RULES_DIR: rulesDir, RULES_RELOAD_MS: '200', LOG_LEVEL: 'info' };
  proc = await startRole({ name: 'processor', role: 'processor', env, logDir: runDir });
  const log = () => readFileSync(join(runDir, 'processor.log'), 'utf8');

  let n = 0;
  const polls = async (count: number) => {
    for (const end = n + count; n < end; n++) await streams.producer.send(streams.topics.rawSnmp, [0, 1, 2].map((d) => ({ key: `dev-${d}`, value: snmpReading(d, n) })));
    await eventually(`the processor at poll ${n}`, () => ([0, 1, 2].every((d) => seen.polls.get(`dev-${d}`) === n) ? true : undefined), 60_000, 50);
  };
  const opened = (deviceId: string) => seen.anomalies.filter((e) => e.deviceId === deviceId && e.state === 'OPEN' && e.detector === 'rule:busy-link');

  // Polls every 10 s of event time; the rate exists from the 2nd, so 20 s above fires at the 4th.
  await polls(6);
  // The anomaly and the metric batches are written in one transaction but to other partitions:
  // the reader may fetch the metrics first.
  await eventually('the core device above the limit', () => (opened('dev-1').length > 0 ? true : undefined), 20_000, 50);
  assert.equal(opened('dev-1').length, 1, 'the core device above the limit, once');
  assert.equal(opened('dev-1')[0].severity, 'CRITICAL');
  assert.equal(opened('dev-1')[0].ts, snmpReading(1, 3).polledAt);
  assert.match(opened('dev-1')[0].reason, /if_in_bps on eth0 .* above .* for 20 s: rule busy-link \(more than 1\.5 Mbit\/s in\)/);
  assert.equal(opened('dev-2').length, 0, 'an edge device is out of scope');
  assert.equal(opened('dev-0').length, 0, 'a core device below the limit');

  // A bad edit (it would scope the rule to edge): refused by line, the core rule stays in force.
  writeFileSync(file, rule('edge').replace('above: 1500000', 'above: lots'));
  await eventually('the refusal in the log', () => (/not valid/.test(log()) ? true : undefined), 20_000, 100);
  assert.match(log(), /mine\.yaml:6: condition\.above must be a number, got \\"lots\\"/);
  await polls(4);
  assert.equal(opened('dev-2').length, 0, 'the bad edit changed nothing');

  // The edit fixed: the rule now watches edge devices.
  writeFileSync(file, rule('edge'));
  await eventually('the reload', () => (/anomaly rules reloaded/.test(log()) ? true : undefined), 20_000, 100);
  await polls(4);
  await eventually('the edge device above the limit after the reload', () => (opened('dev-2').length > 0 ? true : undefined), 20_000, 50);
  assert.equal(opened('dev-2').length, 1, 'the edge device fires once after the reload');
  assert.equal(opened('dev-1').length, 1, 'no second anomaly for the core device');
});
