// The CLI platforms the SSH collector speaks, and the names an inventory may give each of them.
// Device knowledge, not the collector's: the normaliser labels a capture's ports by its platform
// (Junos names interfaces, the others number ports), so both stages read the names from here.

export const CLI_PLATFORM_IDS = ['junos', 'ios-xr', 'saos'] as const;
export type CliPlatformId = (typeof CLI_PLATFORM_IDS)[number];

// A Map: a platform named "constructor" or "__proto__" in the inventory is unknown, not Object's.
const ALIASES = new Map<string, CliPlatformId>([
  ['junos', 'junos'],
  ['juniper', 'junos'],
  ['juniper-junos', 'junos'],
  ['ios-xr', 'ios-xr'],
  ['iosxr', 'ios-xr'],
  ['cisco-iosxr', 'ios-xr'],
  ['cisco-xr', 'ios-xr'],
  ['saos', 'saos'],
  ['ciena-saos', 'saos'],
]);

/** The platform an inventory name stands for (any case), or undefined when no command set knows it. */
export function cliPlatformId(name: string): CliPlatformId | undefined {
  return ALIASES.get(name.toLowerCase());
}
