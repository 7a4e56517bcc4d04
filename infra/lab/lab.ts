// The simulated device lab: N devices planned from a seed, served by one snmpsim process on one
// UDP endpoint (each device is a v2c community there), a small HTTP control API, and an
// inventory file that points the collectors at it.
//
// <dataDir>/snmprec/<community>.snmprec   one data file per device (rewritten at every start)
// <dataDir>/cache/                         snmpsim's indices
// <dataDir>/snmpsim.log                    the simulator's own log (read it when a start fails)
// <dataDir>/inventory.yaml                 the devices as Device records

import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../common/log.js';
import { startControlApi, type ControlApi } from './control-api.js';
import { DEVICE_PLAN_DEFAULTS, planDevice, type DevicePlan } from './device-plan.js';
import { writeLabInventory } from './inventory-file.js';
import type { PlatformId } from './platforms.js';
import { renderSnmprec } from './snmprec.js';
import { startSnmpsim } from './snmpsim-process.js';

export interface LabOptions {
  root: string; // project root: relative dataDir / venvBin resolve from here
  dataDir: string;
  devices: number;
  interfaces?: number; // per device
  seed?: number; // same seed, same devices and rates
  snmpHost?: string;
  snmpPort: number;
  httpPort: number; // 0 picks a free port (see Lab.url)
  httpHost?: string;
  venvBin: string;
  readyTimeoutMs?: number;
  logger: Logger;
}

export interface LabInterface {
  index: number;
  name: string;
  alias: string;
  highSpeedMbps: number;
  operStatus: 'up' | 'down';
  inBps: number; // bits/s the in-octet counters move at
  outBps: number;
  inPps: number;
  outPps: number;
}

export interface LabDevice {
  deviceId: string;
  hostname: string;
  address: string;
  port: number;
  community: string;
  platform: PlatformId;
  vendor: string;
  site: string;
  role: string;
  interfaces: LabInterface[];
}

export interface Lab {
  devices: LabDevice[];
  url: string; // control API base URL
  snmpsimPid: number;
  close(): Promise<void>;
}

export const LAB_DEFAULTS = {
  snmpHost: '127.0.0.1',
  httpHost: '127.0.0.1',
  interfaces: DEVICE_PLAN_DEFAULTS.interfaces,
  seed: DEVICE_PLAN_DEFAULTS.seed,
  maxDevices: 10_000,
};

function toLabDevice(plan: DevicePlan, address: string, port: number): LabDevice {
  return {
    deviceId: plan.deviceId,
    hostname: plan.hostname,
    address,
    port,
    community: plan.deviceId, // the data file is <deviceId>.snmprec, so this is its community
    platform: plan.platform,
    vendor: plan.vendor,
    site: plan.site,
    role: plan.role,
    interfaces: plan.interfaces.map((i) => ({
      index: i.index,
      name: i.name,
      alias: i.alias,
      highSpeedMbps: i.highSpeedMbps,
      operStatus: i.operStatus,
      inBps: i.inBps,
      outBps: i.outBps,
      inPps: i.inPps,
      outPps: i.outPps,
    })),
  };
}

function validate(opts: LabOptions): void {
  const bad = (key: string, why: string) => {
    throw Object.assign(new Error(`lab option ${key} ${why}`), { code: 'LAB_CONFIG', canRetry: false });
  };
  if (!Number.isInteger(opts.devices) || opts.devices < 1 || opts.devices > LAB_DEFAULTS.maxDevices) bad('devices', `must be an integer from 1 to ${LAB_DEFAULTS.maxDevices}, got ${opts.devices}`);
  if (opts.interfaces !== undefined && (!Number.isInteger(opts.interfaces) || opts.interfaces < 1 || opts.interfaces > 1_000)) bad('interfaces', `must be an integer from 1 to 1000, got ${opts.interfaces}`);
  if (!Number.isInteger(opts.snmpPort) || opts.snmpPort < 1 || opts.snmpPort > 65_535) bad('snmpPort', `must be a UDP port 1-65535 (snmpsim cannot use 0), got ${opts.snmpPort}`);
  if (!Number.isInteger(opts.httpPort) || opts.httpPort < 0 || opts.httpPort > 65_535) bad('httpPort', `must be a TCP port 0-65535, got ${opts.httpPort}`);
}

export async function startLab(opts: LabOptions): Promise<Lab> {
  validate(opts);
  const logger = opts.logger.child({ component: 'lab' });
  const dataDir = path.resolve(opts.root, opts.dataDir);
  const venvBin = path.resolve(opts.root, opts.venvBin);
  const recordsDir = path.join(dataDir, 'snmprec');
  const cacheDir = path.join(dataDir, 'cache');
  const logFile = path.join(dataDir, 'snmpsim.log');
  const snmpHost = opts.snmpHost ?? LAB_DEFAULTS.snmpHost;

  // Only the folder this lab owns is wiped: a smaller lab must not keep serving old devices.
  await rm(recordsDir, { recursive: true, force: true });
  await mkdir(recordsDir, { recursive: true });
  await mkdir(cacheDir, { recursive: true });
  await writeFile(logFile, '');

  const plans: DevicePlan[] = [];
  for (let i = 0; i < opts.devices; i++) {
    const plan = planDevice(i, { seed: opts.seed ?? LAB_DEFAULTS.seed, interfaces: opts.interfaces ?? LAB_DEFAULTS.interfaces, deviceCount: opts.devices });
    await writeFile(path.join(recordsDir, `${plan.deviceId}.snmprec`), renderSnmprec(plan), 'utf8');
    plans.push(plan);
  }
  const devices = plans.map((p) => toLabDevice(p, snmpHost, opts.snmpPort));

  const snmpsim = await startSnmpsim({
    venvBin,
    recordsDir,
    cacheDir,
    logFile,
    host: snmpHost,
    port: opts.snmpPort,
    probeCommunity: devices[0].community,
    readyTimeoutMs: opts.readyTimeoutMs,
    logger,
  });
  let api: ControlApi;
  try {
    api = await startControlApi({ host: opts.httpHost ?? LAB_DEFAULTS.httpHost, port: opts.httpPort, devices: () => devices, healthy: snmpsim.running, logger });
    await writeLabInventory(path.join(dataDir, 'inventory.yaml'), devices);
  } catch (err) {
    await snmpsim.stop();
    throw err;
  }
  logger.info('lab started', { devices: devices.length, snmp: `${snmpHost}:${opts.snmpPort}`, url: api.url, dataDir });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await api.close();
      await snmpsim.stop();
      logger.info('lab stopped');
    })());
  return { devices, url: api.url, snmpsimPid: snmpsim.pid, close };
}
