// ICMP: probes shaped as collectors/icmp/poller.ts returns them (devices/rtt-stats.ts figures, the
// ICMP_NO_REPLY 100 % loss probe with its counts, a probe that never went out).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MetricBatch, RawIcmpProbe } from '../../schemas/types.js';
import { rttStats } from '../../devices/rtt-stats.js';
import { lossPercent } from '../rules/rules.js';
import { healthDefaults } from '../health/settings.js';
import { rulesDefaults } from '../rules/settings.js';
import { normalizeIcmp } from './icmp.js';

function probe(rttsMs: Array<number | null>, error: RawIcmpProbe['error'] = null): RawIcmpProbe {
  return { deviceId: 'lab-r1', collectorId: 'c1', target: '10.20.0.1', sentAt: 1_763_900_000_000, ...rttStats(rttsMs), rttsMs, error };
}
const value = (b: MetricBatch, metric: string) => b.samples.find((s) => s.metric === metric)?.value;

test('replies: rtt avg/min/max and jitter in ms, loss as a 0..1 ratio, reachable, labelled by target', () => {
  const b = normalizeIcmp(probe([10.2, null, 12.4, 11.0, 10.6]));
  assert.equal(b.source, 'icmp');
  assert.equal(b.ts, 1_763_900_000_000);
  assert.equal(value(b, 'path_rtt_ms_avg'), 11.05);
  assert.equal(value(b, 'path_rtt_ms_min'), 10.2);
  assert.equal(value(b, 'path_rtt_ms_max'), 12.4);
  assert.equal(value(b, 'path_jitter_ms'), rttStats([10.2, 12.4, 11.0, 10.6]).jitterMs);
  assert.equal(value(b, 'path_loss_ratio'), 0.2);
  assert.equal(value(b, 'device_reachable'), 1);
  assert.equal(value(b, 'icmp_probe_ok'), 1);
  for (const s of b.samples) {
    assert.deepEqual(s.labels, { target: '10.20.0.1' });
    assert.equal(s.unit, s.metric.startsWith('path_rtt') || s.metric === 'path_jitter_ms' ? 'ms' : 'ratio', s.metric);
  }
  const loss = b.samples.find((s) => s.metric === 'path_loss_ratio')!;
  assert.equal(loss.seriesKey, 'lab-r1/path_loss_ratio{target=10.20.0.1}');
  assert.equal(lossPercent(loss, rulesDefaults.lossHigh.metricPattern), 20, 'the loss rule reads it as 20 %');
  const latency = new RegExp(healthDefaults.latencyPattern);
  assert.ok(['path_rtt_ms_avg', 'path_rtt_ms_min', 'path_rtt_ms_max'].every((m) => latency.test(m)) && !latency.test('path_jitter_ms'), 'health reads RTTs as latency');
});

test('100 % loss (ICMP_NO_REPLY, counts still there): loss 1, unreachable, no RTT samples', () => {
  const b = normalizeIcmp(probe([null, null, null], { code: 'ICMP_NO_REPLY', message: 'device lab-r1 (10.20.0.1): no reply to 3 echo requests' }));
  assert.deepEqual(
    b.samples.map((s) => [s.metric, s.value]).sort(),
    [['device_reachable', 0], ['icmp_probe_ok', 1], ['path_loss_ratio', 1]],
  );
});

test('a probe that never went out measured nothing: icmp_probe_ok 0, neither loss nor an outage', () => {
  const b = normalizeIcmp(probe([], { code: 'ICMP_FPING_MISSING', message: 'fping not found' }));
  assert.deepEqual(b.samples.map((s) => [s.metric, s.value]), [['icmp_probe_ok', 0]]);
});

test('one reply: no jitter sample (null), never NaN; IPv6 target keeps its address as the label', () => {
  const b = normalizeIcmp({ ...probe([0.8, null]), target: '2001:db8::1' });
  assert.equal(value(b, 'path_jitter_ms'), undefined);
  assert.equal(value(b, 'path_loss_ratio'), 0.5);
  assert.equal(b.samples.find((s) => s.metric === 'path_rtt_ms_avg')!.seriesKey, 'lab-r1/path_rtt_ms_avg{target=2001:db8::1}');
  for (const s of b.samples) assert.ok(Number.isFinite(s.value));
  const odd = normalizeIcmp({ ...probe([1, 2]), rttAvgMs: Number.NaN, received: 3 }); // duplicates: received > sent
  assert.equal(value(odd, 'path_rtt_ms_avg'), undefined);
  assert.equal(value(odd, 'path_loss_ratio'), 0);
});
