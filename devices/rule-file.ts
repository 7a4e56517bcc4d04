// Anomaly rules as data files (YAML): a fixed limit on a metric, for the devices and interfaces a
// scope selects, held for a duration, raised at a severity. A neutral module: the processor fires
// them, the API shows them. Like the SNMP profile files, every problem of a file is reported at
// once as `file:line: what`, so a user fixes a file in one pass.
import { LineCounter, parseDocument, isMap, isSeq, type Node, type YAMLMap } from 'yaml';
import { OpsError } from '../common/errors.js';
import { SECOND_MS, MINUTE_MS, HOUR_MS, DAY_MS } from '../common/time-units.js';

export const RULE_SEVERITIES = ['INFO', 'WARNING', 'MINOR', 'MAJOR', 'CRITICAL'] as const;
export type RuleSeverity = (typeof RULE_SEVERITIES)[number];

export interface RuleScope {
  /** Device ids; `*` matches any run of characters (core-*). Empty: every device. */
  device: string[];
  /** The inventory's role and site of the device. Empty: any. */
  role: string[];
  site: string[];
  /** Regular expression the whole interface name (ifName, port) must match; null: any series. */
  interface: string | null;
}

/**
 * Fires while the value is above / below a limit, is one of a list of values (states), or changes
 * faster than a rate (per `perMs`, up or down) between two samples of the series.
 */
export type RuleCondition =
  | { kind: 'above' | 'below'; limit: number }
  | { kind: 'in'; values: number[] }
  | { kind: 'rateAbove' | 'rateBelow'; limit: number; perMs: number };

export interface UserRule {
  name: string;
  description: string;
  metric: string;
  scope: RuleScope;
  condition: RuleCondition;
  /** How long the condition must hold (event time) before the rule fires; 0: at the first sample. */
  forMs: number;
  severity: RuleSeverity;
  /** `file:line` the rule was read from. */
  source: string;
}

export class RuleFileError extends OpsError {
  declare readonly code: 'RULES_INVALID';
  constructor(readonly problems: string[]) {
    super('RULES_INVALID', problems.length === 1 ? problems[0] : `${problems.length} problems in rule files:\n  ${problems.join('\n  ')}`);
    this.name = 'RuleFileError';
  }
}

const RULE_NAME = /^[a-z0-9][a-z0-9-]*$/;
const METRIC_NAME = /^[a-z_][a-z0-9_]*$/;
const RULE_KEYS = new Set(['name', 'description', 'metric', 'scope', 'condition', 'for', 'severity']);
const SCOPE_KEYS = new Set(['device', 'role', 'site', 'interface']);
const CONDITION_KEYS = new Set(['above', 'below', 'in', 'rateAbove', 'rateBelow', 'per']);
const UNIT_MS: Record<string, number> = { ms: 1, s: SECOND_MS, m: MINUTE_MS, h: HOUR_MS, d: DAY_MS };

