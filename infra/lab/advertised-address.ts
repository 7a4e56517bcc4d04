// The address the lab writes into its inventory for the collectors to poll. Behind Docker the
// lab's container address is only known at run time: "auto" takes this host's first non-loopback
// IPv4 address, so compose needs no fixed subnet (a fixed one collides with other networks).
import { isIP } from 'node:net';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { OpsError } from '../../common/errors.js';

export function resolveAdvertisedAddress(value: string | undefined, interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value !== 'auto') {
    if (isIP(value) === 0) throw new OpsError('CONFIG_INVALID', `LAB_ADVERTISED_ADDRESS must be an IP address or "auto", got "${value}" (the inventory names devices by address)`);
    return value;
  }
  const found = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .find((i) => i.family === 'IPv4' && !i.internal);
  if (!found) throw new OpsError('CONFIG_INVALID', 'LAB_ADVERTISED_ADDRESS=auto: this host has no non-loopback IPv4 address; set the address the collectors reach');
  return found.address;
}
