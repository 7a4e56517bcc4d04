// The label a CLI or MCP reading's port gets: `ifName=<the interface>` when the device's interface
// names (learnt from its SNMP polls, processors/traps/interface-index.ts) say which interface the
// platform's port number is (devices/port-interfaces.ts), so one transceiver is one series
// whichever protocol read it; else `port=<the platform's own number>`, never a made-up name, and
// the number goes on the reading's list of unnamed ports (reported once per device and port by
// the processor: unnamed-ports.ts).
import { interfaceOfPort, type PortScheme } from '../../devices/port-interfaces.js';
import type { PortLabel } from './optical-family.js';

export interface NamedPort {
  key: PortLabel;
  port: string;
}

export type PortNamer = (raw: string) => NamedPort;

export const NO_INTERFACE_NAMES: ReadonlyMap<string, string> = new Map();

/** `scheme` undefined: a platform nobody maps, every port keeps its number (and is reported). */
export function portNamer(scheme: PortScheme | undefined, names: ReadonlyMap<string, string>, unnamed: Set<string>): PortNamer {
  const memo = new Map<string, NamedPort>(); // a capture repeats a port per value and lane
  return (raw) => {
    let named = memo.get(raw);
    if (!named) {
      const ifName = scheme === undefined ? null : interfaceOfPort(scheme, raw, names);
      named = ifName === null ? { key: 'port', port: raw } : { key: 'ifName', port: ifName };
      memo.set(raw, named);
    }
    if (named.key === 'port') unnamed.add(raw);
    return named;
  };
}