/** `90s`, `5m`, `1h`, `0`: a duration in ms, or null when it is none. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m || (m[2] === undefined && Number(m[1]) !== 0)) return null;
  return Number(m[1]) * UNIT_MS[m[2] ?? 'ms'];
}

/** Parses and validates one rule file's text; throws RuleFileError listing every problem as `file:line: what`. */
export function parseRuleFile(text: string, file: string): UserRule[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const problems: string[] = [];
  const lineOf = (node: Node | null | undefined) => (node?.range ? lines.linePos(node.range[0]).line : 1);
  const fail = (node: Node | null | undefined, what: string) => problems.push(`${file}:${lineOf(node)}: ${what}`);
  for (const e of doc.errors) problems.push(`${file}:${e.linePos?.[0]?.line ?? 1}: not valid YAML: ${e.message.split('\n')[0]}`);
  if (problems.length) throw new RuleFileError(problems);
  const root = doc.contents;
  const list = isMap(root) ? (root.get('rules', true) as Node | undefined) : undefined;
  if (!isMap(root) || root.items.length !== 1 || !isSeq(list)) throw new RuleFileError([`${file}:${lineOf(root)}: a rule file is a mapping with one key, rules: a list of rules`]);

  const get = (map: YAMLMap, key: string) => map.get(key, true) as Node | undefined;
  const scalar = (node: Node | undefined) => (node as { value?: unknown } | undefined)?.value;
  const unknownKeys = (map: YAMLMap, allowed: Set<string>, where: string) => {
    for (const pair of map.items) {
      const k = String(scalar(pair.key as Node) ?? pair.key);
      if (!allowed.has(k)) fail(pair.key as Node, `unknown key "${k}" in ${where} (allowed: ${[...allowed].join(', ')})`);
    }
  };
  const text_ = (node: Node | undefined, what: string, pattern?: RegExp, hint?: string): string | undefined => {
    const v = scalar(node);
    if (typeof v !== 'string' && typeof v !== 'number') return void fail(node, `${what} is required (a string)`);
    if (pattern && !pattern.test(String(v))) fail(node, `${what} "${v}" ${hint}`);
    return String(v);
  };
  const number = (node: Node | undefined, what: string): number | undefined => {
    const v = scalar(node);
    if (typeof v !== 'number' || !Number.isFinite(v)) return void fail(node, `${what} must be a number, got ${JSON.stringify(v ?? null)}`);
    return v;
  };
  const strings = (node: Node | undefined, what: string): string[] => {
    if (node === undefined) return [];
    if (!isSeq(node)) return [text_(node, what) ?? '']; // one value may stand alone
    return node.items.map((item) => text_(item as Node, `an entry of ${what}`) ?? '');
  };

  const rules: UserRule[] = [];
  const seen = new Map<string, number>();
  for (const item of list.items as Node[]) {
    if (!isMap(item)) {
      fail(item, 'a rule is a mapping with name, metric, condition and severity');
      continue;
    }
    const at = problems.length;
    unknownKeys(item, RULE_KEYS, 'a rule');
    const name = text_(get(item, 'name'), 'name', RULE_NAME, 'must be lower-case letters, digits and dashes') ?? '';
    if (seen.has(name)) fail(item, `rule name "${name}" is used twice in this file (line ${seen.get(name)})`);
    seen.set(name, lineOf(item));
    const descNode = get(item, 'description');
    const description = descNode === undefined ? '' : (text_(descNode, 'description') ?? '');
    const metric = text_(get(item, 'metric'), `metric of ${name}`, METRIC_NAME, 'must be a snake_case metric name') ?? '';

    const scope: RuleScope = { device: [], role: [], site: [], interface: null };
    const scopeNode = get(item, 'scope');
    if (scopeNode !== undefined && !isMap(scopeNode)) fail(scopeNode, `scope of ${name} must be a mapping of device, role, site and/or interface`);
    else if (scopeNode !== undefined) {
      unknownKeys(scopeNode, SCOPE_KEYS, 'scope');
      scope.device = strings(get(scopeNode, 'device'), 'scope.device');
      scope.role = strings(get(scopeNode, 'role'), 'scope.role');
      scope.site = strings(get(scopeNode, 'site'), 'scope.site');
      const ifNode = get(scopeNode, 'interface');
      if (ifNode !== undefined) {
        scope.interface = text_(ifNode, 'scope.interface') ?? null;
        try {
          if (scope.interface !== null) new RegExp(scope.interface);
        } catch (err) {
          fail(ifNode, `scope.interface is not a regular expression: ${(err as Error).message}`);
        }
      }
    }

    let condition: RuleCondition | undefined;
    const condNode = get(item, 'condition');
    if (!isMap(condNode)) fail(condNode ?? item, `condition of ${name} is required: a mapping with one of above, below, in, rateAbove, rateBelow`);
    else {
      unknownKeys(condNode, CONDITION_KEYS, 'condition');
      const kinds = (['above', 'below', 'in', 'rateAbove', 'rateBelow'] as const).filter((k) => get(condNode, k) !== undefined);
      const perNode = get(condNode, 'per');
      if (kinds.length !== 1) fail(condNode, `condition of ${name} needs exactly one of above, below, in, rateAbove, rateBelow (has ${kinds.join(', ') || 'none'})`);
      else if (kinds[0] === 'in') {
        const node = get(condNode, 'in');
        if (!isSeq(node) || node.items.length === 0) fail(node, 'condition.in must be a non-empty list of values');
        else condition = { kind: 'in', values: node.items.map((v) => number(v as Node, 'an entry of condition.in') ?? NaN) };
      } else {
        const limit = number(get(condNode, kinds[0]), `condition.${kinds[0]}`);
        if (kinds[0] === 'rateAbove' || kinds[0] === 'rateBelow') {
          const perMs = perNode === undefined ? 1_000 : parseDuration(String(scalar(perNode)));
          if (perMs === null || perMs <= 0) fail(perNode, `condition.per "${scalar(perNode)}" is not a duration > 0 (e.g. 1s, 1m, 1h)`);
          if (limit !== undefined && perMs) condition = { kind: kinds[0], limit, perMs };
        } else if (limit !== undefined) condition = { kind: kinds[0], limit };
      }
      if (perNode !== undefined && kinds.length === 1 && kinds[0] !== 'rateAbove' && kinds[0] !== 'rateBelow') fail(perNode, 'condition.per applies to rateAbove / rateBelow only');
    }

    const forNode = get(item, 'for');
    const forMs = forNode === undefined ? 0 : parseDuration(String(scalar(forNode)));
    if (forMs === null) fail(forNode, `for of ${name} "${scalar(forNode)}" is not a duration (e.g. 0, 90s, 5m, 1h)`);
    const severity = text_(get(item, 'severity'), `severity of ${name}`) as RuleSeverity | undefined;
    if (severity !== undefined && !RULE_SEVERITIES.includes(severity)) fail(get(item, 'severity'), `severity of ${name} "${severity}" is not one of ${RULE_SEVERITIES.join(', ')}`);
    if (problems.length > at || !condition || forMs === null || !severity) continue;
    rules.push({ name, description, metric, scope, condition, forMs, severity, source: `${file}:${lineOf(item)}` });
  }
  if (problems.length) throw new RuleFileError(problems);
  return rules;
}
