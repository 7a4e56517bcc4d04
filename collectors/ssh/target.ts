// From an inventory device to an SSH target. The inventory carries SSH access in labels until
// the Device schema grows an ssh section:
//   ssh.credential  name of a stored credential; for local runs "login:<user>:<password>"
//   ssh.port        default 22
//   ssh.platform    default device.platform ("junos", "ios-xr", "saos")
//   ssh.ports       comma-separated ports/controllers for per-port platforms ("9,10" or "0/0/0/0")
// The password never appears in a log line or an error.
import { isIP } from 'node:net';
import type { Device } from '../../schemas/types.js';
import type { SshTarget } from './types.js';

export type SshTargetResult = { ok: true; target: SshTarget } | { ok: false; code: string; message: string };

export function sshTargetOf(device: Device): SshTargetResult {
  const labels = device.labels ?? {};
  const credential = labels['ssh.credential'];
  if (!credential) return { ok: false, code: 'INVENTORY_NO_SSH', message: `device ${device.deviceId} has no ssh.credential label` };
  if (isIP(device.address) === 0) return { ok: false, code: 'INVENTORY_BAD_ADDRESS', message: `device ${device.deviceId} has address "${device.address}", not an IP literal` };
  const port = Number(labels['ssh.port'] ?? 22);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) return { ok: false, code: 'INVENTORY_BAD_PORT', message: `device ${device.deviceId}: ssh.port must be 1-65535` };
  const m = /^login:([^:]+):(.*)$/s.exec(credential);
  if (!m) return { ok: false, code: 'CREDENTIAL_UNKNOWN', message: `device ${device.deviceId} references SSH credential "${credential.split(':')[0]}", which is not known` };
  const ports = (labels['ssh.ports'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  return {
    ok: true,
    target: { deviceId: device.deviceId, address: device.address, port, platform: labels['ssh.platform'] ?? device.platform, username: m[1], password: m[2], ports },
  };
}
