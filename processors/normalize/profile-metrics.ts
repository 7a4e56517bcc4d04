// The metrics SNMP profile files declare (`metric` and `unit` on a scalar or column): how a
// profile without a normaliser of its own (a user's UPS, a vendor's environment MIB) becomes
// series on the wall without code. Numbers pass through as gauges; Counter32/Counter64 become
// rates per second like the interface counters. The built-in files are known from the start; the
// processor adds the user's directory (SNMP_PROFILES_DIR) at start, as the collector does.
import { loadProfileSet } from '../../devices/snmp-profile-set.js';
import type { SnmpProfile } from '../../devices/snmp-profile.js';

export interface DeclaredMetric {
  metric: string;
  unit: string;
  /** Label name of the value's index (the profile's first index label, else "index"); none for scalars. */
  indexLabel: string;
}

const byProfile = new Map<string, Map<string, DeclaredMetric>>();

function register(profiles: Record<string, SnmpProfile>): string[] {
  const added: string[] = [];
  for (const p of Object.values(profiles)) {
    const declared = new Map<string, DeclaredMetric>();
    const indexLabel = p.index?.[0] ?? 'index';
    for (const o of [...p.scalars, ...p.columns]) if (o.metric && o.unit) declared.set(o.name, { metric: o.metric, unit: o.unit, indexLabel });
    if (declared.size === 0) continue;
    if (!byProfile.has(p.name)) added.push(p.name);
    byProfile.set(p.name, declared);
  }
  return added;
}

register(loadProfileSet());

/** Reads the user's profile directory (validated as the collector does); returns the profiles that declare metrics. */
export function registerProfileMetrics(dir: string): string[] {
  return dir ? register(loadProfileSet(dir)) : [];
}

/** The metrics a profile declares, by raw value name; undefined when it declares none. */
export function declaredMetrics(profile: string): Map<string, DeclaredMetric> | undefined {
  return byProfile.get(profile);
}
