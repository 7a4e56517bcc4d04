// The poller's output is the RawSnmpPoll record of telemetry.raw.snmp (schemas/types.ts); this
// file adds what the poller needs to reach a device. Secrets live only in these in-memory targets
// (resolved from the credential store by name) and in the session pool that uses them.

import type { SnmpV3AuthProtocol, SnmpV3PrivProtocol } from '../../credentials/credential-types.js';

export type { SnmpValueKind, SnmpValue, RawSnmpPoll, SnmpResponseUpTime } from '../../schemas/types.js';

interface SnmpTargetBase {
  deviceId: string;
  address: string; // IPv4 or IPv6 literal
  port: number;
  timeoutMs?: number; // per attempt; the poller's default when absent
  retries?: number; // extra attempts after a timeout; the poller's default when absent
}

export interface SnmpV2cTarget extends SnmpTargetBase {
  version: 'v2c';
  community: string;
}

export interface SnmpV3Target extends SnmpTargetBase {
  version: 'v3';
  user: string;
  authProtocol: SnmpV3AuthProtocol;
  authKey?: string;
  privProtocol: SnmpV3PrivProtocol;
  privKey?: string;
  context?: string; // SNMPv3 context name ("" when absent)
}

export type SnmpTarget = SnmpV2cTarget | SnmpV3Target;
