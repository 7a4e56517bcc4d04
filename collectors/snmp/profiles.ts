// The SNMP profiles the poller knows, by name: the YAML files of devices/snmp-profiles/ (the format
// is devices/snmp-profile.ts), plus the user's own directory once registerUserProfiles has read it
// at start. Adding a profile is adding a file; no code.
import { loadProfileSet } from '../../devices/snmp-profile-set.js';
import type { ScalarObject, SnmpProfile } from '../../devices/snmp-profile.js';

export type { ColumnObject, ScalarObject, SnmpProfile } from '../../devices/snmp-profile.js';

// Every poll reads it so every reading can be checked for a reboot (counter reset).
export const SYS_UPTIME: ScalarObject = { name: 'sysUpTime', oid: '1.3.6.1.2.1.1.3.0' };

/** Built-in profiles, read once when the module loads (a broken built-in file fails every role at start). */
export const PROFILES: Record<string, SnmpProfile> = loadProfileSet();

/**
 * Adds the profiles of the user's directory (SNMP_PROFILES_DIR). Call before creating a poller:
 * a poller plans each profile's requests once, when it is created.
 */
export function registerUserProfiles(dir: string): string[] {
  if (!dir) return [];
  const all = loadProfileSet(dir);
  const added = Object.keys(all).filter((name) => !(name in PROFILES));
  for (const name of added) PROFILES[name] = all[name];
  return added;
}

export function profileNames(): string[] {
  return Object.keys(PROFILES);
}
