// Which inventory device a notification came from. By the datagram's source address first, as
// every NMS does. Several active devices may share an address (a lab's simulated agents, devices
// behind one NAT): then the notification's own credential tells them apart, as it does for polls:
// the community (v1/v2c) or the SNMPv3 context name, each device's as its inventory entry
// resolves it. A notification no rule narrows to one device is unknown or ambiguous: the caller
// counts it and dead-letters it with this reason, never guesses.
import type { Device } from '../../schemas/types.js';
import type { Credential } from '../../credentials/credential-types.js';

export type SourceMatch = { ok: true; device: Device } | { ok: false; code: 'TRAP_UNKNOWN_SOURCE' | 'TRAP_AMBIGUOUS_SOURCE'; message: string };

export interface NotificationAuth {
  address: string;
  community: string | null; // v1/v2c
  context: string | null; // v3
}

/** Normalises an address as both inventory and sockets write it (IPv4-mapped IPv6 → IPv4). */
export function addressKey(address: string): string {
  const a = address.toLowerCase();
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

export class TrapSources {
  private readonly byAddress = new Map<string, Map<string, Device>>();
  private readonly addressOf = new Map<string, string>();

  constructor(private readonly credentials: { get(name: string): Credential | undefined }) {}

  upsert(device: Device): void {
    this.remove(device.deviceId);
    if (device.status !== 'active') return;
    const key = addressKey(device.address);
    let devices = this.byAddress.get(key);
    if (!devices) this.byAddress.set(key, (devices = new Map()));
    devices.set(device.deviceId, device);
    this.addressOf.set(device.deviceId, key);
  }

  remove(deviceId: string): void {
    const key = this.addressOf.get(deviceId);
    if (key === undefined) return;
    const devices = this.byAddress.get(key)!;
    devices.delete(deviceId);
    if (devices.size === 0) this.byAddress.delete(key);
    this.addressOf.delete(deviceId);
  }

  get size(): number {
    return this.addressOf.size;
  }

  /** Every device's credential, for the receiver's communities and USM users. */
  credentialNames(): Set<string> {
    const names = new Set<string>();
    for (const devices of this.byAddress.values()) for (const d of devices.values()) if (d.snmp?.credential) names.add(d.snmp.credential);
    return names;
  }

  match(n: NotificationAuth): SourceMatch {
    const devices = [...(this.byAddress.get(addressKey(n.address))?.values() ?? [])];
    if (devices.length === 0) return { ok: false, code: 'TRAP_UNKNOWN_SOURCE', message: `no active inventory device has address ${n.address}` };
    if (devices.length === 1) return { ok: true, device: devices[0] };
    const narrowed = devices.filter((d) => this.sentBy(d, n));
    if (narrowed.length === 1) return { ok: true, device: narrowed[0] };
    const how = n.community !== null ? 'community' : 'SNMPv3 context';
    return {
      ok: false,
      code: 'TRAP_AMBIGUOUS_SOURCE',
      message: `${devices.length} devices share address ${n.address} and ${narrowed.length === 0 ? 'none' : narrowed.length} of them match the notification's ${how}`,
    };
  }

  private sentBy(d: Device, n: NotificationAuth): boolean {
    if (!d.snmp) return false;
    if (n.context !== null) return d.snmp.version === 'v3' && (d.snmp.context ?? '') === n.context;
    let c: Credential | undefined;
    try {
      c = this.credentials.get(d.snmp.credential);
    } catch {
      return false; // an unreadable credential matches nothing; the collector reports it
    }
    return c?.kind === 'snmp-community' && c.community === n.community;
  }
}
