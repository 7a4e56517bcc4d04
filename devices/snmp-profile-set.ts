// The SNMP profiles a process knows: the built-in files (devices/snmp-profiles/) and, when a
// directory of the user's own is configured (SNMP_PROFILES_DIR), every *.yaml / *.yml in it. All
// files are validated at start and every problem is reported at once, naming file and line; a
// user file may not reuse a built-in profile's name (it would silently change what that polls).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseProfile, ProfileError, type SnmpProfile } from './snmp-profile.js';

export const BUILTIN_PROFILES_DIR = fileURLToPath(new URL('./snmp-profiles/', import.meta.url));

function profileFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new ProfileError([`${dir}: cannot read the SNMP profile directory (${(err as Error).message})`]);
  }
  return names.filter((n) => /\.ya?ml$/.test(n)).sort().map((n) => path.join(dir, n));
}

/** Reads and validates profile files; a name used twice is an error naming both files. */
export function loadProfileFiles(files: string[], known: Record<string, SnmpProfile> = {}): Record<string, SnmpProfile> {
  const out: Record<string, SnmpProfile> = { ...known };
  const problems: string[] = [];
  for (const file of files) {
    try {
      const p = parseProfile(readFileSync(file, 'utf8'), file);
      const before = out[p.name];
      // Checking a built-in file against the built-ins: the same file, not a second definition.
      if (before && before.source !== undefined && path.resolve(before.source) === path.resolve(file)) out[p.name] = p;
      else if (before) problems.push(`${file}:1: profile name "${p.name}" is already defined by ${before.source ?? 'a built-in profile'}`);
      else out[p.name] = p;
    } catch (err) {
      if (err instanceof ProfileError) problems.push(...err.problems);
      else problems.push(`${file}: ${(err as Error).message}`);
    }
  }
  if (problems.length) throw new ProfileError(problems);
  return out;
}

/** The built-in profiles, then the user's directory (when given) on top of them. */
export function loadProfileSet(userDir = ''): Record<string, SnmpProfile> {
  const builtin = loadProfileFiles(profileFiles(BUILTIN_PROFILES_DIR));
  return userDir ? loadProfileFiles(profileFiles(userDir), builtin) : builtin;
}
