// Static rules: a pure function of (sample, what the series has shown before) → the violation, if
// any. Which sample a rule applies to is decided by its metric, unit and labels, so the rules work
// whatever source produced the series (SNMP DOM, CLI, Ciena PM, ICMP). Consecutive-poll counting
// (`forPolls`) and the anomaly lifecycle are the caller's (processors/anomaly).
import type { RxThresholds } from '../../devices/optical-thresholds.js';
import type { AnomalySeverity, MetricSample } from '../../schemas/types.js';
import { isOpticalThreshold } from '../normalize/optical-family.js';
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

/** What other series of the device say about this sample (read from the device's state by the caller). */
export interface RuleContext {
  /** The interface's admin status (interface-down's `adminMetric` series), null when not reported. */
  adminUp: boolean | null;
  /** The transceiver's own receive limits (optical Rx samples), null when it reports none. */
  rxThresholds: RxThresholds | null;
}

export const NO_RULE_CONTEXT: Readonly<RuleContext> = Object.freeze({ adminUp: null, rxThresholds: null });

/** A received optical power series: unit dBm and an "rx"/"receive"/Ciena "OPR" name or direction label. */
export function isOpticalRx(s: Pick<MetricSample, 'metric' | 'labels' | 'unit'>): boolean {
  if (s.unit !== 'dBm' || isOpticalThreshold(s.metric)) return false;
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
 * before this sample; `context` what the device's other series say (admin status, transceiver limits).
 */
export function evaluateRules(s: RuleSample, memory: RuleMemory, cfg: RulesConfig, context: Readonly<RuleContext> = NO_RULE_CONTEXT): RuleHit | null {
  const { deviceDown, interfaceDown, opticalRxLow, lossHigh, utilisationHigh } = cfg;
  const { adminUp } = context;
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
    const own = context.rxThresholds;
    if (own && (own.lowAlarm !== null || own.lowWarn !== null)) return opticalAgainstOwnLimits(s, own, opticalRxLow);
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

const dbm = (n: number) => formatValue(n, 'dBm');

/**
 * Optical Rx judged by the transceiver's own limits: below its low alarm MAJOR, below its low
 * warning WARNING, above its high alarm (receiver overload) MAJOR, above its high warning WARNING;
 * no light stays CRITICAL whatever the limits say.
 */
function opticalAgainstOwnLimits(s: RuleSample, t: RxThresholds, rule: RulesConfig['opticalRxLow']): RuleHit | null {
  const at = where(s.labels);
  const what = `${s.metric}${at ? ` on ${at}` : ''} ${dbm(s.value)}`;
  const floor = t.lowWarn ?? t.lowAlarm!;
  const ceiling = t.highWarn ?? t.highAlarm ?? 0;
  const hit = (severity: AnomalySeverity, reason: string): RuleHit => ({ rule: 'optical-rx-low', severity, reason, forPolls: rule.forPolls, expected: floor, lower: floor, upper: ceiling });
  if (s.value <= rule.noLightDbm) return hit('CRITICAL', `${what}: no light (at or below ${dbm(rule.noLightDbm)}), loss of signal`);
  if (t.lowAlarm !== null && s.value < t.lowAlarm) return hit('MAJOR', `${what} below the transceiver's low alarm threshold ${dbm(t.lowAlarm)} by ${(t.lowAlarm - s.value).toFixed(1)} dB`);
  if (t.lowWarn !== null && s.value < t.lowWarn) return hit('WARNING', `${what} below the transceiver's low warning threshold ${dbm(t.lowWarn)} by ${(t.lowWarn - s.value).toFixed(1)} dB`);
  if (t.highAlarm !== null && s.value > t.highAlarm) return hit('MAJOR', `${what} above the transceiver's high alarm threshold ${dbm(t.highAlarm)}: receiver overload`);
  if (t.highWarn !== null && s.value > t.highWarn) return hit('WARNING', `${what} above the transceiver's high warning threshold ${dbm(t.highWarn)}`);
  return null;
}

/** The memory after this sample. */
export function rememberSample(memory: RuleMemory, s: RuleSample): RuleMemory {
  return s.value >= 0.5 && !memory.seenUp ? { seenUp: true } : memory;
}
