// Polling profiles as data: which scalars to GET and which table columns to walk, each with its
// MIB object name (the name a RawSnmpPoll value carries). Adding a profile is adding an entry.

export interface ScalarObject {
  name: string;
  oid: string; // instance OID, ends in .0
}

export interface ColumnObject {
  name: string;
  oid: string; // column OID (entry OID + column number), without instance
}

export interface SnmpProfile {
  name: string;
  scalars: ScalarObject[];
  columns: ColumnObject[]; // walked together with GetBulk, one request carrying every column
}

// Every poll reads it so every reading can be checked for a reboot (counter reset).
export const SYS_UPTIME: ScalarObject = { name: 'sysUpTime', oid: '1.3.6.1.2.1.1.3.0' };

const SYSTEM = '1.3.6.1.2.1.1';
const IF_ENTRY = '1.3.6.1.2.1.2.2.1'; // IF-MIB::ifEntry
const IFX_ENTRY = '1.3.6.1.2.1.31.1.1.1'; // IF-MIB::ifXEntry

export const PROFILES: Record<string, SnmpProfile> = {
  system: {
    name: 'system',
    scalars: [SYS_UPTIME, { name: 'sysName', oid: `${SYSTEM}.5.0` }],
    columns: [],
  },
  interfaces: {
    name: 'interfaces',
    scalars: [],
    columns: [
      { name: 'ifName', oid: `${IFX_ENTRY}.1` },
      { name: 'ifAlias', oid: `${IFX_ENTRY}.18` },
      { name: 'ifHighSpeed', oid: `${IFX_ENTRY}.15` },
      { name: 'ifOperStatus', oid: `${IF_ENTRY}.8` },
      { name: 'ifHCInOctets', oid: `${IFX_ENTRY}.6` },
      { name: 'ifHCOutOctets', oid: `${IFX_ENTRY}.10` },
      { name: 'ifHCInUcastPkts', oid: `${IFX_ENTRY}.7` },
      { name: 'ifHCOutUcastPkts', oid: `${IFX_ENTRY}.11` },
      { name: 'ifInErrors', oid: `${IF_ENTRY}.14` },
      { name: 'ifInDiscards', oid: `${IF_ENTRY}.13` },
      { name: 'ifOutErrors', oid: `${IF_ENTRY}.20` },
    ],
  },
};

export function profileNames(): string[] {
  return Object.keys(PROFILES);
}
