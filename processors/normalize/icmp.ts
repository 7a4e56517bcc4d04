// normalize (ICMP): one fping probe of a device → path latency, jitter, loss and reachability,
// labelled by the probed address. Loss comes from the counts, so a probe that got no reply at
// all (error ICMP_NO_REPLY, sent > 0, received 0) is loss 1 and unreachable, with no RTT samples.
// A probe that never went out (no fping, bad address, poller closed: sent 0) measured nothing:
// it says so in icmp_probe_ok 0 and claims neither loss nor an outage.
import type { MetricBatch, RawIcmpProbe } from '../../schemas/types.js';
import { batchBuilder } from './batch-builder.js';

export const ICMP_METRICS = {
  rttAvg: 'path_rtt_ms_avg',
  rttMin: 'path_rtt_ms_min',
  rttMax: 'path_rtt_ms_max',
  jitter: 'path_jitter_ms',
  loss: 'path_loss_ratio',
  reachable: 'device_reachable',
  probeOk: 'icmp_probe_ok',
} as const;

export function normalizeIcmp(probe: RawIcmpProbe): MetricBatch {
  const b = batchBuilder(probe.deviceId, 'icmp', probe.sentAt);
  const labels = { target: probe.target };
  const measured = Number.isInteger(probe.sent) && probe.sent > 0;
  b.add(ICMP_METRICS.probeOk, 'ratio', measured ? 1 : 0, labels);
  if (!measured) return b.batch;
  const received = Math.min(Math.max(probe.received, 0), probe.sent); // duplicates never make negative loss
  b.add(ICMP_METRICS.loss, 'ratio', (probe.sent - received) / probe.sent, labels); // not 1 - r/s: 1 - 4/5 is 0.19999999999999996
  b.add(ICMP_METRICS.reachable, 'ratio', received > 0 ? 1 : 0, labels);
  if (received === 0) return b.batch;
  b.add(ICMP_METRICS.rttAvg, 'ms', probe.rttAvgMs, labels);
  b.add(ICMP_METRICS.rttMin, 'ms', probe.rttMinMs, labels);
  b.add(ICMP_METRICS.rttMax, 'ms', probe.rttMaxMs, labels);
  b.add(ICMP_METRICS.jitter, 'ms', probe.jitterMs, labels);
  return b.batch;
}
