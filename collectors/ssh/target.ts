// From an inventory device to an SSH target. The inventory carries SSH access in labels until
// the Device schema grows an ssh section:
//   ssh.credential  name of a stored credential; for local runs "login:<user>:<password>"
//   ssh.port        default 22
//   ssh.platform    default device.platform ("junos", "ios-xr", "saos")
//   ssh.ports       comma-separated ports/controllers for per-port platforms ("9,10" or "0/0/0/0"),
//                   each in the platform's port-name grammar (platforms.ts): they are written
//                   into command lines, so anything else is refused here, where bad inventory
//                   is reported, and again by the command builder
// The password never appears in a log line or an error.
import { isIP } from 'node:net';
import type { Device } from '../../schemas/types.js';
import { platformOf, refusedPortName } from './platforms.js';
import type { SshTarget } from './types.js';

export const SSH_TARGET_CODES = [
  'INVENTORY_NO_SSH', // no ssh.credential label
  'INVENTORY_BAD_ADDRESS', // the device address is not an IP literal
  'INVENTORY_BAD_PORT', // ssh.port is not a TCP port
  'INVENTORY_BAD_INTERFACE', // an ssh.ports entry is not an interface name of the platform
  'CREDENTIAL_UNKNOWN', // ssh.credential names no known credential
] as const;
export type SshTargetCode = (typeof SSH_TARGET_CODES)[number];

export type SshTargetResult = { ok: true; target: SshTarget } | { ok: false; code: SshTargetCode; message: string };

export function sshTargetOf(device: Device): SshTargetResult {
  const labels = device.labels ?? {};
  const credential = labels['ssh.credential'];
  if (!credential) return { ok: false, code: 'INVENTORY_NO_SSH', message: `device ${device.deviceId} has no ssh.credential label` };
  if (isIP(device.address) === 0) return { ok: false, code: 'INVENTORY_BAD_ADDRESS', message: `device ${device.deviceId} has address "${device.address}", not an IP literal` };
  const port = Number(labels['ssh.port'] ?? 22);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) return { ok: false, code: 'INVENTORY_BAD_PORT', message: `device ${device.deviceId}: ssh.port must be 1-65535` };
  const ports = sshPortsOf(device);
  if (!ports.ok) return ports;
  const m = /^login:([^:]+):(.*)$/s.exec(credential);
  if (!m) return { ok: false, code: 'CREDENTIAL_UNKNOWN', message: `device ${device.deviceId} references SSH credential "${credential.split(':')[0]}", which is not known` };
  return {
    ok: true,
    target: { deviceId: device.deviceId, address: device.address, port, platform: sshPlatformOf(device), username: m[1], password: m[2], ports: ports.ports },
  };
}

const sshPlatformOf = (device: Device) => device.labels?.['ssh.platform'] ?? device.platform;

/**
 * The ssh.ports label as a list, each name checked against the grammar of the platform whose
 * commands take it. Names a platform never writes into a command (Junos lists every interface;
 * an unknown platform has no commands, the poller reports SSH_PLATFORM_UNKNOWN) are not judged.
 */
export function sshPortsOf(device: Device): { ok: true; ports: string[] } | { ok: false; code: 'INVENTORY_BAD_INTERFACE'; message: string } {
  const ports = (device.labels?.['ssh.ports'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  const platform = platformOf(sshPlatformOf(device));
  const refused = platform ? refusedPortName(platform, ports) : null;
  if (refused) return { ok: false, code: 'INVENTORY_BAD_INTERFACE', message: `device ${device.deviceId}: ssh.ports ${refused}; refused, it would go into a command line` };
  return { ok: true, ports };
}
