// From an inventory device to an ICMP target: its address, or labels["icmp.address"] when the
// device answers pings on another address (a loopback, an out-of-band interface).
import { isIP } from 'node:net';
import type { Device } from '../../schemas/types.js';
import type { IcmpTarget } from './types.js';
import type { ErrorCode } from '../../common/errors.js';

export type IcmpTargetResult = { ok: true; target: IcmpTarget } | { ok: false; code: ErrorCode; message: string };

export function icmpTargetOf(device: Device): IcmpTargetResult {
  const address = device.labels?.['icmp.address'] ?? device.address;
  if (isIP(address) === 0) return { ok: false, code: 'INVENTORY_BAD_ADDRESS', message: `device ${device.deviceId} has ICMP address "${address}", not an IP literal` };
  return { ok: true, target: { deviceId: device.deviceId, address } };
}
