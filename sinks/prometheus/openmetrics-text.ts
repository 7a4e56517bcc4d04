// The OpenMetrics 1.0 text format's names, label escaping and numbers. Everything here writes
// device data (interface names, alarm severities, targets) into a format whose parser a single bad
// byte breaks for the whole scrape, so every name and value goes through these functions.

/** Content type Prometheus asks for first (and parses strictly). */
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** A metric name: [a-zA-Z_:][a-zA-Z0-9_:]*; anything else becomes `_`. */
export function metricName(raw: string): string {
  const s = raw.replace(/[^a-zA-Z0-9_:]/g, '_');
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

/** A label name: [a-zA-Z_][a-zA-Z0-9_]*, and never `__…` (reserved for Prometheus itself). */
export function labelName(raw: string): string {
  let s = raw.replace(/[^a-zA-Z0-9_]/g, '_');
  if (s === '' || /^[0-9]/.test(s)) s = `_${s}`;
  return s.startsWith('__') ? `label${s}` : s;
}

/** A label value between double quotes: backslash, double quote and line feed escaped, as the
 * format requires; nothing else needs it (a `}`, `#` or `# EOF` inside quotes is data). */
export function labelValue(raw: string): string {
  return raw.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** `{a="x",b="y"}` from pairs already unique by name, in the order given. */
export function labelSet(pairs: [string, string][]): string {
  return `{${pairs.map(([k, v]) => `${k}="${labelValue(v)}"`).join(',')}}`;
}

/**
 * The label names of a series: the device first, then the sample's labels by key, each turned into
 * a legal name; a name met twice (`if-name` and `if_name`, or a label called `device`) gets a
 * suffix, because a repeated label name makes Prometheus reject the whole scrape.
 */
export function seriesLabels(deviceId: string, labels: Record<string, string>): [string, string][] {
  const out: [string, string][] = [['device', deviceId]];
  const taken = new Set(['device']);
  for (const key of Object.keys(labels).sort()) {
    let name = labelName(key);
    if (taken.has(name)) name = `exported_${name}`;
    for (let n = 2; taken.has(name); n++) name = `${labelName(key)}_${n}`;
    taken.add(name);
    out.push([name, labels[key]]);
  }
  return out;
}

/** A sample value as the format spells it (NaN, +Inf, -Inf; JavaScript's exponent form parses). */
export function sampleValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
