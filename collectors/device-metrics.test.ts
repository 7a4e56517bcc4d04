import { test } from 'node:test';
import assert from 'node:assert/strict';
import client from 'prom-client';
import { forgetDeviceMetrics } from './device-metrics.js';

test('a device no longer polled leaves /metrics; other devices and other metrics stay', async () => {
  const registry = new client.Registry();
  const last = new client.Gauge({ name: 'last_success', help: 'h', labelNames: ['device'], registers: [registry] });
  const polls = new client.Counter({ name: 'polls_total', help: 'h', labelNames: ['profile'], registers: [registry] });
  last.set({ device: 'r1' }, 1);
  last.set({ device: 'r2' }, 2);
  polls.inc({ profile: 'if' });
  assert.equal(forgetDeviceMetrics('r1', registry), 1);
  const text = await registry.metrics();
  assert.doesNotMatch(text, /device="r1"/);
  assert.match(text, /last_success\{device="r2"\} 2/);
  assert.match(text, /polls_total\{profile="if"\} 1/);
});
