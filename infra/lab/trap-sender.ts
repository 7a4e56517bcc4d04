// How the lab's simulated devices send notifications (snmpsim serves polls only): net-snmp's
// trap and inform sending, as each device would, in SNMPv1, v2c or v3. Also used by the tests
// and the traps bench to play a device.
import snmp from 'net-snmp';
import type { SnmpV3Credential } from '../../credentials/credential-types.js';
import { usmUserOf } from '../../collectors/snmp/session-pool.js';

type StandardNotification = 'coldStart' | 'warmStart' | 'linkDown' | 'linkUp';
/** The vendor alarms the lab's platforms send (SNMPv2c / v3 only here). */
export const VENDOR_NOTIFICATIONS = {
  ciscoEnvMonFanNotification: '1.3.6.1.4.1.9.9.13.3.0.4',
  ciscoEnvMonRedundantSupplyNotification: '1.3.6.1.4.1.9.9.13.3.0.5',
  jnxDomAlarmSet: '1.3.6.1.4.1.2636.4.18.0.1',
  jnxDomAlarmCleared: '1.3.6.1.4.1.2636.4.18.0.2',
} as const;
export type NotificationName = StandardNotification | keyof typeof VENDOR_NOTIFICATIONS;

// SNMPv1 generic-trap numbers (RFC 1157) of the standard notifications
const GENERIC: Record<StandardNotification, number> = { coldStart: 0, warmStart: 1, linkDown: 2, linkUp: 3 };
const SNMP_TRAPS = '1.3.6.1.6.3.1.1.5';
export const notificationOid = (name: NotificationName) => (name in GENERIC ? `${SNMP_TRAPS}.${GENERIC[name as StandardNotification] + 1}` : VENDOR_NOTIFICATIONS[name as keyof typeof VENDOR_NOTIFICATIONS]);

export interface TrapReceiverAddress {
  address: string;
  port: number;
}

export type SenderAuth = { version: 'v1' | 'v2c'; community: string } | { version: 'v3'; credential: SnmpV3Credential; context: string };

export interface NotificationOptions {
  inform?: boolean;
  /** Per-attempt wait for an inform's acknowledgement, ms, and re-sends after it. */
  timeoutMs?: number;
  retries?: number;
  /** sysUpTime.0 to report, centiseconds. */
  upTime?: number;
  /** Address to send from (another 127.0.0.0/8 address plays another device). */
  sourceAddress?: string;
}

export interface IfVarbindsInput {
  ifIndex: number;
  ifName?: string;
  up: boolean;
}

/** IF-MIB linkDown/linkUp objects (ifIndex, ifAdminStatus, ifOperStatus) plus ifName, as most devices send. */
export function linkVarbinds(i: IfVarbindsInput): snmp.Varbind[] {
  const vbs: snmp.Varbind[] = [
    { oid: `1.3.6.1.2.1.2.2.1.1.${i.ifIndex}`, type: snmp.ObjectType.Integer, value: i.ifIndex },
    { oid: `1.3.6.1.2.1.2.2.1.7.${i.ifIndex}`, type: snmp.ObjectType.Integer, value: 1 },
    { oid: `1.3.6.1.2.1.2.2.1.8.${i.ifIndex}`, type: snmp.ObjectType.Integer, value: i.up ? 1 : 2 },
  ];
  if (i.ifName) vbs.push({ oid: `1.3.6.1.2.1.31.1.1.1.1.${i.ifIndex}`, type: snmp.ObjectType.OctetString, value: i.ifName });
  return vbs;
}

/** CISCO-ENVMON-MIB objects of a fan or power supply notification: its description and state (normal 1, critical 3). */
export function envMonVarbinds(what: 'fan' | 'supply', index: number, failed: boolean): snmp.Varbind[] {
  const table = what === 'fan' ? 4 : 5;
  return [
    { oid: `1.3.6.1.4.1.9.9.13.1.${table}.1.2.${index}`, type: snmp.ObjectType.OctetString, value: what === 'fan' ? `Fan Tray ${index}` : `Power Supply ${index}` },
    { oid: `1.3.6.1.4.1.9.9.13.1.${table}.1.3.${index}`, type: snmp.ObjectType.Integer, value: failed ? 3 : 1 },
  ];
}

/** JUNIPER-DOM-MIB objects of jnxDomAlarmSet / Cleared: ifDescr and the alarm BITS (bit 0: receive loss of signal). */
export function domAlarmVarbinds(ifIndex: number, ifName: string, lossOfSignal: boolean): snmp.Varbind[] {
  const bits = Buffer.from([lossOfSignal ? 0x80 : 0, 0, 0]);
  return [
    { oid: `1.3.6.1.2.1.2.2.1.2.${ifIndex}`, type: snmp.ObjectType.OctetString, value: ifName },
    { oid: `1.3.6.1.4.1.2636.3.60.1.1.1.1.1.${ifIndex}`, type: snmp.ObjectType.OctetString, value: bits },
  ];
}

function session(to: TrapReceiverAddress, auth: SenderAuth, o: NotificationOptions): snmp.Session {
  const options = {
    trapPort: to.port,
    timeout: o.timeoutMs ?? 1_000,
    retries: o.retries ?? 3,
    ...(o.sourceAddress ? { sourceAddress: o.sourceAddress } : {}),
  } as snmp.SessionOptions;
  if (auth.version === 'v3') {
    return snmp.createV3Session(to.address, usmUserOf(auth.credential), { ...options, version: snmp.Version3, context: auth.context });
  }
  return snmp.createSession(to.address, auth.community, { ...options, version: auth.version === 'v1' ? snmp.Version1 : snmp.Version2c });
}

/**
 * Sends one notification; resolves when a trap is sent or an inform acknowledged, rejects when
 * an inform is not acknowledged after its retries.
 */
export function sendNotification(to: TrapReceiverAddress, auth: SenderAuth, name: NotificationName, varbinds: snmp.Varbind[], o: NotificationOptions = {}): Promise<void> {
  const s = session(to, auth, o) as snmp.Session & {
    trap(type: number | string, varbinds: snmp.Varbind[], options: object, cb: (err: Error | null) => void): void;
    inform(type: string, varbinds: snmp.Varbind[], options: object, cb: (err: Error | null) => void): void;
  };
  return new Promise<void>((resolve, reject) => {
    const done = (err: Error | null) => {
      s.close();
      if (err) reject(err);
      else resolve();
    };
    // net-snmp takes a notification's SNMPv3 context from these options, not from the session's.
    const options = { ...(o.upTime === undefined ? {} : { upTime: o.upTime }), ...(auth.version === 'v3' ? { context: auth.context } : {}) };
    try {
      if (o.inform) s.inform(notificationOid(name), varbinds, options, done);
      else if (auth.version === 'v1' && !(name in GENERIC)) throw new Error(`${name}: the lab sends vendor notifications as SNMPv2c or v3 only`);
      else if (auth.version === 'v1') s.trap(GENERIC[name as StandardNotification], varbinds, { ...options, agentAddr: o.sourceAddress ?? to.address }, done);
      else s.trap(notificationOid(name), varbinds, options, done);
    } catch (err) {
      done(err as Error);
    }
  });
}
