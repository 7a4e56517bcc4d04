// The poller's output is the RawSnmpPoll record of telemetry.raw.snmp (schemas/types.ts); this
// file adds what the poller needs to reach a device.

export type { SnmpValueKind, SnmpValue, RawSnmpPoll } from '../../schemas/types.js';

// v3 will add { version: 'v3', user, authProtocol, ... } as another member of this union; the
// session pool is the only place that reads credentials.
export interface SnmpV2cTarget {
  deviceId: string;
  address: string; // IPv4 or IPv6 literal
  port: number;
  version: 'v2c';
  community: string;
}

export type SnmpTarget = SnmpV2cTarget;
