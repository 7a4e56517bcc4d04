// Axis ticks: short, and never two alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAxisValues } from './format.js';

test('axis ticks stay short, and take decimals only when two would read the same', () => {
  assert.deepEqual(formatAxisValues([0, 500_000, 1_000_000, 1_500_000]), ['0', '500k', '1M', '1.5M']);
  // A narrow range of a 52 Mb/s link: "52.6M" twice before.
  assert.deepEqual(formatAxisValues([52_550_000, 52_600_000, 52_650_000, 52_700_000]), ['52.55M', '52.6M', '52.65M', '52.7M']);
  assert.deepEqual(formatAxisValues([-12.05, -12.1, -12.15]), ['-12.05', '-12.1', '-12.15']);
  assert.deepEqual(formatAxisValues([]), []);
});
