// From an inventory device to what the SNMP poller needs. Credentials are referenced by name;
// until the encrypted credential store lands, local runs may carry a community literally as
// "community:<value>". The community never appears in a log line or an error.
import { isIP } from 'node:net';
import type { Device } from '../schemas/types.js';
import type { SnmpTarget } from './snmp/poller.js';

export type TargetResult = { ok: true; target: SnmpTarget } | { ok: false; code: string; message: string };

export function snmpTargetOf(device: Device): TargetResult {
  const snmp = device.snmp;
  if (!snmp) return { ok: false, code: 'INVENTORY_NO_SNMP', message: `device ${device.deviceId} has no snmp section` };
  if (isIP(device.address) === 0) return { ok: false, code: 'INVENTORY_BAD_ADDRESS', message: `device ${device.deviceId} has address "${device.address}", not an IP literal` };
  if (snmp.version !== 'v2c') return { ok: false, code: 'SNMP_VERSION_UNSUPPORTED', message: `device ${device.deviceId} asks for SNMP ${snmp.version}; this collector speaks v2c` };
  const prefix = 'community:';
  if (!snmp.credential.startsWith(prefix))
    return { ok: false, code: 'CREDENTIAL_UNKNOWN', message: `device ${device.deviceId} references credential "${snmp.credential}", which is not known` };
  return { ok: true, target: { deviceId: device.deviceId, address: device.address, port: snmp.port, version: 'v2c', community: snmp.credential.slice(prefix.length) } };
}
