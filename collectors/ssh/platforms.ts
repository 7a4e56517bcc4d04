// Per-platform command sets: how the CLI prompts, what turns paging off, how it says a command
// was wrong, and which commands a poll runs with which parser. Paging is turned off twice where
// the platform allows it (a session setting and `| no-more`), and the session answers pager
// prompts anyway, because a user profile may override the session setting.
//
// cliError patterns skip only blanks within the line ([ \t]*): \s* spans line breaks, so every
// line start rescanned the rest of the reply (quadratic, 1.4 s for 80 kB).

import type { ParsedValue, SshTarget } from './types.js';
import { parseJunosOptics, parseJunosTerse } from './parsers/junos.js';
import { parseXrOptics } from './parsers/iosxr.js';
import { parseSaosPortShow, parseSaosXcvrDiagnostics } from './parsers/saos.js';

export interface PlatformCommand {
  command: string;
  parse(output: string): ParsedValue[];
}

export interface Platform {
  name: string;
  prompt: RegExp;
  setupCommands: string[];
  cliError: RegExp; // the device's own "that command is wrong" answer
  needsPorts: boolean;
  commands(target: SshTarget): PlatformCommand[];
}

const junos: Platform = {
  name: 'junos',
  prompt: /^[\w.@\-]+[>#%] ?$/,
  setupCommands: ['set cli screen-length 0', 'set cli screen-width 0'],
  cliError: /^[ \t]*(syntax error|unknown command|error: )/m,
  needsPorts: false,
  commands: () => [
    { command: 'show interfaces diagnostics optics | no-more', parse: parseJunosOptics },
    { command: 'show interfaces terse | no-more', parse: parseJunosTerse },
  ],
};

const iosXr: Platform = {
  name: 'ios-xr',
  prompt: /^(RP\/\d+\/[\w]+\/CPU\d+:)?[\w.\-]+[>#] ?$/,
  setupCommands: ['terminal length 0', 'terminal width 0'],
  cliError: /^[ \t]*% ?(Invalid input|Incomplete command|Ambiguous command|Bad hostname|Unknown command)/m,
  needsPorts: true,
  commands: (t) => (t.ports ?? []).map((controller) => ({ command: `show controllers optics ${controller}`, parse: (out: string) => parseXrOptics(out, controller) })),
};

const saos: Platform = {
  name: 'saos',
  prompt: /^[\w.\-]+\*?[>#] ?$/,
  setupCommands: ['system shell session set more off'],
  cliError: /SHELL PARSER FAILURE|^[ \t]*ERROR: /m,
  needsPorts: true,
  commands: (t) => [
    { command: 'port show', parse: parseSaosPortShow },
    ...(t.ports ?? []).map((port) => ({ command: `port xcvr show port ${port} diagnostics`, parse: (out: string) => parseSaosXcvrDiagnostics(out, port) })),
  ],
};

// A Map: a platform named "constructor" or "__proto__" in the inventory is unknown, not Object's.
const ALIASES = new Map<string, Platform>([
  ['junos', junos],
  ['juniper', junos],
  ['juniper-junos', junos],
  ['ios-xr', iosXr],
  ['iosxr', iosXr],
  ['cisco-iosxr', iosXr],
  ['cisco-xr', iosXr],
  ['saos', saos],
  ['ciena-saos', saos],
]);

export function platformOf(name: string): Platform | undefined {
  return ALIASES.get(name.toLowerCase());
}

export const SSH_PLATFORMS = [junos, iosXr, saos];
