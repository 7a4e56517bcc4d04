// Summary statistics of one run's round-trip times. Jitter is the mean absolute difference of
// consecutive RTTs among the replies received, in sending order (RFC 3550's |D(i-1,i)| without
// its 1/16 smoothing: over a short burst a plain mean is the honest figure). The ICMP collector
// computes them and the normaliser's tests build probes with them, so they live outside both.

import type { RawIcmpProbe } from '../schemas/types.js';

/** The summary fields of a RawIcmpProbe. */
export type RttStats = Pick<RawIcmpProbe, 'sent' | 'received' | 'rttMinMs' | 'rttAvgMs' | 'rttMaxMs' | 'jitterMs'>;

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export function rttStats(rtts: ReadonlyArray<number | null>): RttStats {
  const got = rtts.filter((r): r is number => r !== null);
  if (got.length === 0) return { sent: rtts.length, received: 0, rttMinMs: null, rttAvgMs: null, rttMaxMs: null, jitterMs: null };
  let jitter: number | null = null;
  if (got.length >= 2) {
    let sum = 0;
    for (let i = 1; i < got.length; i++) sum += Math.abs(got[i] - got[i - 1]);
    jitter = round3(sum / (got.length - 1));
  }
  return {
    sent: rtts.length,
    received: got.length,
    rttMinMs: Math.min(...got),
    rttAvgMs: round3(got.reduce((a, b) => a + b, 0) / got.length),
    rttMaxMs: Math.max(...got),
    jitterMs: jitter,
  };
}
