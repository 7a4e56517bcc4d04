// normalize: the one entry point a processor calls per raw record, whatever topic it came from.
// Only SNMP counters need memory between polls, and each SNMP profile is polled on its own, so
// the caller keeps one state per (device, stateKey) and hands it back with the next record of
// that key; every other source is stateless and returns no state.
import type { MetricBatch, RawCienaReading, RawIcmpProbe, RawSnmpPoll, RawSshCapture } from '../../schemas/types.js';
import { normalizeCiena } from './ciena.js';
import { normalizeIcmp } from './icmp.js';
import { isOpticsProfile, normalizeSnmpOptics } from './optics.js';
import { normalizeSnmp, type SnmpDeviceState } from './snmp.js';
import { normalizeSsh } from './ssh.js';
import { OpsError } from '../../common/errors.js';
import { NO_INTERFACE_NAMES, NO_UNNAMED_PORTS } from './port-names.js';

export { normalizeCiena } from './ciena.js';
export { normalizeIcmp } from './icmp.js';
export { isOpticsProfile, normalizeSnmpOptics } from './optics.js';
export { normalizeSnmp, type SnmpDeviceState } from './snmp.js';
export { normalizeSsh } from './ssh.js';

export interface RawRecords {
  snmp: RawSnmpPoll;
  icmp: RawIcmpProbe;
  ssh: RawSshCapture;
  ciena: RawCienaReading;
}
export type RawKind = keyof RawRecords;

/** What a normaliser remembers between records of one device and stateKey (SNMP counters only). */
export type NormalizeState = SnmpDeviceState;

export interface NormalizeResult {
  batch: MetricBatch;
  /** Where the caller keeps this record's state: `snmp:<profile>` for counter profiles, null when stateless. */
  stateKey: string | null;
  /** The state to store under stateKey (undefined: keep nothing / leave what is stored). */
  state: NormalizeState | undefined;
  /** Ports of an SSH or MCP reading no interface name was found for (labelled `port`); empty otherwise. */
  unnamedPorts: readonly string[];
}

/** The state key of a record, so the caller can look its state up before calling normalizeRaw. */
export function normalizeStateKey<K extends RawKind>(kind: K, record: RawRecords[K]): string | null {
  if (kind !== 'snmp') return null;
  const { profile } = record as RawSnmpPoll;
  return isOpticsProfile(profile) ? null : `snmp:${profile}`;
}

/**
 * `names`: the device's interface names by ifIndex as its SNMP polls reported them, which name
 * the ports SSH CLIs and MCP number (port-names.ts).
 */
export function normalizeRaw<K extends RawKind>(kind: K, state: NormalizeState | undefined, record: RawRecords[K], names: ReadonlyMap<string, string> = NO_INTERFACE_NAMES): NormalizeResult {
  const stateless = (batch: MetricBatch, unnamed?: Set<string>): NormalizeResult => ({ batch, stateKey: null, state: undefined, unnamedPorts: unnamed?.size ? [...unnamed] : NO_UNNAMED_PORTS });
  switch (kind) {
    case 'snmp': {
      const poll = record as RawSnmpPoll;
      if (isOpticsProfile(poll.profile)) return stateless(normalizeSnmpOptics(poll));
      const r = normalizeSnmp(state, poll);
      return { batch: r.batch, stateKey: `snmp:${poll.profile}`, state: r.state, unnamedPorts: NO_UNNAMED_PORTS };
    }
    case 'icmp':
      return stateless(normalizeIcmp(record as RawIcmpProbe));
    case 'ssh': {
      const unnamed = new Set<string>();
      return stateless(normalizeSsh(record as RawSshCapture, names, unnamed), unnamed);
    }
    case 'ciena': {
      const unnamed = new Set<string>();
      return stateless(normalizeCiena(record as RawCienaReading, names, unnamed), unnamed);
    }
    default:
      throw new OpsError('NORMALIZE_UNKNOWN_KIND', `normalize: unknown raw topic kind "${String(kind)}" (expected snmp, icmp, ssh or ciena)`);
  }
}
