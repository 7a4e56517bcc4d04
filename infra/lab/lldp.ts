// LLDP-MIB (IEEE 802.1AB) as the lab's devices serve it: the local port table and the remote
// systems table, filled from the lab's cables (lab-links.ts). Both SNMP engines serve these
// records (snmpsim from the .snmprec file, the node agent from the same records).
//
// Port ids differ by vendor, as on real boxes: IOS-XR and SAOS advertise the interface name
// (subtype 5, interfaceName); Junos advertises a locally assigned number (subtype 7, local: the
// ifIndex) and puts the name in the port description. A poller must read both.

import type { DevicePlan } from './device-plan.js';
import type { LabCableEnd } from './lab-links.js';
import type { PlatformId } from './platforms.js';
import type { SnmprecRecord, SnmprecSection } from './snmprec.js';

export const LLDP_OIDS = {
  locSysName: '1.0.8802.1.1.2.1.3.3.0',
  locPortEntry: '1.0.8802.1.1.2.1.3.7.1', // .2 idSubtype, .3 id, .4 desc; index lldpLocPortNum
  remEntry: '1.0.8802.1.1.2.1.4.1.1', // index timeMark.localPortNum.remIndex
} as const;

export const PORT_ID_SUBTYPE = { interfaceName: 5, local: 7 } as const;

const CHASSIS_SUBTYPE_LOCAL = 7;

/** The port id a platform advertises for one of its ports. */
export function advertisedPortId(platform: PlatformId, ifIndex: number, ifName: string): { subtype: number; id: string } {
  return platform === 'juniper-junos' ? { subtype: PORT_ID_SUBTYPE.local, id: String(ifIndex) } : { subtype: PORT_ID_SUBTYPE.interfaceName, id: ifName };
}

function remoteRows(localPortNum: number, remIndex: number, r: LabCableEnd): SnmprecRecord[] {
  const col = (c: number) => `${LLDP_OIDS.remEntry}.${c}.0.${localPortNum}.${remIndex}`;
  const port = advertisedPortId(r.platform, r.ifIndex, r.ifName);
  return [
    { oid: col(4), tag: '2', value: String(CHASSIS_SUBTYPE_LOCAL) },
    { oid: col(5), tag: '4', value: r.deviceId },
    { oid: col(6), tag: '2', value: String(port.subtype) },
    { oid: col(7), tag: '4', value: port.id },
    { oid: col(8), tag: '4', value: r.ifName },
    { oid: col(9), tag: '4', value: r.hostname },
  ];
}

export const lldpSection: SnmprecSection = (d: DevicePlan) => {
  const neighbours = d.lldpNeighbours ?? [];
  if (neighbours.length === 0) return [];
  const records: SnmprecRecord[] = [{ oid: LLDP_OIDS.locSysName, tag: '4', value: d.hostname }];
  // lldpLocPortNum = ifIndex, as most agents number them.
  for (const i of d.interfaces) {
    const port = advertisedPortId(d.platform, i.index, i.name);
    records.push(
      { oid: `${LLDP_OIDS.locPortEntry}.2.${i.index}`, tag: '2', value: String(port.subtype) },
      { oid: `${LLDP_OIDS.locPortEntry}.3.${i.index}`, tag: '4', value: port.id },
      { oid: `${LLDP_OIDS.locPortEntry}.4.${i.index}`, tag: '4', value: i.name },
    );
  }
  for (const n of neighbours) records.push(...remoteRows(n.localIfIndex, 1, n.remote));
  return records;
};
