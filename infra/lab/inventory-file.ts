// Writes the lab as an inventory file (Device records, CONTEXT.md shape) so the inventory role can
// import it like any operator's file: the lab is just another network. Like any inventory it names
// its credentials (lab-credentials.ts); labSnmpCredentials gives the store what they name.

import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import type { LabDevice } from './lab.js';
import type { Credential } from '../../credentials/credential-types.js';
import { labSnmpCredentialName } from './lab-credentials.js';
import { OPTICS_PROFILES } from './optics.js';

export const LAB_PROFILES = ['system', 'interfaces'];
/**
 * The health profiles, listed for one device only (lab-r1, an IOS-XR box whose fan 4 the lab
 * serves as failed: infra/lab/health-mibs.ts), so `npm start` shows CPU, memory, BGP and
 * environment on the wall while every bench polls what it always did.
 */
export const LAB_HEALTH_DEVICE = 'lab-r1';
export const LAB_HEALTH_PROFILES = ['host-resources', 'bgp4', 'env-cisco'];

const profilesOf = (d: LabDevice) => [...LAB_PROFILES, ...OPTICS_PROFILES[d.platform], ...(d.deviceId === LAB_HEALTH_DEVICE && d.platform === 'cisco-iosxr' ? LAB_HEALTH_PROFILES : [])];

export function labInventory(devices: LabDevice[], updatedAt: number, extraLabels: (deviceId: string) => Record<string, string> = () => ({})) {
  return {
    devices: devices.map((d) => ({
      deviceId: d.deviceId,
      hostname: d.hostname,
      address: d.address,
      site: d.site,
      role: d.role,
      platform: d.platform,
      vendor: d.vendor,
      status: 'active',
      tags: ['lab', d.platform],
      labels: { source: 'lab', ...extraLabels(d.deviceId) },
      snmp: { version: 'v2c', port: d.port, credential: labSnmpCredentialName(d.deviceId), profiles: profilesOf(d) },
      updatedAt,
    })),
  };
}

/** The v2c community of every lab device under the name its inventory entry gives. */
export function labSnmpCredentials(devices: LabDevice[]): Record<string, Credential> {
  return Object.fromEntries(devices.map((d) => [labSnmpCredentialName(d.deviceId), { kind: 'snmp-community', community: d.community } satisfies Credential]));
}

export async function writeLabInventory(file: string, devices: LabDevice[], updatedAt = Date.now(), extraLabels?: (deviceId: string) => Record<string, string>): Promise<void> {
  const header = '# Written by the lab role at start; the simulated devices it serves. Overwritten on every start.\n';
  await writeFile(file, header + stringify(labInventory(devices, updatedAt, extraLabels)), { encoding: 'utf8', mode: 0o600 });
}
