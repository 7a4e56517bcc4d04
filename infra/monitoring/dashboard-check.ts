// What the monitoring pack's tests check in its files: which metric names a PromQL expression
// reads, which relations a Grafana SQL panel reads, and that SQL with Grafana's macros expanded
// the way Grafana expands them, so PostgreSQL can plan it. Kept apart from the test so a
// deliberately broken dashboard can be run through the same checks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

export const monitoringDir = import.meta.dirname;
export const dashboardsDir = join(monitoringDir, 'grafana', 'dashboards');
export const DASHBOARD_FILES = ['pipeline.json', 'noc.json'];
/** The oldest dashboard schema Grafana 11 (the compose image) reads without migrating. */
export const MIN_SCHEMA_VERSION = 36;

export interface Target {
  refId: string;
  datasource?: { type: string; uid: string };
  expr?: string;
  rawSql?: string;
}
export interface Panel {
  id: number;
  title: string;
  type: string;
  datasource?: { type: string; uid: string };
  targets?: Target[];
}
export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
}

export function readDashboard(file: string): Dashboard {
  return JSON.parse(readFileSync(join(dashboardsDir, file), 'utf8')) as Dashboard;
}

/** uid → type of every datasource the provisioning file declares. */
export function provisionedDatasources(): Map<string, string> {
  const file = join(monitoringDir, 'grafana', 'provisioning', 'datasources', 'opsconductor.yml');
  const doc = parseYaml(readFileSync(file, 'utf8')) as { datasources: { uid: string; type: string }[] };
  return new Map(doc.datasources.map((d) => [d.uid, d.type]));
}

/** Every alert rule's expression in alerts.yml, by alert name. */
export function alertExpressions(): Map<string, string> {
  const doc = parseYaml(readFileSync(join(monitoringDir, 'alerts.yml'), 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
  return new Map(doc.groups.flatMap((g) => g.rules.map((r) => [r.alert, r.expr] as const)));
}

const PROMQL_WORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan', 'Inf', 'NaN']);

/** The metric names an expression selects (not its functions, labels, durations or keywords). */
export function metricNamesOf(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ') // string literals
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges and subqueries
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // label lists
    .replace(/\$\{?\w+\}?/g, ' '); // Grafana variables
  const names = new Set<string>();
  for (const m of bare.matchAll(/(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    if (m[2] || PROMQL_WORDS.has(m[1])) continue; // a function call or a keyword
    names.add(m[1]);
  }
  return [...names];
}

/** The metric names a Prometheus text exposition declares: sample names and, for metrics that
 * have no sample yet (a labelled counter never incremented), the names their TYPE implies. */
export function exportedMetricNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const type = /^# TYPE (\S+) (\w+)/.exec(line);
    if (type) {
      names.add(type[1]);
      if (type[2] === 'histogram') ['_bucket', '_sum', '_count'].forEach((s) => names.add(type[1] + s));
      if (type[2] === 'summary') ['_sum', '_count'].forEach((s) => names.add(type[1] + s));
    } else if (line && !line.startsWith('#')) {
      names.add(/^[^{\s]+/.exec(line)![0]);
    }
  }
  return names;
}

/** Relations a SQL text reads (FROM and JOIN targets; subqueries are read through). */
export function relationsOf(sql: string): string[] {
  return [...new Set([...sql.matchAll(/\b(?:from|join)\s+([a-z_][a-z0-9_.]*)\b(?!\s*\()/gi)].map((m) => m[1].toLowerCase()))];
}

const INTERVAL_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** The SQL Grafana's PostgreSQL datasource would send for the last six hours, for the macros the
 * dashboards use; any other macro or variable is an error (the test cannot vouch for it). */
export function expandGrafanaMacros(sql: string): string {
  const expanded = sql
    .replace(/\$__timeFilter\(\s*([\w.]+)\s*\)/g, (_m, col: string) => `${col} BETWEEN now() - interval '6 hours' AND now()`)
    .replace(/\$__timeGroupAlias\(\s*([\w.]+)\s*,\s*'(\d+)([smhd])'\s*\)/g, (_m, col: string, n: string, unit: string) => {
      const s = Number(n) * INTERVAL_SECONDS[unit];
      return `to_timestamp(floor(extract(epoch from ${col}) / ${s}) * ${s}) AS "time"`;
    });
  const left = /\$\w+/.exec(expanded);
  if (left) throw new Error(`unsupported Grafana macro or variable ${left[0]} in: ${sql}`);
  return expanded;
}

/** Every query of a dashboard, with where it is (for messages). */
export function queriesOf(d: Dashboard): { where: string; panel: Panel; target: Target }[] {
  return d.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: `${d.title} / "${panel.title}" / ${target.refId}`, panel, target })));
}

/** Problems with a dashboard's PromQL: names that no role exports. */
export function unknownMetricNames(d: Dashboard, exported: Set<string>): string[] {
  return queriesOf(d).flatMap(({ where, target }) =>
    target.expr === undefined ? [] : metricNamesOf(target.expr).filter((n) => !exported.has(n)).map((n) => `${where}: ${n} is not exported by any role`),
  );
}
