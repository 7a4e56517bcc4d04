import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analysisConfig, analysisDefaults } from './config.js';

test('overrides merge over the defaults', () => {
  const c = analysisConfig({ lifecycle: { openScore: 0.6 }, rules: { opticalRxLow: { sensitivityDbmByMetric: { rx_power_sr: -9.9 } } } });
  assert.equal(c.lifecycle.openScore, 0.6);
  assert.equal(c.lifecycle.closeScore, analysisDefaults.lifecycle.closeScore);
  assert.equal(c.rules.opticalRxLow.sensitivityDbmByMetric.rx_power_sr, -9.9);
  assert.equal(c.rules.opticalRxLow.sensitivityDbm, -14);
  assert.equal(analysisDefaults.lifecycle.openScore, 0.5, 'defaults untouched');
});

test('unknown keys and inconsistent values are rejected, naming the key', () => {
  assert.throws(() => analysisConfig({ lifecycle: { openScor: 0.6 } } as never), { code: 'CONFIG_UNKNOWN_KEY', message: /lifecycle\.openScor/ });
  assert.throws(() => analysisConfig({ lifecycle: { closeScore: 0.7 } }), { code: 'CONFIG_INVALID', message: /lifecycle\.closeScore/ });
  assert.throws(() => analysisConfig({ rules: { lossHigh: { forPolls: 0 } } }), { code: 'CONFIG_INVALID', message: /forPolls/ });
  assert.throws(() => analysisConfig({ scoring: { baselineIntervalMs: '1m' as never } }), { code: 'CONFIG_INVALID', message: /scoring\.baselineIntervalMs/ });
  assert.throws(() => analysisConfig({ scoring: { detector: { detect: { warmupMs: -1 } } } }), { code: 'CONFIG_INVALID', message: /scoring\.detector\.detect\.warmupMs/ });
  assert.throws(() => analysisConfig({ rules: { utilisationHigh: { thresholdPercent: 0 } } }), { code: 'CONFIG_INVALID', message: /rules\.utilisationHigh\.thresholdPercent/ });
  assert.throws(() => analysisConfig({ rules: { utilisationHigh: { severity: 'HIGH' as never } } }), { code: 'CONFIG_INVALID', message: /rules\.utilisationHigh\.severity.*MAJOR/ });
});

test('the utilisation rule\'s threshold and duration come from the analysis config', () => {
  const c = analysisConfig({ rules: { utilisationHigh: { thresholdPercent: 80, forPolls: 3 } } });
  assert.deepEqual([c.rules.utilisationHigh.thresholdPercent, c.rules.utilisationHigh.forPolls, c.rules.utilisationHigh.severity], [80, 3, 'MAJOR']);
});
