// From an inventory device to an SSH target. The inventory carries SSH access in labels until
// the Device schema grows an ssh section:
//   ssh.credential  name of a stored credential of kind ssh-password or ssh-key, resolved from the
//                   encrypted store (credentials/); a secret written into the label
//                   ("login:<user>:<password>", the old local-run form) is refused
//                   (INVENTORY_SECRET_LITERAL): labels are read by every API viewer
//   ssh.port        default 22
//   ssh.platform    default device.platform ("junos", "ios-xr", "saos")
//   ssh.ports       comma-separated ports/controllers for per-port platforms ("9,10" or "0/0/0/0"),
//                   each in the platform's port-name grammar (platforms.ts): they are written
//                   into command lines, so anything else is refused here, where bad inventory
//                   is reported, and again by the command builder
// No password or key ever appears in a log line or an error.
import { isIP } from 'node:net';
import client from 'prom-client';
import type { Logger } from '../../common/log.js';
import type { Device } from '../../schemas/types.js';
import type { CredentialLookup } from '../../credentials/credential-store.js';
import { credentialRefProblem } from '../../credentials/credential-refs.js';
import { platformOf, refusedPortName } from './platforms.js';
import type { SshTarget } from './types.js';
import { once } from '../../common/metrics.js';
import type { ErrorCode } from '../../common/errors.js';

// Why a device cannot be polled over SSH: inventory and credential codes of the catalogue.
export type SshTargetCode = Extract<
  ErrorCode,
  | 'INVENTORY_NO_SSH'
  | 'INVENTORY_BAD_ADDRESS'
  | 'INVENTORY_BAD_PORT'
  | 'INVENTORY_BAD_INTERFACE'
  | 'INVENTORY_SECRET_LITERAL'
  | 'INVENTORY_BAD_CREDENTIAL_NAME'
  | 'CREDENTIAL_UNKNOWN'
  | 'CREDENTIAL_MISMATCH'
  | 'CREDENTIAL_UNREADABLE'
>;

export type SshTargetResult = { ok: true; target: SshTarget } | { ok: false; code: SshTargetCode; message: string };

const NONE: CredentialLookup = { get: () => undefined };

export function sshTargetOf(device: Device, credentials: CredentialLookup = NONE): SshTargetResult {
  const labels = device.labels ?? {};
  const id = device.deviceId;
  const ref = labels['ssh.credential'];
  if (!ref) return { ok: false, code: 'INVENTORY_NO_SSH', message: `device ${id} has no ssh.credential label` };
  if (isIP(device.address) === 0) return { ok: false, code: 'INVENTORY_BAD_ADDRESS', message: `device ${id} has address "${device.address}", not an IP literal` };
  const port = Number(labels['ssh.port'] ?? 22);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) return { ok: false, code: 'INVENTORY_BAD_PORT', message: `device ${id}: ssh.port must be 1-65535` };
  const ports = sshPortsOf(device);
  if (!ports.ok) return ports;
  const refused = credentialRefProblem('label ssh.credential', ref);
  if (refused) return { ok: false, code: refused.code, message: `device ${id}: ${refused.message}` };
  let credential;
  try {
    credential = credentials.get(ref);
  } catch (err) {
    return { ok: false, code: 'CREDENTIAL_UNREADABLE', message: `device ${id}: [${(err as { code?: string }).code ?? 'CREDENTIAL_ERROR'}] ${(err as Error).message}` };
  }
  if (!credential) return { ok: false, code: 'CREDENTIAL_UNKNOWN', message: `device ${id} references SSH credential "${ref}", which is not in the credential store` };
  const base = { deviceId: id, address: device.address, port, platform: sshPlatformOf(device), ports: ports.ports };
  if (credential.kind === 'ssh-password') return { ok: true, target: { ...base, username: credential.username, password: credential.password } };
  if (credential.kind === 'ssh-key') return { ok: true, target: { ...base, username: credential.username, privateKey: credential.privateKey, passphrase: credential.passphrase } };
  return { ok: false, code: 'CREDENTIAL_MISMATCH', message: `device ${id}: ssh.credential names "${ref}", a credential of kind ${credential.kind}, not ssh-password or ssh-key` };
}

/**
 * What the collector calls per device and poll: the target, or null when the device cannot be
 * polled over SSH. Failures are counted (oc_ssh_target_errors_total{code}) every time and logged
 * once per change of (device, code), as the SNMP resolver does.
 */
export function createSshTargetResolver(opts: { credentials: CredentialLookup; logger: Logger }) {
  const errors = once('oc_ssh_target_errors_total', () => new client.Counter({ name: 'oc_ssh_target_errors_total', help: 'Devices that could not be polled over SSH because of their inventory entry or credential, by code.', labelNames: ['code'] }));
  const last = new Map<string, string>();
  return (device: Device): SshTarget | null => {
    const r = sshTargetOf(device, opts.credentials);
    const before = last.get(device.deviceId);
    if (r.ok) {
      if (before) opts.logger.info('device can be polled over SSH again', { deviceId: device.deviceId });
      last.delete(device.deviceId);
      return r.target;
    }
    errors.inc({ code: r.code });
    if (before !== r.code) opts.logger.warn('device cannot be polled over SSH', { deviceId: device.deviceId, code: r.code, reason: r.message });
    last.set(device.deviceId, r.code);
    return null;
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
