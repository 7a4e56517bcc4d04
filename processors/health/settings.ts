// Settings of the device health score: component weights (renormalised over the components a
// device has), the limits each component scores against, and how often a score is emitted.
import type { AnomalySeverity } from '../../schemas/types.js';

export interface HealthConfig {
  weights: { availability: number; interface_errors: number; optical_margin: number; latency_loss: number; anomalies: number };
  /** Samples older than this (event time, against the batch) are ignored: a source stopped reporting. */
  staleMs: number;
  /** Error ratio (errors / (packets + errors)) scoring 100 at or below, 0 at or above; log-linear between. */
  errorRatioGood: number;
  errorRatioBad: number;
  /** Rx margin above sensitivity scoring 100 at or above; 0 at or below 0 dB. */
  opticalMarginGoodDb: number;
  /** Loss scoring 0 at or above this percent (linear from 0 %). */
  lossBadPercent: number;
  /** Latency above the baseline's upper bound by this fraction of expected scores 0 (linear). */
  latencyBadExcess: number;
  /** Latency series: unit ms and this pattern (snmp_poll_ms is the collector's, not the network's). */
  latencyPattern: string;
  /** Points taken off the anomalies component per open anomaly, by severity. */
  anomalyPenalty: Record<AnomalySeverity, number>;
  /**
   * Emit when the score moved by minChange (or a component by bigChange, or one came or went), at
   * most every minIntervalMs; at once when the score moved by bigChange; at least every heartbeatMs.
   */
  minChange: number;
  bigChange: number;
  minIntervalMs: number;
  heartbeatMs: number;
}

export const healthDefaults: HealthConfig = {
  weights: { availability: 0.35, interface_errors: 0.15, optical_margin: 0.15, latency_loss: 0.15, anomalies: 0.2 },
  staleMs: 15 * 60_000, // 15 min
  errorRatioGood: 1e-6,
  errorRatioBad: 1e-2,
  opticalMarginGoodDb: 6,
  lossBadPercent: 20,
  latencyBadExcess: 1,
  latencyPattern: '(^|_)(rtt|latency)(_|$)',
  anomalyPenalty: { INFO: 0, WARNING: 5, MINOR: 10, MAJOR: 25, CRITICAL: 50 },
  minChange: 1,
  bigChange: 10,
  minIntervalMs: 30_000, // 30 s
  heartbeatMs: 10 * 60_000, // 10 min
};
