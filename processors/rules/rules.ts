// Static rules: a pure function of (sample, what the series has shown before) → the violation, if
// any. Which sample a rule applies to is decided by its metric, unit and labels, so the rules work
// whatever source produced the series (SNMP DOM, CLI, Ciena PM, ICMP). Consecutive-poll counting
// (`forPolls`) and the anomaly lifecycle are the caller's (processors/anomaly).
import type { AnomalySeverity, MetricSample } from '../../schemas/types.js';
import { formatValue } from '../anomaly/format.js';
import type { RulesConfig } from './settings.js';

export interface RuleHit {
  /** Rule name; the anomaly's `detector` is `rule:<name>`. */
  rule: string;
  severity: AnomalySeverity;
  /** Human text with the numbers. */
  reason: string;
  /** Consecutive violating samples needed before the rule fires. */
  forPolls: number;
  /** The normal value and band the rule implies, for series that have no baseline (availability). */
  expected: number;
  lower: number;
  upper: number;
}

/** What a rule needs to remember about a series between samples. */
export interface RuleMemory {
  /** The series has been 1 at least once (if_oper_up): a port never seen up is unused, not down. */
  seenUp: boolean;
}

type RuleSample = Pick<MetricSample, 'metric' | 'labels' | 'unit' | 'value'>;

/** A received optical power series: unit dBm and an "rx"/"receive"/Ciena "OPR" name or direction label. */
export function isOpticalRx(s: Pick<MetricSample, 'metric' | 'labels' | 'unit'>): boolean {
  if (s.unit !== 'dBm') return false;
  const direction = (s.labels.direction ?? '').toLowerCase();
  if (direction) return direction === 'rx' || direction === 'receive';
  return /(^|_)rx(_|$)|receive|^opr/i.test(s.metric);
}

export function rxSensitivityDbm(metric: string, cfg: RulesConfig): number {
  return cfg.opticalRxLow.sensitivityDbmByMetric[metric] ?? cfg.opticalRxLow.sensitivityDbm;
}

const lossPatterns = new Map<string, RegExp>();

/** Loss in percent when the sample is a loss series ("%" or "ratio"), else null. */
export function lossPercent(s: RuleSample, pattern: string): number | null {
  let re = lossPatterns.get(pattern);
  if (!re) lossPatterns.set(pattern, (re = new RegExp(pattern)));
  if (!re.test(s.metric)) return null;
  if (s.unit === '%') return s.value;
  if (s.unit === 'ratio') return s.value * 100;
  return null;
}

const where = (labels: Record<string, string>) => labels.ifName ?? labels.port ?? labels.target ?? labels.path ?? null;

/**
 * The most severe rule this sample violates, or null. Availability checks read `memory` as it was
 * before this sample. `adminUp` is the interface's admin status for the interface-down rule (its
 * `adminMetric` series), null when the device does not report one.
 */
export function evaluateRules(s: RuleSample, memory: RuleMemory, cfg: RulesConfig, adminUp: boolean | null = null): RuleHit | null {
  const { deviceDown, interfaceDown, opticalRxLow, lossHigh, utilisationHigh } = cfg;
  if (deviceDown.enabled && deviceDown.metrics.includes(s.metric)) {
    if (s.value >= 0.5) return null;
    return { rule: 'device-down', severity: deviceDown.severity, reason: `device not answering polls (${s.metric} ${s.value})`, forPolls: deviceDown.forPolls, expected: 1, lower: 1, upper: 1 };
  }
  if (interfaceDown.enabled && s.metric === interfaceDown.metric) {
    if (s.value >= 0.5 || adminUp === false || (interfaceDown.requireSeenUp && !memory.seenUp)) return null;
    const name = where(s.labels) ?? 'interface';
    const why = adminUp === true ? 'admin up' : 'was up before';
    return { rule: 'interface-down', severity: interfaceDown.severity, reason: `${name} operationally down (${s.metric} ${s.value}), ${why}`, forPolls: interfaceDown.forPolls, expected: 1, lower: 1, upper: 1 };
  }
  if (utilisationHigh.enabled && utilisationHigh.metrics.includes(s.metric)) {
    const limit = utilisationHigh.thresholdPercent;
    if (s.value <= limit) return null;
    const at = where(s.labels);
    const reason = `${s.metric}${at ? ` on ${at}` : ''} ${s.value.toFixed(1)} % of line rate, above the ${limit} % limit for ${utilisationHigh.forPolls} poll(s)`;
    return { rule: 'utilisation-high', severity: utilisationHigh.severity, reason, forPolls: utilisationHigh.forPolls, expected: limit, lower: 0, upper: limit };
  }
  if (opticalRxLow.enabled && isOpticalRx(s)) {
    const sens = rxSensitivityDbm(s.metric, cfg);
    const warnAt = sens + opticalRxLow.warnMarginDb;
    if (s.value >= warnAt) return null;
    const at = where(s.labels);
    const what = `${s.metric}${at ? ` on ${at}` : ''} ${formatValue(s.value, 'dBm')}`;
    // Only used where the series has no baseline: the floor of normal is the warning level.
    const band = { expected: warnAt, lower: warnAt, upper: 0 };
    let severity: AnomalySeverity;
    let reason: string;
    if (s.value <= opticalRxLow.noLightDbm) {
      severity = 'CRITICAL';
      reason = `${what}: no light (at or below ${formatValue(opticalRxLow.noLightDbm, 'dBm')}), loss of signal`;
    } else if (s.value < sens) {
      severity = 'MAJOR';
      reason = `${what} below receiver sensitivity ${formatValue(sens, 'dBm')} by ${(sens - s.value).toFixed(1)} dB`;
    } else {
      severity = 'WARNING';
      reason = `${what} only ${(s.value - sens).toFixed(1)} dB above receiver sensitivity ${formatValue(sens, 'dBm')} (warning margin ${opticalRxLow.warnMarginDb} dB)`;
    }
    return { rule: 'optical-rx-low', severity, reason, forPolls: opticalRxLow.forPolls, ...band };
  }
  if (lossHigh.enabled) {
    const pct = lossPercent(s, lossHigh.metricPattern);
    if (pct === null || pct <= lossHigh.limitPercent) return null;
    const severity: AnomalySeverity = pct >= lossHigh.criticalPercent ? 'CRITICAL' : pct >= lossHigh.majorPercent ? 'MAJOR' : 'MINOR';
    const at = where(s.labels);
    const reason = `${s.metric}${at ? ` to ${at}` : ''} ${pct.toFixed(1)} % above the ${lossHigh.limitPercent} % limit`;
    const scale = s.unit === 'ratio' ? 0.01 : 1;
    return { rule: 'loss-high', severity, reason, forPolls: lossHigh.forPolls, expected: 0, lower: 0, upper: lossHigh.limitPercent * scale };
  }
  return null;
}

/** The memory after this sample. */
export function rememberSample(memory: RuleMemory, s: RuleSample): RuleMemory {
  return s.value >= 0.5 && !memory.seenUp ? { seenUp: true } : memory;
}
