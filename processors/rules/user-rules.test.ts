// File rules through the analysis: scope (device, role, site, interface), the three kinds of
// condition, the duration in event time, and the anomaly lifecycle they drive.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRuleFile } from '../../devices/rule-file.js';
import { loadRuleSet } from '../../devices/rule-set.js';
import type { AnomalyEvent, MetricBatch } from '../../schemas/types.js';
import { analyseBatch, type DeviceAnalysisState } from '../anomaly/analyse.js';
import { analysisConfig } from '../anomaly/config.js';
import { seriesKey } from '../normalize/series-key.js';
import type { DeviceFacts } from './user-rules.js';

const T0 = Date.UTC(2026, 11, 1);
const devices = new Map<string, DeviceFacts>([['core-1', { role: 'core', site: 'ams1' }], ['edge-1', { role: 'edge', site: 'ams1' }]]);

function run(rulesYaml: string, deviceId: string, metric: string, labels: Record<string, string>, values: number[], unit = '%'): AnomalyEvent[] {
  const config = { ...analysisConfig(), userRules: { rules: parseRuleFile(rulesYaml, 'r.yaml'), devices } };
  let state: DeviceAnalysisState | undefined;
  const events: AnomalyEvent[] = [];
  values.forEach((value, n) => {
    const batch: MetricBatch = { deviceId, source: 'snmp', ts: T0 + n * 60_000, samples: [{ seriesKey: seriesKey(deviceId, metric, labels), metric, labels, unit, value }] };
    const out = analyseBatch(state, batch, config);
    state = out.deviceState;
    events.push(...out.anomalies.filter((e) => e.detector.startsWith('rule:')));
  });
  return events;
}

const cpu = (scope: string, extra = '') => `rules:\n  - { name: cpu-hot, metric: cpu_load_pct, ${scope} condition: { above: 90 }, severity: MAJOR${extra} }\n`;

test('above for a duration: fires once the condition held that long, closes when it ends', () => {
  const events = run(cpu('', ', for: 2m'), 'core-1', 'cpu_load_pct', { hrDeviceIndex: '768' }, [50, 95, 96, 97, 98, 40, 40, 40, 40, 40]);
  const open = events.find((e) => e.state === 'OPEN')!;
  assert.equal(open.ts, T0 + 3 * 60_000, 'violating from the 2nd sample, 2 minutes later the 4th fires');
  assert.deepEqual([open.detector, open.severity], ['rule:cpu-hot', 'MAJOR']);
  assert.match(open.reason, /cpu_load_pct on 768 97 % above 90 % for 2 min: rule cpu-hot/);
  assert.ok(events.some((e) => e.state === 'CLOSE' && e.anomalyId === open.anomalyId));
  assert.equal(run(cpu('', ', for: 2m'), 'core-1', 'cpu_load_pct', {}, [95, 96, 40, 95, 96, 40]).length, 0, 'interrupted violations restart the clock');
});

test('scope: role and site from the inventory, device globs, an interface pattern', () => {
  const hot = [95, 95];
  assert.equal(run(cpu('scope: { role: core },'), 'core-1', 'cpu_load_pct', {}, hot).length, 1);
  assert.equal(run(cpu('scope: { role: core },'), 'edge-1', 'cpu_load_pct', {}, hot).length, 0, 'another role');
  assert.equal(run(cpu('scope: { site: [ams1] },'), 'edge-1', 'cpu_load_pct', {}, hot).length, 1);
  assert.equal(run(cpu('scope: { role: core },'), 'unknown-9', 'cpu_load_pct', {}, hot).length, 0, 'a device the inventory does not hold has no role');
  assert.equal(run(cpu('scope: { device: ["edge-*"] },'), 'edge-1', 'cpu_load_pct', {}, hot).length, 1);
  assert.equal(run(cpu('scope: { device: ["edge-*"] },'), 'core-1', 'cpu_load_pct', {}, hot).length, 0);
  const util = (ifName: string) => run("rules:\n  - { name: uplink-full, metric: if_in_util_pct, scope: { interface: 'xe-.*' }, condition: { above: 80 }, severity: CRITICAL }\n", 'core-1', 'if_in_util_pct', { ifName }, [85]);
  assert.equal(util('xe-0/0/1')[0]?.severity, 'CRITICAL');
  assert.equal(util('ge-0/0/1').length, 0);
});

test('rate of change and states', () => {
  const rising = "rules:\n  - { name: heating, metric: env_temperature_c, condition: { rateAbove: 5, per: 1m }, severity: WARNING }\n";
  const events = run(rising, 'core-1', 'env_temperature_c', { sensor: '1' }, [30, 31, 32, 40], 'celsius');
  assert.equal(events.length, 1);
  assert.equal(events[0].ts, T0 + 3 * 60_000);
  assert.match(events[0].reason, /changing \+8\.00 per 60 s \(40 celsius\), above 5 per 60 s/);
  const fans = loadRuleSet().rules;
  const config = { ...analysisConfig(), userRules: { rules: fans, devices } };
  const labels = { sensor: '4' };
  const out = analyseBatch(undefined, { deviceId: 'core-1', source: 'snmp', ts: T0, samples: [{ seriesKey: seriesKey('core-1', 'env_fan_state', labels), metric: 'env_fan_state', labels, unit: 'state', value: 3 }] }, config);
  assert.deepEqual(out.anomalies.map((e) => [e.state, e.detector, e.severity]), [['OPEN', 'rule:fan-failed', 'MAJOR']], 'the built-in fan rule');
});
