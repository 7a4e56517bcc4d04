// Per-platform command sets: how the CLI prompts, what turns paging off, how it says a command
// was wrong, and which commands a poll runs with which parser. Paging is turned off twice where
// the platform allows it (a session setting and `| no-more`), and the session answers pager
// prompts anyway, because a user profile may override the session setting.
//
// A port name from the inventory is written into a command line: each platform has the grammar
// of its interface names, and the command builder refuses any other name (a newline in a label
// would run a second command as the poll account). target.ts applies the same grammar when the
// inventory is read. cliError patterns skip only blanks within the line ([ \t]*): \s* spans
// line breaks, so every line start rescanned the rest of the reply (quadratic, 1.4 s for 80 kB).
// The names an inventory may give a platform are device knowledge: devices/cli-platforms.ts.

import { cliPlatformId, type CliPlatformId } from '../../devices/cli-platforms.js';
import { SshFailure } from './errors.js';
import type { ParsedValue, SshTarget } from './types.js';
import { parseJunosOptics, parseJunosTerse } from './parsers/junos.js';
import { parseXrOptics } from './parsers/iosxr.js';
import { parseSaosPortShow, parseSaosXcvrDiagnostics } from './parsers/saos.js';

export interface PlatformCommand {
  command: string;
  parse(output: string): ParsedValue[];
}

export interface Platform {
  name: CliPlatformId;
  prompt: RegExp;
  setupCommands: string[];
  cliError: RegExp; // the device's own "that command is wrong" answer
  needsPorts: boolean;
  portName: RegExp | null; // what a name in ssh.ports may be; null: no command takes one
  portNameHint: string; // the same, for people
  commands(target: SshTarget): PlatformCommand[];
}

const junos: Platform = {
  name: 'junos',
  prompt: /^[\w.@-]+[>#%] ?$/,
  setupCommands: ['set cli screen-length 0', 'set cli screen-width 0'],
  cliError: /^[ \t]*(syntax error|unknown command|error: )/m,
  needsPorts: false,
  portName: null, // its commands list every interface: ssh.ports is not read
  portNameHint: '',
  commands: () => [
    { command: 'show interfaces diagnostics optics | no-more', parse: parseJunosOptics },
    { command: 'show interfaces terse | no-more', parse: parseJunosTerse },
  ],
};

const iosXr: Platform = {
  name: 'ios-xr',
  prompt: /^(RP\/\d+\/[\w]+\/CPU\d+:)?[\w.-]+[>#] ?$/,
  setupCommands: ['terminal length 0', 'terminal width 0'],
  cliError: /^[ \t]*% ?(Invalid input|Incomplete command|Ambiguous command|Bad hostname|Unknown command)/m,
  needsPorts: true,
  // rack/slot/instance/port, a fifth part for a breakout lane; slots may be named (RSP0, RP1)
  portName: /^\d{1,3}(?:\/[0-9A-Za-z]{1,8}){3,4}$/,
  portNameHint: 'an IOS-XR optics controller such as 0/0/0/0 or 0/1/0/3/2',
  commands: (t) => checkedPorts(iosXr, t).map((controller) => ({ command: `show controllers optics ${controller}`, parse: (out: string) => parseXrOptics(out, controller) })),
};

const saos: Platform = {
  name: 'saos',
  prompt: /^[\w.-]+\*?[>#] ?$/,
  setupCommands: ['system shell session set more off'],
  cliError: /SHELL PARSER FAILURE|^[ \t]*ERROR: /m,
  needsPorts: true,
  portName: /^\d{1,3}(?:\/\d{1,3})?$/,
  portNameHint: 'a SAOS port number such as 9 or 1/9',
  commands: (t) => [
    { command: 'port show', parse: parseSaosPortShow },
    ...checkedPorts(saos, t).map((port) => ({ command: `port xcvr show port ${port} diagnostics`, parse: (out: string) => parseSaosXcvrDiagnostics(out, port) })),
  ],
};

/** The first port name outside the platform's grammar, described for an error message; null when all fit. */
export function refusedPortName(platform: Platform, ports: readonly string[]): string | null {
  const grammar = platform.portName;
  if (!grammar) return null;
  const bad = ports.find((p) => !grammar.test(p));
  if (bad === undefined) return null;
  const shown = JSON.stringify(bad.length > 40 ? `${bad.slice(0, 40)}…` : bad); // control characters visible, length bounded
  return `port name ${shown} is not ${platform.portNameHint}`;
}

/** The target's ports, once each is known to be a name of the platform: they go into command lines. */
function checkedPorts(platform: Platform, t: SshTarget): string[] {
  const ports = t.ports ?? [];
  const refused = refusedPortName(platform, ports);
  if (refused) throw new SshFailure('SSH_TARGET_INVALID', `device ${t.deviceId}: ${refused}; refused, it would go into a ${platform.name} command line`, false);
  return ports;
}

const BY_ID: Record<CliPlatformId, Platform> = { junos, 'ios-xr': iosXr, saos };

export function platformOf(name: string): Platform | undefined {
  const id = cliPlatformId(name);
  return id === undefined ? undefined : BY_ID[id];
}

export const SSH_PLATFORMS = [junos, iosXr, saos];
