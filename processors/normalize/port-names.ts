// The label a CLI or MCP reading's port gets: `ifName=<the interface>` when the device's interface
// names (learnt from its SNMP polls, processors/traps/interface-index.ts) say which interface the
// platform's port number is (devices/port-interfaces.ts), so one transceiver is one series
// whichever protocol read it; else `port=<the platform's own number>`, never a made-up name, and
// the number goes on the reading's list of unnamed ports (reported once per device and port by
// the processor: unnamed-ports.ts).
import { interfaceOfPort, type PortScheme } from '../../devices/port-interfaces.js';
import type { MetricBatch } from '../../schemas/types.js';
import type { PortLabel } from './optical-family.js';

export interface NamedPort {
  key: PortLabel;
  port: string;
}

export type PortNamer = (raw: string) => NamedPort;

export const NO_INTERFACE_NAMES: ReadonlyMap<string, string> = new Map();
/** The unnamed ports of most readings (SNMP, ICMP, traps): one list, not a new one per reading. */
export const NO_UNNAMED_PORTS: readonly string[] = Object.freeze([]);

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

/**
 * How long a device's numbered ports wait for its first interface names. The SSH and MCP
 * collectors start with the SNMP one, but their first reading may reach the processor before the
 * first interfaces poll: emitted as `port=<n>`, it would open a series (and, for a dark port, an
 * anomaly) that the named series replaces a poll later and that then lingers for seriesIdleMs.
 * Thirty SNMP polls at the default 10 s; a device nobody polls over SNMP gets `port=<n>` after it.
 */
export const PORT_NAMES_GRACE_MS = 5 * 60_000;

export interface PortNamesWait {
  ifNames?: ReadonlyMap<string, string>;
  /** Event time of the device's first reading that found no interface names at all. */
  portNamesWaitSince?: number;
}

/**
 * While the device has no interface names yet (and for PORT_NAMES_GRACE_MS of event time at the
 * most), the samples labelled by an unnamed port are left out of the batch: the true series
 * follows once the names arrive. Returns the ports still to report as unnamed (none while waiting).
 */
export function withholdUntilNamed(state: PortNamesWait, batch: MetricBatch, unnamed: readonly string[]): readonly string[] {
  if (unnamed.length === 0 || (state.ifNames?.size ?? 0) > 0) return unnamed;
  state.portNamesWaitSince ??= batch.ts;
  if (batch.ts - state.portNamesWaitSince >= PORT_NAMES_GRACE_MS) return unnamed;
  const waiting = new Set(unnamed);
  batch.samples = batch.samples.filter((s) => s.labels.port === undefined || !waiting.has(s.labels.port));
  return [];
}
