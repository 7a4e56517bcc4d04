// The `lab` role: start the simulated network, print what is in it, run until SIGINT/SIGTERM.
// Settings: lab-settings.ts (LAB_*). snmpsim comes from the venv at .cache/venv.

import path from 'node:path';
import { createLogger } from '../../common/log.js';
import { startLab, type LabDevice } from './lab.js';
import { labSnmpCredentialName, openLabCredentialStore } from './lab-credentials.js';
import { startNetboxSim, type NetboxSim, type NetboxSimCable } from './netbox-sim.js';
import type { LabCable } from './lab-links.js';
import { OPTICS_PROFILES } from './optics.js';
import { resolveAdvertisedAddress } from './advertised-address.js';
import { parseTrapTargets } from './lab-traps.js';
import type { SnmpAgentEngine } from './snmp-agents.js';
import { labSettings } from './lab-settings.js';
import { loadConfig } from '../../common/config.js';

export const LAB_COMMAND_DEFAULTS = {
  venvBin: '.cache/venv/bin',
};

/** The lab's devices as NetBox would list them, naming the credentials the lab stores. */
export function labNetboxDevices(devices: LabDevice[]) {
  return devices.map((d, i) => ({
    id: i + 1,
    name: d.deviceId,
    address: `${d.address}/32`,
    status: 'active',
    site: d.site,
    role: d.role,
    platform: d.platform,
    manufacturer: d.vendor,
    tags: ['lab', ...OPTICS_PROFILES[d.platform].map((p) => `snmp-profile-${p}`)],
    customFields: { snmp_credential: labSnmpCredentialName(d.deviceId), snmp_version: 'v2c', snmp_port: d.port, snmp_profiles: 'system,interfaces' },
  }));
}

/** The lab's cables as NetBox would hold them (the intended state LLDP is compared with). */
export function labNetboxCables(cables: LabCable[]): NetboxSimCable[] {
  return cables.map((c) => ({ id: c.id, a: { device: c.a.deviceId, interface: c.a.ifName }, b: { device: c.b.deviceId, interface: c.b.ifName } }));
}

export async function runLabCommand(env: NodeJS.ProcessEnv): Promise<void> {
  const logger = createLogger({ role: 'lab' });
  const root = process.cwd();
  const c = loadConfig(labSettings, env);
  const dataDir = c.dataDir;
  const credentials = openLabCredentialStore(env, path.resolve(root, dataDir), root);
  const lab = await startLab({
    root,
    dataDir,
    credentials,
    devices: c.devices,
    interfaces: c.interfaces,
    seed: c.seed,
    snmpHost: c.snmpHost,
    advertisedAddress: resolveAdvertisedAddress(c.advertisedAddress),
    snmpPort: c.snmpPort,
    snmpAgent: c.snmpAgent as SnmpAgentEngine,
    httpPort: c.httpPort,
    venvBin: path.join(root, LAB_COMMAND_DEFAULTS.venvBin),
    // Set and empty: no recorded agents (the schema reads an empty variable as unset).
    recordedWalks: env.LAB_RECORDED_WALKS === '' ? [] : [...c.recordedWalks],
    protocols: { ssh: c.ssh, mcp: c.mcp, icmpPaths: c.icmpPaths },
    trapTargets: parseTrapTargets(c.trapTargets),
    logger,
  });
  for (const d of lab.devices) {
    logger.info('lab device', {
      deviceId: d.deviceId,
      platform: d.platform,
      site: d.site,
      deviceRole: d.role, // `role` is the process's role in every log line
      snmp: `${d.address}:${d.port}`,
      community: d.community,
      interfaces: d.interfaces.length,
    });
  }
  let netbox: NetboxSim | undefined;
  if (c.netboxPort >= 0) {
    netbox = await startNetboxSim({ port: c.netboxPort, token: c.netboxToken, devices: labNetboxDevices(lab.devices), cables: labNetboxCables(lab.cables) });
    logger.info('lab NetBox simulator', { url: netbox.url, devices: lab.devices.length, cables: lab.cables.length });
  }
  for (const r of lab.recorded) logger.info('lab recorded agent', { name: r.name, snmp: `${r.address}:${r.port}`, community: r.community });
  for (const u of lab.v3Users) logger.info('lab SNMPv3 user', { user: u.credential.user, level: u.level, auth: u.credential.authProtocol, priv: u.credential.privProtocol });
  logger.info('lab credentials stored', { file: credentials.file, ...(credentials.keyFile ? { keyFile: credentials.keyFile, hint: 'give the collectors OC_CREDENTIALS_FILE and OC_CREDENTIALS_KEY_FILE' } : {}) });
  logger.info('lab ready', { devices: lab.devices.length, url: lab.url, inventory: path.join(path.resolve(root, dataDir), 'inventory.yaml') });

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info('lab stopping', { signal });
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await netbox?.close();
  await lab.close();
}
