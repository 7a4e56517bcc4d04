// The OIDs a trap receiver must know by number: the notification's own header varbinds
// (SNMPv2-MIB, RFC 3416), the standard traps of RFC 3418 / IF-MIB, the objects IF-MIB's linkDown
// and linkUp carry (with the name columns devices append, so the processor labels an interface as
// its polls do), the objects of the vendor alarms the processor acts on, and RFC 3584's v1-to-v2
// conversion.

export const SYS_UPTIME_0 = '1.3.6.1.2.1.1.3.0';
export const SNMP_TRAP_OID_0 = '1.3.6.1.6.3.1.1.4.1.0';
export const SNMP_TRAP_ENTERPRISE_0 = '1.3.6.1.6.3.1.1.4.3.0';
/** SNMP-COMMUNITY-MIB snmpTrapAddress.0: the v1 agent-addr, carried on by RFC 3584 §3.1 (3). */
export const SNMP_TRAP_ADDRESS_0 = '1.3.6.1.6.3.18.1.3.0';

/** snmpTraps (1.3.6.1.6.3.1.1.5): generic-trap n of SNMPv1 is snmpTraps.(n+1). */
const SNMP_TRAPS = '1.3.6.1.6.3.1.1.5';
export const TRAP_OIDS = {
  coldStart: `${SNMP_TRAPS}.1`,
  warmStart: `${SNMP_TRAPS}.2`,
  linkDown: `${SNMP_TRAPS}.3`,
  linkUp: `${SNMP_TRAPS}.4`,
  authenticationFailure: `${SNMP_TRAPS}.5`,
} as const;

/** Columns a notification may carry, named so readers need no MIB (name → column OID). */
const COLUMNS: Record<string, string> = {
  ifIndex: '1.3.6.1.2.1.2.2.1.1',
  ifDescr: '1.3.6.1.2.1.2.2.1.2',
  ifType: '1.3.6.1.2.1.2.2.1.3',
  ifAdminStatus: '1.3.6.1.2.1.2.2.1.7',
  ifOperStatus: '1.3.6.1.2.1.2.2.1.8',
  ifName: '1.3.6.1.2.1.31.1.1.1.1',
  ifAlias: '1.3.6.1.2.1.31.1.1.1.18',
  // The objects of the equipment and optical alarms the processor reads (processors/traps/alarm-traps.ts)
  ciscoEnvMonFanStatusDescr: '1.3.6.1.4.1.9.9.13.1.4.1.2',
  ciscoEnvMonFanState: '1.3.6.1.4.1.9.9.13.1.4.1.3',
  ciscoEnvMonSupplyStatusDescr: '1.3.6.1.4.1.9.9.13.1.5.1.2',
  ciscoEnvMonSupplyState: '1.3.6.1.4.1.9.9.13.1.5.1.3',
  jnxDomCurrentAlarms: '1.3.6.1.4.1.2636.3.60.1.1.1.1.1',
};
const byOid = Object.entries(COLUMNS).map(([name, oid]) => ({ name, prefix: `${oid}.` }));

/** The column name and instance index of a varbind OID, or the OID itself and "" when unknown. */
export function nameOf(oid: string): { name: string; index: string } {
  for (const c of byOid) if (oid.startsWith(c.prefix)) return { name: c.name, index: oid.slice(c.prefix.length) };
  return { name: oid, index: '' };
}

/** The column OID of a known name (tests and the lab build notifications with it). */
export function columnOid(name: keyof typeof COLUMNS | string): string {
  const oid = COLUMNS[name];
  if (!oid) throw new Error(`no known column ${name}`);
  return oid;
}

/**
 * snmpTrapOID.0 of an SNMPv1 trap, RFC 3584 §3.1 (2): a generic trap 0-5 is snmpTraps.(generic+1);
 * an enterpriseSpecific one (6) is enterprise.0.specific.
 */
export function v1TrapOid(enterprise: string, generic: number, specific: number): string {
  if (generic >= 0 && generic <= 5) return `${SNMP_TRAPS}.${generic + 1}`;
  return `${enterprise}.0.${specific}`;
}
