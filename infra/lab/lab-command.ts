// The `lab` role: start the simulated network, print what is in it, run until SIGINT/SIGTERM.
//
// LAB_DEVICES (4)  LAB_INTERFACES (8)  LAB_SEED (1)  LAB_SNMP_PORT (11161)  LAB_HTTP_PORT (18090)
// LAB_DATA_DIR (.run/lab)  LAB_SNMP_HOST (127.0.0.1); snmpsim comes from the venv at .cache/venv.

import path from 'node:path';
import { createLogger } from '../../common/log.js';
import { startLab } from './lab.js';

export const LAB_COMMAND_DEFAULTS = {
  devices: 4,
  interfaces: 8,
  seed: 1,
  snmpPort: 11_161,
  httpPort: 18_090,
  dataDir: '.run/lab',
  venvBin: '.cache/venv/bin',
  snmpHost: '127.0.0.1',
};

function intFromEnv(env: NodeJS.ProcessEnv, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw Object.assign(new Error(`${key}=${raw} is not an integer from ${min} to ${max}; unset it for ${fallback}`), { code: 'LAB_CONFIG', canRetry: false });
  }
  return value;
}

export async function runLabCommand(env: NodeJS.ProcessEnv): Promise<void> {
  const logger = createLogger({ role: 'lab' });
  const root = process.cwd();
  const lab = await startLab({
    root,
    dataDir: env.LAB_DATA_DIR || LAB_COMMAND_DEFAULTS.dataDir,
    devices: intFromEnv(env, 'LAB_DEVICES', LAB_COMMAND_DEFAULTS.devices, 1, 10_000),
    interfaces: intFromEnv(env, 'LAB_INTERFACES', LAB_COMMAND_DEFAULTS.interfaces, 1, 1_000),
    seed: intFromEnv(env, 'LAB_SEED', LAB_COMMAND_DEFAULTS.seed, 0, 2 ** 31 - 1),
    snmpHost: env.LAB_SNMP_HOST || LAB_COMMAND_DEFAULTS.snmpHost,
    snmpPort: intFromEnv(env, 'LAB_SNMP_PORT', LAB_COMMAND_DEFAULTS.snmpPort, 1, 65_535),
    httpPort: intFromEnv(env, 'LAB_HTTP_PORT', LAB_COMMAND_DEFAULTS.httpPort, 0, 65_535),
    venvBin: path.join(root, LAB_COMMAND_DEFAULTS.venvBin),
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
  await lab.close();
}
