// Whether an anomaly meets a silence's or maintenance window's matchers. Pure, shared by the
// notifier (what not to page) and the API (what to show as silenced), so both always agree.
// A regex matches the whole property, as Alertmanager's do: "core-.*" does not match "xcore-1".
import type { AlarmMatcher, AlarmMatcherField } from '../schemas/types.js';

/** What of an anomaly a matcher can look at; site and role come from the inventory. */
export interface AlarmFacts {
  deviceId: string;
  site?: string;
  role?: string;
  /** The anomaly's detector, e.g. "rule:optical-rx-low" or "band". */
  detector: string;
  severity: string;
}

export const MATCHER_FIELDS: readonly AlarmMatcherField[] = ['DEVICE', 'SITE', 'ROLE', 'RULE', 'SEVERITY'];
export const MATCHER_LIMITS = { maxMatchers: 16, maxValueChars: 256 } as const;

const compiled = new Map<string, RegExp>(); // pattern → anchored RegExp; patterns are few (one per matcher)

function anchored(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`);
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re;
}

function propertyOf(field: AlarmMatcherField, f: AlarmFacts): string | undefined {
  switch (field) {
    case 'DEVICE': return f.deviceId;
    case 'SITE': return f.site;
    case 'ROLE': return f.role;
    case 'RULE': return f.detector;
    case 'SEVERITY': return f.severity;
  }
}

/** Why a matcher cannot be used, or null. */
export function matcherProblem(m: AlarmMatcher, where: string): string | null {
  if (!MATCHER_FIELDS.includes(m.field)) return `${where}.field must be one of ${MATCHER_FIELDS.join(', ')}`;
  if (m.value.length === 0 || m.value.length > MATCHER_LIMITS.maxValueChars) return `${where}.value must have 1 to ${MATCHER_LIMITS.maxValueChars} characters`;
  if (m.regex) {
    try {
      anchored(m.value);
    } catch (err) {
      return `${where}.value is not a valid regular expression: ${(err as Error).message}`;
    }
  }
  return null;
}

/** Every matcher holds. An unknown site or role (device missing from the inventory) matches nothing. */
export function matchesAll(matchers: readonly AlarmMatcher[], facts: AlarmFacts): boolean {
  return matchers.every((m) => {
    const v = propertyOf(m.field, facts);
    if (v === undefined) return false;
    return m.regex ? anchored(m.value).test(v) : v === m.value;
  });
}
