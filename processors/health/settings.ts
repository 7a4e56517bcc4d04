// Settings of the device health score: component weights (renormalised over the components a
// device has), the limits each component scores against, and how often a score is emitted.
import type { AnomalySeverity } from '../../schemas/types.js';

export interface HealthConfig {
  weights: { availability: number; interface_errors: number; optical_margin: number; latency_loss: number; anomalies: number; cpu: number; memory: number; environment: number; utilisation: number };
  /** CPU load series (percent): the busiest scores 100 at or below good, 0 at or above bad. */
  cpuMetrics: string[];
  cpuGoodPercent: number;
  cpuBadPercent: number;
  /** Memory in use series (percent), scored like CPU. */
  memoryMetrics: string[];
  memoryGoodPercent: number;
  memoryBadPercent: number;
  /** Interface utilisation series (percent of line rate), scored like CPU. */
  utilisationMetrics: string[];
  utilisationGoodPercent: number;
  utilisationBadPercent: number;
  /** Fan and power-supply state series (1 normal, 2 warning: 50, 3 and worse: 0; 5 not present). */
  environmentStateMetrics: string[];
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
  weights: { availability: 0.35, interface_errors: 0.15, optical_margin: 0.15, latency_loss: 0.15, anomalies: 0.2, cpu: 0.1, memory: 0.1, environment: 0.15, utilisation: 0.1 },
  cpuMetrics: ['cpu_load_pct'],
  cpuGoodPercent: 70, // a router's control plane with headroom for a routing churn
  cpuBadPercent: 95,
  memoryMetrics: ['memory_used_pct'],
  memoryGoodPercent: 80, // routers run with most of their RAM taken by tables; the last few percent matter
  memoryBadPercent: 95,
  utilisationMetrics: ['if_in_util_pct', 'if_out_util_pct'],
  utilisationGoodPercent: 70, // queues start to build well before 100 %
  utilisationBadPercent: 95,
  environmentStateMetrics: ['env_fan_state', 'env_power_supply_state'],
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
