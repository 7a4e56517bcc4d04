// From an inventory device to what the SNMP poller needs. Credentials are referenced by name and
// resolved here from the credential store. A community written into the record
// ("community:<value>", the old local-run form) is refused (INVENTORY_SECRET_LITERAL): records
// travel in clear (credentials/credential-refs.ts). Neither the community nor any key ever appears
// in a message.
import { isIP } from 'node:net';
import client from 'prom-client';
import type { Device } from '../schemas/types.js';
import type { CredentialLookup } from '../credentials/credential-store.js';
import { credentialRefProblem } from '../credentials/credential-refs.js';
import type { SnmpTarget } from './snmp/types.js';
import { once } from '../common/metrics.js';

export type TargetResult = { ok: true; target: SnmpTarget } | { ok: false; code: string; message: string };

const NONE: CredentialLookup = { get: () => undefined };

export function snmpTargetOf(device: Device, credentials: CredentialLookup = NONE): TargetResult {
  const snmp = device.snmp;
  const id = device.deviceId;
  if (!snmp) return { ok: false, code: 'INVENTORY_NO_SNMP', message: `device ${id} has no snmp section` };
  if (isIP(device.address) === 0) return { ok: false, code: 'INVENTORY_BAD_ADDRESS', message: `device ${id} has address "${device.address}", not an IP literal` };
  const base = {
    deviceId: id,
    address: device.address,
    port: snmp.port,
    ...(snmp.timeoutMs != null ? { timeoutMs: snmp.timeoutMs } : {}),
    ...(snmp.retries != null ? { retries: snmp.retries } : {}),
  };
  const ref = snmp.credential;
  const refused = credentialRefProblem('snmp.credential', ref);
  if (refused) return { ok: false, code: refused.code, message: `device ${id}: ${refused.message}` };
  let credential;
  try {
    credential = credentials.get(ref);
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'CREDENTIAL_UNREADABLE';
    return { ok: false, code, message: `device ${id}: ${(err as Error).message}` };
  }
  if (!credential) return { ok: false, code: 'CREDENTIAL_UNKNOWN', message: `device ${id} references credential "${ref}", which is not known` };
  if (snmp.version === 'v2c' && credential.kind === 'snmp-community') return { ok: true, target: { ...base, version: 'v2c', community: credential.community } };
  if (snmp.version === 'v3' && credential.kind === 'snmp-v3') {
    const { user, authProtocol, authKey, privProtocol, privKey } = credential;
    return { ok: true, target: { ...base, version: 'v3', user, authProtocol, authKey, privProtocol, privKey, context: snmp.context ?? '' } };
  }
  return { ok: false, code: 'CREDENTIAL_MISMATCH', message: `device ${id} asks for SNMP ${snmp.version} but credential "${ref}" is of kind ${credential.kind}` };
}

/**
 * What the collector calls per device and poll: the target, or null when the device cannot be
 * polled. Failures are counted (oc_snmp_target_errors_total{code}) every time and logged once per
 * change of (device, code), naming the device and the cause, so a bad entry neither floods the log
 * nor goes unnoticed; the other devices are unaffected.
 */
export function createSnmpTargetResolver(opts: { credentials?: CredentialLookup; logger: import('../common/log.js').Logger }) {
  const errors = once('oc_snmp_target_errors_total', () => new client.Counter({ name: 'oc_snmp_target_errors_total', help: 'Devices that could not be polled over SNMP because of their inventory entry or credential, by code.', labelNames: ['code'] }));
  const last = new Map<string, string>();
  return (device: Device): SnmpTarget | null => {
    const r = snmpTargetOf(device, opts.credentials ?? NONE);
    const before = last.get(device.deviceId);
    if (r.ok) {
      if (before) opts.logger.info('device can be polled over SNMP again', { deviceId: device.deviceId });
      last.delete(device.deviceId);
      return r.target;
    }
    errors.inc({ code: r.code });
    if (before !== r.code) opts.logger.warn('device cannot be polled over SNMP', { deviceId: device.deviceId, code: r.code, reason: r.message });
    last.set(device.deviceId, r.code);
    return null;
  };
}
