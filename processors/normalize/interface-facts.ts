// What a poll says about each interface beyond its counters, gathered before its values are turned
// into samples: the line rate (for utilisation and the 32-bit wrap bound) and the admin status
// (emitted beside the oper status, so the interface-down rule can tell a shut port from a failed one).
import type { RawSnmpPoll } from '../../schemas/types.js';

// ifSpeed is a Gauge32 in bit/s: at its maximum it only says "faster than this, read ifHighSpeed".
const IF_SPEED_SATURATED = 4_294_967_295;

export interface InterfaceFacts {
  /** Line rate in bit/s by ifIndex: ifHighSpeed (Mbit/s), else ifSpeed when not saturated. */
  speedBps: Map<string, number>;
  /** Which column gave speedBps its value, so if_speed_bps is emitted once per interface. */
  speedFrom: Map<string, 'ifHighSpeed' | 'ifSpeed'>;
  /** ifAdminStatus as 1 (up) or 0 (down, testing) by ifIndex. */
  adminUp: Map<string, number>;
  /** Interfaces with an ifOperStatus in this poll (their admin sample goes just before it). */
  operIndexes: Set<string>;
}

export function interfaceFacts(poll: RawSnmpPoll): InterfaceFacts {
  const high = new Map<string, number>();
  const low = new Map<string, number>();
  const adminUp = new Map<string, number>();
  const operIndexes = new Set<string>();
  for (const v of poll.values) {
    if (v.number === null) continue;
    if (v.name === 'ifHighSpeed') high.set(v.index, v.number);
    else if (v.name === 'ifSpeed') low.set(v.index, v.number);
    else if (v.name === 'ifAdminStatus') adminUp.set(v.index, v.number === 1 ? 1 : 0);
    else if (v.name === 'ifOperStatus') operIndexes.add(v.index);
  }
  const speedBps = new Map<string, number>();
  const speedFrom = new Map<string, 'ifHighSpeed' | 'ifSpeed'>();
  for (const [index, mbps] of high) {
    // ifHighSpeed 0 means below 1 Mbit/s: ifSpeed then has the precise rate.
    if (mbps > 0 || !low.has(index) || low.get(index)! >= IF_SPEED_SATURATED) {
      speedBps.set(index, mbps * 1e6);
      speedFrom.set(index, 'ifHighSpeed');
    }
  }
  for (const [index, bps] of low) {
    if (speedFrom.has(index) || bps >= IF_SPEED_SATURATED) continue;
    speedBps.set(index, bps);
    speedFrom.set(index, 'ifSpeed');
  }
  return { speedBps, speedFrom, adminUp, operIndexes };
}
