// The `lab` role: start the simulated network, print what is in it, run until SIGINT/SIGTERM.
//
// LAB_DEVICES (4)  LAB_INTERFACES (8)  LAB_SEED (1)  LAB_SNMP_PORT (11161)  LAB_HTTP_PORT (18090)
// LAB_DATA_DIR (.run/lab)  LAB_SNMP_HOST (127.0.0.1)  LAB_RECORDED_WALKS (linux-full-walk,winxp-full-walk);
// LAB_SNMP_AGENT (snmpsim | node: the in-process agent, for labs beyond ~30 polls/s);
// snmpsim comes from the venv at .cache/venv. LAB_NETBOX_PORT (unset: none) serves the lab's devices
// from a NetBox simulator (token LAB_NETBOX_TOKEN, default below) for `inventory sync-netbox`.

import path from 'node:path';
import { createLogger } from '../../common/log.js';
import { startLab, type LabDevice } from './lab.js';
import { labSnmpCredentialName, openLabCredentialStore } from './lab-credentials.js';
import { startNetboxSim, type NetboxSim } from './netbox-sim.js';
import { OPTICS_PROFILES } from './optics.js';
import { resolveAdvertisedAddress } from './advertised-address.js';
import { SNMP_AGENT_ENGINES, type SnmpAgentEngine } from './snmp-agents.js';

export const LAB_COMMAND_DEFAULTS = {
  devices: 4,
  interfaces: 8,
  seed: 1,
  snmpPort: 11_161,
  httpPort: 18_090,
  dataDir: '.run/lab',
  venvBin: '.cache/venv/bin',
  snmpHost: '127.0.0.1',
  recordedWalks: ['linux-full-walk', 'winxp-full-walk'], // LAB_RECORDED_WALKS="" serves none
  netboxToken: '0123456789abcdef0123456789abcdef01234567', // a lab fixture, not a secret
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

function intFromEnv(env: NodeJS.ProcessEnv, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw Object.assign(new Error(`${key}=${raw} is not an integer from ${min} to ${max}; unset it for ${fallback}`), { code: 'LAB_CONFIG', canRetry: false });
  }
  return value;
}

function engineFromEnv(env: NodeJS.ProcessEnv): SnmpAgentEngine {
  const raw = env.LAB_SNMP_AGENT || 'snmpsim';
  if (!(SNMP_AGENT_ENGINES as string[]).includes(raw)) throw Object.assign(new Error(`LAB_SNMP_AGENT=${raw} is not one of ${SNMP_AGENT_ENGINES.join(', ')}`), { code: 'LAB_CONFIG', canRetry: false });
  return raw as SnmpAgentEngine;
}

export async function runLabCommand(env: NodeJS.ProcessEnv): Promise<void> {
  const logger = createLogger({ role: 'lab' });
  const root = process.cwd();
  const dataDir = env.LAB_DATA_DIR || LAB_COMMAND_DEFAULTS.dataDir;
  const credentials = openLabCredentialStore(env, path.resolve(root, dataDir), root);
  const lab = await startLab({
    root,
    dataDir,
    credentials,
    devices: intFromEnv(env, 'LAB_DEVICES', LAB_COMMAND_DEFAULTS.devices, 1, 10_000),
    interfaces: intFromEnv(env, 'LAB_INTERFACES', LAB_COMMAND_DEFAULTS.interfaces, 1, 1_000),
    seed: intFromEnv(env, 'LAB_SEED', LAB_COMMAND_DEFAULTS.seed, 0, 2 ** 31 - 1),
    snmpHost: env.LAB_SNMP_HOST || LAB_COMMAND_DEFAULTS.snmpHost,
    advertisedAddress: resolveAdvertisedAddress(env.LAB_ADVERTISED_ADDRESS),
    snmpPort: intFromEnv(env, 'LAB_SNMP_PORT', LAB_COMMAND_DEFAULTS.snmpPort, 1, 65_535),
    snmpAgent: engineFromEnv(env),
    httpPort: intFromEnv(env, 'LAB_HTTP_PORT', LAB_COMMAND_DEFAULTS.httpPort, 0, 65_535),
    venvBin: path.join(root, LAB_COMMAND_DEFAULTS.venvBin),
    recordedWalks: env.LAB_RECORDED_WALKS === undefined ? [...LAB_COMMAND_DEFAULTS.recordedWalks] : env.LAB_RECORDED_WALKS.split(',').map((s) => s.trim()).filter(Boolean),
    protocols: {
      ssh: env.LAB_SSH !== 'false',
      mcp: env.LAB_MCP !== 'false',
      // Namespaces, veth pairs and iptables rules need root; elsewhere the lab pings loopback only.
      icmpPaths: intFromEnv(env, 'LAB_ICMP_PATHS', process.getuid?.() === 0 ? 1 : 0, 0, 8),
    },
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
  if (env.LAB_NETBOX_PORT) {
    netbox = await startNetboxSim({ port: intFromEnv(env, 'LAB_NETBOX_PORT', 0, 0, 65_535), token: env.LAB_NETBOX_TOKEN || LAB_COMMAND_DEFAULTS.netboxToken, devices: labNetboxDevices(lab.devices) });
    logger.info('lab NetBox simulator', { url: netbox.url, devices: lab.devices.length });
  }
  for (const r of lab.recorded) logger.info('lab recorded agent', { name: r.name, snmp: `${r.address}:${r.port}`, community: r.community });
  for (const u of lab.v3Users) logger.info('lab SNMPv3 user', { user: u.credential.user, level: u.level, auth: u.credential.authProtocol, priv: u.credential.privProtocol });
  logger.info('lab credentials stored', { file: credentials.file, ...(credentials.keyFile ? { keyFile: credentials.keyFile, hint: 'give the collectors OC_CREDENTIALS_FILE and OC_CREDENTIALS_KEY_FILE' } : {}) });
  logger.info('lab ready', { devices: lab.devices.length, url: lab.url, inventory: path.join(path.resolve(root, env.LAB_DATA_DIR || LAB_COMMAND_DEFAULTS.dataDir), 'inventory.yaml') });

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
