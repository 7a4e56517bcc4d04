// The lab's cabling. device-plan.ts already names a peer in each interface's alias ("to lab-r3"):
// interface i of device p faces device p + k, k = 1 + i mod (n - 1). The cable's far end is the
// peer's interface that faces back (offset n - k) in the same block of n - 1 interfaces, so the
// pairing is symmetric and each cable is found from both ends. A cable is only laid where both
// ports exist and are up: a down port has no LLDP neighbour, and the lab starts with NetBox and
// LLDP in agreement (tests make the differences themselves).

import type { DevicePlan, InterfacePlan } from './device-plan.js';
import type { PlatformId } from './platforms.js';

export interface LabCableEnd {
  deviceId: string;
  hostname: string;
  platform: PlatformId;
  ifIndex: number;
  ifName: string;
  speedMbps: number;
}

export interface LabCable {
  id: number; // NetBox cable id
  a: LabCableEnd;
  b: LabCableEnd;
}

/** Position of the interface on the peer that faces back to interface `i` of a lab of n devices. */
export function facingInterface(i: number, n: number): number {
  const block = n - 1;
  return Math.floor(i / block) * block + (block - 1 - (i % block));
}

const endOf = (d: DevicePlan, i: InterfacePlan): LabCableEnd => ({ deviceId: d.deviceId, hostname: d.hostname, platform: d.platform, ifIndex: i.index, ifName: i.name, speedMbps: i.highSpeedMbps });

/** Every cable of the lab, once each, in a stable order (plans in lab position order). */
export function labCables(plans: DevicePlan[]): LabCable[] {
  const n = plans.length;
  if (n < 2) return [];
  const cables: LabCable[] = [];
  for (const [p, plan] of plans.entries()) {
    for (const [i, iface] of plan.interfaces.entries()) {
      const k = 1 + (i % (n - 1));
      const q = (p + k) % n;
      const j = facingInterface(i, n);
      const far = plans[q].interfaces[j];
      if (!far || iface.operStatus !== 'up' || far.operStatus !== 'up') continue;
      // Each cable is met twice (once from each end): keep the meeting from the lower position.
      if (p > q || (p === q && i > j)) continue;
      cables.push({ id: cables.length + 1, a: endOf(plan, iface), b: endOf(plans[q], far) });
    }
  }
  return cables;
}

export interface LldpNeighbour {
  localIfIndex: number;
  localIfName: string;
  remote: LabCableEnd;
}

/** What each device's LLDP table holds: the far end of every cable it terminates. */
export function lldpNeighbours(cables: LabCable[]): Map<string, LldpNeighbour[]> {
  const out = new Map<string, LldpNeighbour[]>();
  const add = (local: LabCableEnd, remote: LabCableEnd) => {
    const list = out.get(local.deviceId) ?? [];
    list.push({ localIfIndex: local.ifIndex, localIfName: local.ifName, remote });
    out.set(local.deviceId, list);
  };
  for (const c of cables) {
    add(c.a, c.b);
    add(c.b, c.a);
  }
  return out;
}
