// Static rules users configure (later from YAML): fixed limits that mean trouble whatever a
// series' history says. A rule fires after `forPolls` consecutive violating samples (like a
// Prometheus alert's `for:`), so a single lost poll or ping does not page.
import type { AnomalySeverity } from '../../schemas/types.js';

export interface OpticalRxLowRule {
  enabled: boolean;
  /**
   * Receiver sensitivity, dBm: below it the link takes errors. IEEE 802.3 minimum average receive
   * power: 10GBASE-LR −14.4, 10GBASE-ER −15.8, 10GBASE-SR −9.9, 1000BASE-LX −19, 1000BASE-SX −17,
   * 100GBASE-LR4 −10.6 (per lane). The default fits the most common long-reach 10G optic; set it
   * per metric (or per port type later) for the rest.
   */
  sensitivityDbm: number;
  sensitivityDbmByMetric: Record<string, number>;
  /** Within this many dB above sensitivity: WARNING (little margin left); below it: MAJOR. */
  warnMarginDb: number;
  /** At or below this the receiver sees no light (loss of signal; dark readings are −40): CRITICAL. */
  noLightDbm: number;
  forPolls: number;
}

export interface LossHighRule {
  enabled: boolean;
  /** Metrics this rule watches (regular expression on the metric name), unit "%" or "ratio". */
  metricPattern: string;
  limitPercent: number; // MINOR above this
  majorPercent: number; // MAJOR at or above
  criticalPercent: number; // CRITICAL at or above (100: the path is dead)
  forPolls: number;
}

export interface InterfaceDownRule {
  enabled: boolean;
  metric: string;
  /**
   * The interface's admin status series (same labels): admin down means an operator shut the port,
   * which is not an anomaly (an open interface-down closes when the port is shut).
   */
  adminMetric: string;
  /**
   * A port that was never seen up is taken as unused, not as down: many boxes leave unused ports
   * admin up, so admin status alone does not tell an unplugged spare from a failed link.
   */
  requireSeenUp: boolean;
  severity: AnomalySeverity;
  forPolls: number;
}

export interface UtilisationHighRule {
  enabled: boolean;
  /** Utilisation series (percent of line rate), from octet rates and ifHighSpeed / ifSpeed. */
  metrics: string[];
  /** Above this percent of the line rate: the rule's severity. */
  thresholdPercent: number;
  severity: AnomalySeverity;
  /**
   * How long utilisation must stay above the threshold, in consecutive polls (at a 60 s interval,
   * 5 polls = 5 min): a burst that fills a link for one poll is traffic, not congestion.
   */
  forPolls: number;
}

export interface DeviceDownRule {
  enabled: boolean;
  /** Availability series, in order of preference: SNMP answering, then ICMP reachability. */
  metrics: string[];
  severity: AnomalySeverity;
  forPolls: number; // 2: one timed-out poll is not an outage
}

export interface RulesConfig {
  opticalRxLow: OpticalRxLowRule;
  lossHigh: LossHighRule;
  interfaceDown: InterfaceDownRule;
  deviceDown: DeviceDownRule;
  utilisationHigh: UtilisationHighRule;
}

export const rulesDefaults: RulesConfig = {
  opticalRxLow: { enabled: true, sensitivityDbm: -14, sensitivityDbmByMetric: {}, warnMarginDb: 2, noLightDbm: -30, forPolls: 1 },
  lossHigh: { enabled: true, metricPattern: '(^|_)loss(_|$)', limitPercent: 2, majorPercent: 20, criticalPercent: 100, forPolls: 2 },
  interfaceDown: { enabled: true, metric: 'if_oper_up', adminMetric: 'if_admin_up', requireSeenUp: true, severity: 'MAJOR', forPolls: 1 },
  deviceDown: { enabled: true, metrics: ['device_up', 'device_reachable'], severity: 'CRITICAL', forPolls: 2 },
  utilisationHigh: { enabled: true, metrics: ['if_in_util_pct', 'if_out_util_pct'], thresholdPercent: 90, severity: 'MAJOR', forPolls: 5 },
};
