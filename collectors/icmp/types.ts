// The poller's output is the RawIcmpProbe record of telemetry.raw.icmp (schemas/types.ts).
export type { RawIcmpProbe } from '../../schemas/types.js';

export interface IcmpTarget {
  deviceId: string;
  address: string; // IPv4 or IPv6 literal
}
