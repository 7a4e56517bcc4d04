// Rules from files (devices/rule-file.ts): which samples a rule applies to (metric, scope), whether
// a sample violates it, and whether it has violated it long enough (`for`, in event time, from the
// first violating sample of the series). Fires like a built-in rule: the anomaly's detector is
// `rule:<name>`, the lifecycle opens, updates and closes it.
import type { RuleCondition, UserRule } from '../../devices/rule-file.js';
import type { MetricSample } from '../../schemas/types.js';
import { formatDuration, formatValue } from '../anomaly/format.js';
import type { RuleHit } from './rules.js';

/** What the inventory says of a device, for rules scoped by role or site. */
export interface DeviceFacts {
  role: string;
  site: string;
}

/** The rules in force and the inventory facts they may be scoped by (both replaced as they change). */
export interface UserRules {
  rules: readonly UserRule[];
  devices: ReadonlyMap<string, DeviceFacts>;
}

/** Per device: when each (series, rule) started violating, event time; kept in the checkpoint. */
export interface RuleClock {
  ruleSince?: Map<string, number>;
}

interface Compiled {
  rule: UserRule;
  devices: RegExp | null;
  interface: RegExp | null;
}

const globs = (patterns: string[]) => (patterns.length === 0 ? null : new RegExp(`^(?:${patterns.map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')).join('|')})$`));

// Rules by metric, built once per list of rules (a reload brings a new list).
const indexes = new WeakMap<readonly UserRule[], Map<string, Compiled[]>>();

function byMetric(rules: readonly UserRule[]): Map<string, Compiled[]> {
  let index = indexes.get(rules);
  if (index) return index;
  index = new Map();
  for (const rule of rules) {
    const c: Compiled = { rule, devices: globs(rule.scope.device), interface: rule.scope.interface === null ? null : new RegExp(`^(?:${rule.scope.interface})$`) };
    const list = index.get(rule.metric);
    if (list) list.push(c);
    else index.set(rule.metric, [c]);
  }
  indexes.set(rules, index);
  return index;
}

const interfaceOf = (labels: Record<string, string>) => labels.ifName ?? labels.port ?? labels.ifDescr ?? labels.interface;

function inScope(c: Compiled, deviceId: string, labels: Record<string, string>, facts: DeviceFacts | undefined): boolean {
  const { scope } = c.rule;
  if (c.devices && !c.devices.test(deviceId)) return false;
  if (scope.role.length > 0 && !(facts && scope.role.includes(facts.role))) return false;
  if (scope.site.length > 0 && !(facts && scope.site.includes(facts.site))) return false;
  if (c.interface) {
    const name = interfaceOf(labels);
    if (name === undefined || !c.interface.test(name)) return false;
  }
  return true;
}

type Previous = { ts: number; value: number } | null;

/** The violation's text ("97 % above 95 %"), or null when the sample keeps the condition. */
function violation(cond: RuleCondition, value: number, unit: string, ts: number, prev: Previous): string | null {
  const v = formatValue(value, unit);
  switch (cond.kind) {
    case 'above':
      return value > cond.limit ? `${v} above ${formatValue(cond.limit, unit)}` : null;
    case 'below':
      return value < cond.limit ? `${v} below ${formatValue(cond.limit, unit)}` : null;
    case 'in':
      return cond.values.includes(value) ? `${v}, one of ${cond.values.join(', ')}` : null;
    default: {
      if (prev === null || ts <= prev.ts) return null;
      const rate = ((value - prev.value) / (ts - prev.ts)) * cond.perMs;
      const fires = cond.kind === 'rateAbove' ? rate > cond.limit : rate < cond.limit;
      const per = formatDuration(cond.perMs);
      return fires ? `changing ${rate >= 0 ? '+' : ''}${rate.toFixed(2)} per ${per} (${v}), ${cond.kind === 'rateAbove' ? 'above' : 'below'} ${cond.limit} per ${per}` : null;
    }
  }
}

function band(cond: RuleCondition, value: number): Pick<RuleHit, 'expected' | 'lower' | 'upper'> {
  if (cond.kind === 'above') return { expected: cond.limit, lower: Math.min(value, cond.limit), upper: cond.limit };
  if (cond.kind === 'below') return { expected: cond.limit, lower: cond.limit, upper: Math.max(value, cond.limit) };
  return { expected: value, lower: value, upper: value };
}

const rank = ['INFO', 'WARNING', 'MINOR', 'MAJOR', 'CRITICAL'];

/**
 * The most severe file rule this sample has violated for its rule's duration, or null. `prev` is
 * the series' previous sample (rates); `clock` the device's violation start times, updated here;
 * `atOnce`: the duration is taken as met (a notification is the device saying so).
 */
export function evaluateUserRules(user: UserRules, deviceId: string, sample: Pick<MetricSample, 'seriesKey' | 'metric' | 'labels' | 'unit' | 'value'>, ts: number, prev: Previous, clock: RuleClock, atOnce = false): RuleHit | null {
  const candidates = byMetric(user.rules).get(sample.metric);
  if (candidates === undefined) return null;
  const facts = user.devices.get(deviceId);
  let best: RuleHit | null = null;
  for (const c of candidates) {
    if (!inScope(c, deviceId, sample.labels, facts)) continue;
    const key = `${sample.seriesKey}\0${c.rule.name}`;
    const what = violation(c.rule.condition, sample.value, sample.unit, ts, prev);
    if (what === null) {
      clock.ruleSince?.delete(key);
      continue;
    }
    const since = (clock.ruleSince ??= new Map()).get(key) ?? ts;
    clock.ruleSince.set(key, since);
    if (!atOnce && ts - since < c.rule.forMs) continue;
    if (best !== null && rank.indexOf(best.severity) >= rank.indexOf(c.rule.severity)) continue;
    const at = interfaceOf(sample.labels) ?? Object.values(sample.labels)[0];
    const held = c.rule.forMs > 0 ? ` for ${formatDuration(ts - since)}` : '';
    const about = c.rule.description ? ` (${c.rule.description})` : '';
    best = { rule: c.rule.name, severity: c.rule.severity, reason: `${sample.metric}${at ? ` on ${at}` : ''} ${what}${held}: rule ${c.rule.name}${about}`, forPolls: 1, ...band(c.rule.condition, sample.value) };
  }
  return best;
}

/** Forgets the violation clocks of a series (it went idle and was dropped). */
export function forgetRuleClocks(clock: RuleClock, seriesKey: string): void {
  if (!clock.ruleSince) return;
  for (const key of clock.ruleSince.keys()) if (key.startsWith(`${seriesKey}\0`)) clock.ruleSince.delete(key);
  if (clock.ruleSince.size === 0) delete clock.ruleSince;
}
