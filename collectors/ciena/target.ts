// From an inventory device to the MCP network element it is: labels["mcp.networkConstructId"]
// when the inventory knows MCP's id, else labels["mcp.name"] or the hostname, and the address.
import type { Device } from '../../schemas/types.js';
import type { CienaTarget } from './types.js';

export function cienaTargetOf(device: Device): CienaTarget {
  const labels = device.labels ?? {};
  return {
    deviceId: device.deviceId,
    networkConstructId: labels['mcp.networkConstructId'] || undefined,
    name: labels['mcp.name'] || device.hostname || undefined,
    address: device.address || undefined,
  };
}
