import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rulesDefaults } from '../rules/settings.js';
import { computeHealth, healthDue, rememberHealth, type HealthSeries } from './health.js';
import { healthDefaults as cfg } from './settings.js';

const ts = 1_763_000_000_000;
const s = (metric: string, unit: string, value: number, labels: Record<string, string> = {}, more: Partial<HealthSeries> = {}): HealthSeries => ({
  metric, unit, value, labels, ts, expected: null, upper: null, seenUp: metric === 'if_oper_up' && value === 1, openSeverity: null, ...more,
});
const health = (series: HealthSeries[]) => computeHealth('r1', ts, series, cfg, rulesDefaults);
const component = (h: ReturnType<typeof health>, name: string) => h.components.find((c) => c.name === name);

test('a healthy device scores 100; missing components are left out and weights renormalised', () => {
  const h = health([s('device_up', 'ratio', 1), s('if_oper_up', 'ratio', 1, { ifName: 'eth0' })]);
  assert.equal(h.score, 100);
  assert.deepEqual(h.components.map((c) => c.name), ['availability', 'anomalies']);
  assert.ok(Math.abs(h.components.reduce((t, c) => t + c.weight, 0) - 1) < 1e-12);
  assert.equal(component(h, 'availability')!.weight, 0.35 / 0.55);
});

test('a device not answering scores 0; a down port costs its share of availability', () => {
  assert.equal(health([s('device_up', 'ratio', 0)]).score, 0);
  const h = health([
    s('device_up', 'ratio', 1),
    s('if_oper_up', 'ratio', 1, { ifName: 'eth0' }),
    s('if_oper_up', 'ratio', 0, { ifName: 'eth1' }, { seenUp: true }),
    s('if_oper_up', 'ratio', 0, { ifName: 'eth9' }), // never up: unused
  ]);
  assert.equal(component(h, 'availability')!.score, 50);
  assert.equal(component(h, 'availability')!.detail, '1 of 2 interfaces down (eth1)');
});

test('a port an operator shut (admin down) does not count against availability', () => {
  const h = health([
    s('device_up', 'ratio', 1),
    s('if_oper_up', 'ratio', 1, { ifName: 'eth0' }),
    s('if_admin_up', 'ratio', 0, { ifName: 'eth1' }),
    s('if_oper_up', 'ratio', 0, { ifName: 'eth1' }, { seenUp: true }),
  ]);
  assert.equal(component(h, 'availability')!.score, 100);
});

test('optical margin, interface errors, latency and loss, open anomalies', () => {
  const h = health([
    s('device_up', 'ratio', 1),
    s('rx_power', 'dBm', -12.5, { ifName: 'xe-0/0/1' }),
    s('rx_power', 'dBm', -5, { ifName: 'xe-0/0/0' }),
    s('if_in_pps', 'pps', 9_900, { ifName: 'eth0' }),
    s('if_in_errors_ps', 'pps', 100, { ifName: 'eth0' }),
    s('icmp_loss_pct', '%', 5, { target: 'core' }),
    s('icmp_rtt_ms', 'ms', 30, { target: 'core' }, { expected: 20, upper: 25 }),
    s('if_in_bps', 'bps', 1, { ifName: 'eth0' }, { openSeverity: 'MAJOR' }),
    s('if_out_bps', 'bps', 1, { ifName: 'eth0' }, { openSeverity: 'WARNING' }),
  ]);
  assert.equal(component(h, 'optical_margin')!.score, 25); // 1.5 dB of the 6 dB wanted
  assert.match(component(h, 'optical_margin')!.detail!, /weakest Rx xe-0\/0\/1 -12\.50 dBm, 1\.5 dB above sensitivity/);
  assert.equal(component(h, 'interface_errors')!.score, 0); // 1 % of packets in error
  assert.equal(component(h, 'latency_loss')!.score, 75); // loss 5 % of the 20 % that scores 0
  assert.equal(component(h, 'anomalies')!.score, 70);
  assert.equal(component(h, 'anomalies')!.detail, 'open anomalies: 1 MAJOR, 1 WARNING');
  assert.ok(h.score > 0 && h.score < 100);
});

