// Settings of the per-series scoring and the anomaly lifecycle. Durations are event time.
import { detectorDefaults, type DetectorSettings } from '../detect/detect.js';
import { HOUR_MS } from '../../common/time-units.js';

export interface LifecycleSettings {
  /** A detector score at or above this opens an anomaly (NAB-optimal alarm level is ~0.08 since the learnt tail, ~0.23 before: this pages on clearer cases). */
  openScore: number;
  /** While open, a score at or above this keeps it open (hysteresis: lower than openScore). */
  closeScore: number;
  /** Closing needs this many consecutive normal samples AND this much event time since the first of them. */
  closeQuietPolls: number;
  closeQuietMs: number;
  /**
   * Flap suppression. A series that triggers again within flapCooldownMs of its CLOSE re-opens the
   * same anomaly (an UPDATE with the same anomalyId, "flapping" in its reason) instead of paging
   * with a new OPEN; a re-opened anomaly then needs flapQuietMs of quiet to close.
   */
  flapCooldownMs: number;
  flapQuietMs: number;
  /** UPDATE at most this often, except when severity rises above the anomaly's peak (immediate). */
  updateMinIntervalMs: number;
  /** An UPDATE for the extreme value needs the deviation from expected to grow by this fraction. */
  extremeGrowth: number;
  /**
   * An anomaly only the detector holds open (no rule firing) closes after this long: a lasting
   * level shift is then the new normal that the baseline will learn. 0 disables.
   */
  detectorMaxOpenMs: number;
  /** Severity of detector anomalies by peak score: [MINOR at, MAJOR at]; below them WARNING. */
  minorScore: number;
  majorScore: number;
}

export const lifecycleDefaults: LifecycleSettings = {
  openScore: 0.5,
  closeScore: 0.2,
  closeQuietPolls: 3,
  closeQuietMs: 120_000, // 2 min
  flapCooldownMs: 15 * 60_000, // 15 min
  flapQuietMs: 15 * 60_000, // 15 min
  updateMinIntervalMs: 60_000, // 1 min
  extremeGrowth: 0.25,
  detectorMaxOpenMs: 6 * HOUR_MS,
  minorScore: 0.75,
  majorScore: 0.9,
};

export interface ScoringSettings {
  detector: DetectorSettings;
  /** Metrics not scored by the detector: monotonic counters, configuration values, 0/1 availability (the rules watch those). */
  excludeMetrics: string[];
  /**
   * The collector's own measurements (how long a poll took): operational metrics of the pipeline,
   * stored and charted like any metric (and in Prometheus as oc_snmp_poll_duration_seconds) but
   * not scored, so a slow poll at start-up or under load is not a device anomaly on the wall.
   * A user who wants alarms on them removes them from this list (e.g. `operationalMetrics: []`).
   */
  operationalMetrics: string[];
  /**
   * Baseline records (telemetry.baselines) are change-driven (baseline-emission.ts): consumers
   * keep only the latest per series, so a record repeating the band is wasted work end to end.
   * At most one per series per baselineIntervalMs, and only when the band moved since the last one:
   */
  baselineIntervalMs: number;
  /** ...its expected value by more than this many of the last record's spreads, */
  baselineMoveSpreads: number;
  /** ...or its spread by more than this fraction (or the model switched rolling ↔ seasonal); */
  baselineSpreadChange: number;
  /** otherwise once per this much event time, so the latest record is never older than that. */
  baselineHeartbeatMs: number;
  /**
   * Smallest spread the baseline assumes, by metric name or else by unit: the resolution below
   * which a change is noise. A flat series (error counters at 0, a steady optic) otherwise has a
   * spread near 0, and a 0.2 dB wobble or one error a second would be "millions of spreads" away:
   * an anomaly, and one the detector then remembers as the series' normal "unusual", hiding the
   * next real one. The detector needs ~7 spreads of evidence, so a floor f ignores changes
   * below ~7f. Applied as the baseline's absoluteSpreadFloor for that series.
   */
  spreadFloor: Record<string, number>;
  /**
   * Units of quantities that cannot be negative (latency, durations, rates, counts, percentages,
   * currents, voltages): their expected value and band are clipped at 0, so a baseline never
   * implies an impossible value ("band -70 ms to 144 ms"). The detector's decision is unchanged
   * by it: no sample of such a series lies below 0.
   */
  nonNegativeUnits: string[];
}

export const scoringDefaults: ScoringSettings = {
  detector: detectorDefaults,
  // Availability and collection-status series are judged by rules, not by the detector.
  excludeMetrics: ['sys_uptime_s', 'if_speed_bps', 'device_up', 'if_oper_up', 'if_admin_up', 'device_reachable', 'icmp_probe_ok', 'ssh_collect_ok', 'ciena_collect_ok', 'optical_laser_on', 'mcp_synchronized', 'alarms_active', 'optical_rx_low_alarm_dbm', 'optical_rx_low_warn_dbm', 'optical_rx_high_warn_dbm', 'optical_rx_high_alarm_dbm'],
  operationalMetrics: ['snmp_poll_ms'],
  baselineIntervalMs: 60_000, // 1 min: what the wall's band refresh (1 min) can show anyway
  // A quarter of a spread is well inside the band (±3 spreads): a move consumers could see on a
  // chart, while a steady series' EW mean drifts by far less between polls. A 25 % wider or
  // narrower band is likewise visible; smaller breathing of the variance estimate is not.
  baselineMoveSpreads: 0.25,
  baselineSpreadChange: 0.25,
  // 15 min: a steady series costs 4 records an hour instead of 60, and the sampleCount and ts of
  // the latest record stay current enough to tell a live series from a forgotten one.
  baselineHeartbeatMs: 15 * 60_000,
  spreadFloor: { dBm: 0.3, dB: 0.3, ms: 0.5, '%': 0.3, ratio: 0.003, pps: 0.3, celsius: 1, mA: 0.5, V: 0.05, count: 1 },
  // Not dBm/dB (logarithmic, negative below 1 mW) nor celsius.
  nonNegativeUnits: ['ms', 's', '%', 'ratio', 'bps', 'Bps', 'pps', 'B', 'bytes', 'count', 'mA', 'mW', 'V', 'volts', 'rpm'],
};
