// A notification as net-snmp's receiver hands it over → the RawTrap record (without the device,
// which source-match.ts finds). SNMPv1 traps take the SNMPv2 form here, as RFC 3584 §3.1 says:
// snmpTrapOID.0 from enterprise/generic/specific, the time-stamp as sysUpTime.0, and the agent
// address and enterprise appended as snmpTrapAddress.0 and snmpTrapEnterprise.0.
import { createHash } from 'node:crypto';
import type { Varbind } from 'net-snmp';
import type { RawTrap, TrapValue } from '../../schemas/types.js';
import { OpsError } from '../../common/errors.js';
import { TAG, toSnmpValue } from '../snmp/varbind-values.js';
import { nameOf, SNMP_TRAP_ADDRESS_0, SNMP_TRAP_ENTERPRISE_0, SNMP_TRAP_OID_0, SYS_UPTIME_0, v1TrapOid } from './trap-oids.js';

// net-snmp's PduType values of the notification PDUs
const PDU_TRAP_V1 = 164;
const PDU_INFORM = 166;

/** What net-snmp's receiver passes to its callback (includeAuthentication on). */
export interface ReceivedPdu {
  type: number;
  id?: number;
  varbinds: Varbind[];
  community?: string;
  user?: string;
  contextName?: string;
  // SNMPv1 Trap-PDU
  enterprise?: string;
  agentAddr?: string;
  generic?: number;
  specific?: number;
  upTime?: number;
}

export interface ReceivedFrom {
  address: string;
  port: number;
  family?: string;
}

/** A notification that cannot be read (TRAP_MALFORMED): dead-lettered, never retried. */
export class NotificationError extends OpsError {
  constructor(code: 'TRAP_MALFORMED', message: string) {
    super(code, message);
    this.name = 'NotificationError';
  }
}

export type ParsedTrap = Omit<RawTrap, 'deviceId' | 'receiverId' | 'dedupKey'>;

export function sourceText(from: ReceivedFrom): string {
  return from.address.includes(':') ? `[${from.address}]:${from.port}` : `${from.address}:${from.port}`;
}

function values(varbinds: Varbind[]): TrapValue[] {
  const out: TrapValue[] = [];
  for (const vb of varbinds) {
    const { name, index } = nameOf(vb.oid);
    const v = toSnmpValue(name, vb, index);
    if (v) out.push(v);
  }
  return out;
}

/** Parses one notification; throws NotificationError (TRAP_MALFORMED) naming what is missing. */
export function parseNotification(pdu: ReceivedPdu, from: ReceivedFrom, version: RawTrap['version'], receivedAt: number): ParsedTrap {
  const base = { receivedAt, source: sourceText(from), version, context: version === 'V3' ? (pdu.contextName ?? '') : null, user: version === 'V3' ? (pdu.user ?? null) : null };
  if (pdu.type === PDU_TRAP_V1) {
    if (typeof pdu.enterprise !== 'string' || typeof pdu.generic !== 'number' || typeof pdu.specific !== 'number') {
      throw new NotificationError('TRAP_MALFORMED', `SNMPv1 trap from ${base.source} lacks enterprise, generic-trap or specific-trap`);
    }
    const appended: Varbind[] = [
      { oid: SNMP_TRAP_ADDRESS_0, type: TAG.IpAddress, value: pdu.agentAddr ?? from.address },
      { oid: SNMP_TRAP_ENTERPRISE_0, type: TAG.OID, value: pdu.enterprise },
    ];
    return { ...base, pduType: 'TRAP', requestId: 0, trapOid: v1TrapOid(pdu.enterprise, pdu.generic, pdu.specific), agentUpTime: pdu.upTime ?? null, values: values([...pdu.varbinds, ...appended]) };
  }
  // SNMPv2-Trap-PDU and InformRequest-PDU: sysUpTime.0 then snmpTrapOID.0 first (RFC 3416 §4.2.6).
  const [up, trap, ...rest] = pdu.varbinds;
  if (!trap || trap.oid !== SNMP_TRAP_OID_0 || trap.type !== TAG.OID) {
    throw new NotificationError('TRAP_MALFORMED', `notification from ${base.source} has no snmpTrapOID.0 as its second varbind`);
  }
  return {
    ...base,
    pduType: pdu.type === PDU_INFORM ? 'INFORM' : 'TRAP',
    requestId: pdu.id ?? 0,
    trapOid: String(trap.value),
    agentUpTime: up?.oid === SYS_UPTIME_0 && typeof up.value === 'number' ? up.value : null,
    values: values(rest),
  };
}

/**
 * What makes two datagrams the same notification: the sender's address (not its port: a resent
 * inform may leave from another), request id, trap OID and varbinds. A v1 trap has no request
 * id, so its agent time-stamp stands in: a device that sends the same v1 trap twice within one
 * centisecond is taken as one.
 */
export function dedupKey(address: string, t: ParsedTrap): string {
  const h = createHash('sha1').update(`${address}|${t.version}|${t.requestId}|${t.trapOid}|${t.version === 'V1' ? t.agentUpTime : ''}|${t.context ?? ''}`);
  for (const v of t.values) h.update(`|${v.oid}=${v.kind}:${v.counter ?? v.number ?? v.text}`);
  return h.digest('base64');
}