test('optical margin is measured to the transceiver\'s own low alarm threshold when it reports one', () => {
  const rx = { ifName: 'et-0/0/1', direction: 'rx' };
  const h = health([s('device_up', 'ratio', 1), s('optical_rx_low_alarm_dbm', 'dBm', -20, rx), s('optical_rx_dbm', 'dBm', -17, rx)]);
  assert.equal(component(h, 'optical_margin')!.score, 50, '3 dB above its -20 dBm alarm of the 6 dB good margin');
  assert.match(component(h, 'optical_margin')!.detail!, /3\.0 dB above sensitivity -20\.00 dBm/);
  const global = health([s('device_up', 'ratio', 1), s('optical_rx_dbm', 'dBm', -17, rx)]);
  assert.equal(component(global, 'optical_margin')!.score, 0, 'below the global -14 dBm');
});

test('CPU, memory, utilisation and environment components: the busiest processor and link, any fan or supply not normal', () => {
  const h = health([
    s('device_up', 'ratio', 1),
    s('cpu_load_pct', '%', 30, { hrDeviceIndex: '768' }),
    s('cpu_load_pct', '%', 90, { hrDeviceIndex: '769' }),
    s('memory_used_pct', '%', 92, { storage: 'Physical memory' }),
    s('if_in_util_pct', '%', 12, { ifName: 'et-0/0/0' }),
    s('if_out_util_pct', '%', 82, { ifName: 'et-0/0/1' }),
    s('env_fan_state', 'state', 1, { sensor: '1' }),
    s('env_fan_state', 'state', 3, { sensor: '4' }),
    s('env_power_supply_state', 'state', 5, { sensor: '2' }), // empty slot
  ]);
  assert.equal(component(h, 'cpu')!.score, 20, '90 % between good 70 and bad 95');
  assert.equal(component(h, 'cpu')!.detail, 'cpu_load_pct 769 at 90 %');
  assert.equal(component(h, 'memory')!.score, 20, '92 % between good 80 and bad 95');
  assert.equal(component(h, 'memory')!.detail, 'memory_used_pct Physical memory at 92 %');
  assert.equal(component(h, 'utilisation')!.score, 52);
  assert.equal(component(h, 'utilisation')!.detail, 'if_out_util_pct on et-0/0/1 at 82.0 % of line rate');
  assert.equal(component(h, 'environment')!.score, 0);
  assert.equal(component(h, 'environment')!.detail, 'fan 4 state 3 (1 is normal)');
  const quiet = health([s('device_up', 'ratio', 1), s('cpu_load_pct', '%', 20, { hrDeviceIndex: '768' }), s('env_fan_state', 'state', 1, { sensor: '1' })]);
  assert.deepEqual([component(quiet, 'cpu')!.score, component(quiet, 'environment')!.score, component(quiet, 'environment')!.detail], [100, 100, null]);
  assert.equal(component(quiet, 'utilisation'), undefined, 'no utilisation series: left out');
});

test('a dark port reads "below sensitivity", never a negative "above"', () => {
  const h = health([s('device_up', 'ratio', 1), s('rx_power', 'dBm', -40, { ifName: 'et-0/0/5' })]);
  assert.equal(component(h, 'optical_margin')!.score, 0);
  assert.match(component(h, 'optical_margin')!.detail!, /weakest Rx et-0\/0\/5 -40\.00 dBm, 26\.0 dB below sensitivity -14\.00 dBm/);
  assert.doesNotMatch(component(h, 'optical_margin')!.detail!, /-[\d.]+ dB above/);
});

test('stale series are ignored', () => {
  const h = health([s('device_up', 'ratio', 1), s('rx_power', 'dBm', -20, {}, { ts: ts - cfg.staleMs - 1 })]);
  assert.equal(component(h, 'optical_margin'), undefined);
});

test('emission: first score, big moves at once, small moves after minIntervalMs, heartbeat', () => {
  const a = health([s('device_up', 'ratio', 1)]);
  const never = { at: -1, score: 0, components: {} };
  assert.ok(healthDue(never, a, cfg));
  const mem = rememberHealth(a);
  const later = (dt: number, score: number) => ({ ...a, ts: ts + dt, score, components: a.components.map((c) => ({ ...c, score })) });
  assert.ok(!healthDue(mem, later(1_000, 99.5), cfg), 'tiny change');
  assert.ok(!healthDue(mem, later(1_000, 95), cfg), 'small change, too soon');
  assert.ok(healthDue(mem, later(cfg.minIntervalMs, 95), cfg));
  assert.ok(healthDue(mem, later(1_000, 50), cfg), 'big change at once');
  assert.ok(healthDue(mem, later(cfg.heartbeatMs, 100), cfg), 'heartbeat');
  assert.ok(!healthDue(mem, later(-1, 50), cfg), 'older than the last emitted');
});
