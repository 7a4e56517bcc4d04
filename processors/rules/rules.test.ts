import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateRules, isOpticalRx, lossPercent, rememberSample } from './rules.js';
import { rulesDefaults as cfg, type RulesConfig } from './settings.js';

const s = (metric: string, unit: string, value: number, labels: Record<string, string> = {}) => ({ metric, unit, value, labels });
const fresh = { seenUp: false };
const wasUp = { seenUp: true };
const admin = (adminUp: boolean) => ({ adminUp, rxThresholds: null });
const limits = (lowAlarm: number | null, lowWarn: number | null, highWarn: number | null, highAlarm: number | null) => ({ adminUp: null, rxThresholds: { lowAlarm, lowWarn, highWarn, highAlarm } });

test('optical Rx: warning within the margin, MAJOR below sensitivity, CRITICAL with no light; Tx is not watched', () => {
  assert.equal(evaluateRules(s('rx_power', 'dBm', -8, { ifName: 'xe-0/0/0' }), fresh, cfg), null);
  const warn = evaluateRules(s('rx_power', 'dBm', -12.5, { ifName: 'xe-0/0/0' }), fresh, cfg)!;
  assert.equal(warn.severity, 'WARNING');
  assert.match(warn.reason, /rx_power on xe-0\/0\/0 -12\.50 dBm only 1\.5 dB above receiver sensitivity -14\.00 dBm/);
  const major = evaluateRules(s('optical_power', 'dBm', -15.2, { direction: 'rx', port: '1/1' }), fresh, cfg)!;
  assert.deepEqual([major.rule, major.severity], ['optical-rx-low', 'MAJOR']);
  assert.match(major.reason, /below receiver sensitivity -14\.00 dBm by 1\.2 dB/);
  assert.equal(evaluateRules(s('rx_power', 'dBm', -40), fresh, cfg)!.severity, 'CRITICAL');
  assert.equal(evaluateRules(s('tx_power', 'dBm', -40), fresh, cfg), null);
  assert.equal(evaluateRules(s('optical_power', 'dBm', -40, { direction: 'tx' }), fresh, cfg), null);
  assert.ok(isOpticalRx(s('OPR', 'dBm', 0)), 'Ciena PM optical power received');
});

test('optical sensitivity per metric overrides the default', () => {
  const sr: RulesConfig = { ...cfg, opticalRxLow: { ...cfg.opticalRxLow, sensitivityDbmByMetric: { rx_power_sr: -9.9 } } };
  assert.equal(evaluateRules(s('rx_power_sr', 'dBm', -10.5), fresh, sr)!.severity, 'MAJOR');
  assert.equal(evaluateRules(s('rx_power', 'dBm', -10.5), fresh, sr), null);
});

