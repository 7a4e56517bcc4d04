// The poller's output is the RawCienaReading record of telemetry.raw.ciena (schemas/types.ts).
export type { CienaAlarm, CienaReadingKind, CienaValue, RawCienaReading } from '../../schemas/types.js';

/** A device the inventory says MCP manages. Without networkConstructId it is found by name or address. */
export interface CienaTarget {
  deviceId: string;
  networkConstructId?: string;
  name?: string; // the NE name in MCP (attributes.name)
  address?: string; // the NE management address (attributes.ipAddress)
}

/** A network construct (network element) as MCP lists it. */
export interface NetworkElement {
  id: string;
  name: string;
  ipAddress: string | null;
  deviceType: string | null;
  softwareVersion: string | null;
  syncState: string | null;
}
