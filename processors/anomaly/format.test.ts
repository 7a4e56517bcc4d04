import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, formatValue } from './format.js';
import { HOUR_MS } from '../../common/time-units.js';

test('values print with their unit, SI prefixes for rates, two decimals for dBm', () => {
  assert.equal(formatValue(9.1e8, 'bps'), '910 Mbps');
  assert.equal(formatValue(4e8, 'bps'), '400 Mbps');
  assert.equal(formatValue(1234, 'pps'), '1.23 kpps');
  assert.equal(formatValue(-13.1649, 'dBm'), '-13.16 dBm');
  assert.equal(formatValue(20.25, 'ms'), '20.25 ms');
  assert.equal(formatValue(0, 'ratio'), '0');
  assert.equal(formatValue(0.000135219, 'pps'), '0.0001352 pps');
});

test('durations read naturally', () => {
  assert.equal(formatDuration(90_000), '90 s');
  assert.equal(formatDuration(600_000), '10 min');
  assert.equal(formatDuration(6 * HOUR_MS), '6 h');
});