test('optical Rx against the transceiver\'s own limits when it reports them, the global sensitivity only without', () => {
  const own = limits(-20, -17, 0.5, 2.5); // a long-reach optic: far more sensitive than the -14 dBm default
  const rx = (v: number) => s('optical_rx_dbm', 'dBm', v, { ifName: 'et-0/0/1', direction: 'rx' });
  assert.equal(evaluateRules(rx(-15), fresh, cfg, own), null, 'MAJOR by the global -14 dBm, fine by its own -17 dBm warning');
  assert.equal(evaluateRules(rx(-15), fresh, cfg)!.severity, 'MAJOR', 'without limits: the global sensitivity');
  const warn = evaluateRules(rx(-18), fresh, cfg, own)!;
  assert.deepEqual([warn.rule, warn.severity, warn.lower, warn.upper], ['optical-rx-low', 'WARNING', -17, 0.5]);
  assert.match(warn.reason, /optical_rx_dbm on et-0\/0\/1 -18\.00 dBm below the transceiver's low warning threshold -17\.00 dBm by 1\.0 dB/);
  assert.equal(evaluateRules(rx(-21), fresh, cfg, own)!.severity, 'MAJOR');
  assert.match(evaluateRules(rx(-21), fresh, cfg, own)!.reason, /low alarm threshold -20\.00 dBm/);
  assert.equal(evaluateRules(rx(-40), fresh, cfg, own)!.severity, 'CRITICAL', 'no light whatever the limits');
  assert.equal(evaluateRules(rx(1), fresh, cfg, own)!.severity, 'WARNING');
  assert.match(evaluateRules(rx(3), fresh, cfg, own)!.reason, /above the transceiver's high alarm threshold 2\.50 dBm: receiver overload/);
  // Alarm limits only (Ciena reports no warnings): below the alarm is MAJOR, above it nothing.
  const alarmsOnly = limits(-12, null, null, 1);
  assert.equal(evaluateRules(rx(-11.9), fresh, cfg, alarmsOnly), null);
  assert.equal(evaluateRules(rx(-12.1), fresh, cfg, alarmsOnly)!.severity, 'MAJOR');
  // High limits only say nothing about a weak signal: the global sensitivity still judges the low side.
  assert.equal(evaluateRules(rx(-15), fresh, cfg, limits(null, null, 0.5, 2.5))!.severity, 'MAJOR');
  assert.equal(isOpticalRx(s('optical_rx_low_alarm_dbm', 'dBm', -20, { direction: 'rx' })), false, 'a limit is not a reading');
});

test('loss: percent or ratio against the limits', () => {
  assert.equal(lossPercent(s('icmp_loss_ratio', 'ratio', 0.25), cfg.lossHigh.metricPattern), 25);
  assert.equal(lossPercent(s('if_in_bps', 'bps', 1), cfg.lossHigh.metricPattern), null);
  assert.equal(evaluateRules(s('icmp_loss_pct', '%', 1), fresh, cfg), null);
  const minor = evaluateRules(s('icmp_loss_pct', '%', 5, { target: 'core-1' }), fresh, cfg)!;
  assert.deepEqual([minor.rule, minor.severity, minor.forPolls], ['loss-high', 'MINOR', 2]);
  assert.match(minor.reason, /icmp_loss_pct to core-1 5\.0 % above the 2 % limit/);
  assert.equal(evaluateRules(s('icmp_loss_ratio', 'ratio', 0.5), fresh, cfg)!.severity, 'MAJOR');
  assert.equal(evaluateRules(s('icmp_loss_ratio', 'ratio', 1), fresh, cfg)!.severity, 'CRITICAL');
});

test('interface down only after the port was seen up; device down always', () => {
  assert.equal(evaluateRules(s('if_oper_up', 'ratio', 0, { ifName: 'eth9' }), fresh, cfg), null, 'never up: unused port');
  const down = evaluateRules(s('if_oper_up', 'ratio', 0, { ifName: 'eth1' }), wasUp, cfg)!;
  assert.deepEqual([down.rule, down.severity], ['interface-down', 'MAJOR']);
  assert.equal(evaluateRules(s('if_oper_up', 'ratio', 1, { ifName: 'eth1' }), wasUp, cfg), null);
  const dev = evaluateRules(s('device_up', 'ratio', 0), fresh, cfg)!;
  assert.deepEqual([dev.rule, dev.severity, dev.forPolls], ['device-down', 'CRITICAL', 2]);
  assert.deepEqual(rememberSample(fresh, s('if_oper_up', 'ratio', 1)), wasUp);
  assert.equal(rememberSample(fresh, s('if_oper_up', 'ratio', 0)), fresh);
});

test('interface down needs admin up: a port an operator shut is not an anomaly, whatever it was before', () => {
  const oper0 = s('if_oper_up', 'ratio', 0, { ifName: 'eth1' });
  assert.equal(evaluateRules(oper0, wasUp, cfg, admin(false)), null, 'admin down: shut on purpose');
  const failed = evaluateRules(oper0, wasUp, cfg, admin(true))!;
  assert.equal(failed.rule, 'interface-down');
  assert.match(failed.reason, /eth1 operationally down \(if_oper_up 0\), admin up/);
  assert.equal(evaluateRules(oper0, fresh, cfg, admin(true)), null, 'admin up but never seen up: an unplugged spare');
  const anySpare: RulesConfig = { ...cfg, interfaceDown: { ...cfg.interfaceDown, requireSeenUp: false } };
  assert.equal(evaluateRules(oper0, fresh, anySpare, admin(true))!.rule, 'interface-down');
  assert.equal(evaluateRules(oper0, fresh, anySpare, admin(false)), null);
});

test('utilisation above the threshold is a rule hit after its configured polls', () => {
  assert.equal(evaluateRules(s('if_in_util_pct', '%', 90, { ifName: 'et-0/0/1' }), fresh, cfg), null, 'at the limit is not above it');
  const hit = evaluateRules(s('if_out_util_pct', '%', 97.25, { ifName: 'et-0/0/1' }), fresh, cfg)!;
  assert.deepEqual([hit.rule, hit.severity, hit.forPolls, hit.upper], ['utilisation-high', 'MAJOR', 5, 90]);
  assert.match(hit.reason, /if_out_util_pct on et-0\/0\/1 97\.3 % of line rate, above the 90 % limit for 5 poll\(s\)/);
  const strict: RulesConfig = { ...cfg, utilisationHigh: { ...cfg.utilisationHigh, thresholdPercent: 50, forPolls: 2, severity: 'MINOR' } };
  assert.deepEqual(Object.values(evaluateRules(s('if_in_util_pct', '%', 60), fresh, strict)!).slice(0, 2), ['utilisation-high', 'MINOR']);
});

test('a disabled rule never fires', () => {
  const off: RulesConfig = { ...cfg, deviceDown: { ...cfg.deviceDown, enabled: false } };
  assert.equal(evaluateRules(s('device_up', 'ratio', 0), fresh, off), null);
});
