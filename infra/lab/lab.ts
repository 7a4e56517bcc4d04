// The simulated device lab: N devices planned from a seed, served on one UDP endpoint (each device
// is a v2c community there, and an SNMPv3 context for the lab's v3 users) by one snmpsim process
// or by the in-process agent (snmp-agents.ts), a small HTTP control API, and an inventory file
// that points the collectors at it.
// Optionally the recorded walks that ship with snmpsim (real Linux / Windows agents) are served
// too, under the communities "recorded/<name>": devices nobody here modelled.
//
// <dataDir>/snmprec/<community>.snmprec   one data file per device (rewritten at every start)
// <dataDir>/snmprec/recorded/<name>.snmprec  copies of snmpsim's recorded walks, when asked for
// <dataDir>/cache/                         snmpsim's indices (snmpsim engine)
// <dataDir>/snmpsim.log                    the simulator's own log (read it when a start fails)
// <dataDir>/inventory.yaml                 the devices as Device records, naming their credentials
// <dataDir>/credentials.enc.json, .key      the credentials, when no store was given (lab-credentials.ts)

import { copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../common/log.js';
import { startControlApi, type ControlApi } from './control-api.js';
import { DEVICE_PLAN_DEFAULTS, planDevice, type DevicePlan } from './device-plan.js';
import { labSnmpCredentials, writeLabInventory } from './inventory-file.js';
import { openLabCredentialStore, type LabCredentialStore } from './lab-credentials.js';
import type { PlatformId } from './platforms.js';
import { renderSnmprec } from './snmprec.js';
import { labCables, lldpNeighbours, type LabCable } from './lab-links.js';
import { venvHasPythonModule } from './snmpsim-process.js';
import { startSnmpAgents, type SnmpAgentEngine } from './snmp-agents.js';
import { portOptics, type PortOptics } from './optics.js';
import { LAB_V3_USERS, type LabV3User } from './v3-users.js';
import { startProtocolLabs, type ProtocolLabs } from './protocol-labs.js';
import { labTraps, type AlarmScenario, type LinkScenario } from './lab-traps.js';
import { snmpPortLight, type PortLight, type SharedInterface } from './shared-ports.js';
import type { TrapReceiverAddress } from './trap-sender.js';
import { OpsError } from '../../common/errors.js';

export interface LabOptions {
  root: string; // project root: relative dataDir / venvBin resolve from here
  dataDir: string;
  devices: number;
  interfaces?: number; // per device
  seed?: number; // same seed, same devices and rates
  snmpHost?: string;
  /** The address collectors use for the agents, when it is not snmpHost (0.0.0.0 in a container). */
  advertisedAddress?: string;
  snmpPort: number;
  /** Who answers SNMP: snmpsim (default; pysnmp's USM, ~32 polls/s) or the in-process agent (hundreds). */
  snmpAgent?: SnmpAgentEngine;
  httpPort: number; // 0 picks a free port (see Lab.url)
  httpHost?: string;
  venvBin: string;
  readyTimeoutMs?: number;
  /** snmpsim's recorded walks to serve as extra agents (e.g. "linux-full-walk"); none by default. */
  recordedWalks?: string[];
  /** SNMPv3 users to serve; LAB_V3_USERS by default (authPriv ones only when pysnmp can encrypt). */
  v3Users?: LabV3User[];
  /** Trap receivers the devices notify when a scenario changes them (none by default). */
  trapTargets?: TrapReceiverAddress[];
  /** SSH CLIs, the MCP simulator and ICMP paths beside the SNMP agents (none by default). */
  protocols?: { ssh: boolean; mcp: boolean; icmpPaths: number };
  /** Where the devices' credentials go (the collectors' store); by default one of the lab's own in dataDir. */
  credentials?: LabCredentialStore;
  logger: Logger;
}

export interface LabRecordedAgent {
  name: string; // e.g. "linux-full-walk"
  address: string;
  port: number;
  community: string; // "recorded/<name>"
}

export interface LabInterface {
  index: number;
  name: string;
  alias: string;
  highSpeedMbps: number;
  operStatus: 'up' | 'down';
  adminStatus: 'up' | 'down';
  inBps: number; // bits/s the in-octet counters move at
  outBps: number;
  inPps: number;
  outPps: number;
  optics: PortOptics; // transceiver levels the platform's DOM MIB reports
}

export interface LabDevice {
  deviceId: string;
  hostname: string;
  address: string;
  port: number;
  community: string;
  v3Context: string; // SNMPv3 context name selecting this device (= its community)
  platform: PlatformId;
  vendor: string;
  site: string;
  role: string;
  interfaces: LabInterface[];
}

export interface Lab {
  devices: LabDevice[];
  /** The cables between lab ports: NetBox's intended state, and what LLDP reports from both ends. */
  cables: LabCable[];
  recorded: LabRecordedAgent[];
  v3Users: LabV3User[];
  url: string; // control API base URL
  snmpAgent: SnmpAgentEngine;
  snmpsimPid: number | null; // null when the in-process agent answers
  /** The store holding the credentials the inventory names, and the lab's own key file when it made one. */
  credentials: { file: string; keyFile: string | null };
  /** Where a collector reaches the MCP simulator, when it runs (also in <dataDir>/mcp.json). */
  mcp: { url: string; username: string; password: string } | null;
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
    v3Context: plan.deviceId,
    platform: plan.platform,
    vendor: plan.vendor,
    site: plan.site,
    role: plan.role,
    interfaces: plan.interfaces.map((i, position) => ({
      index: i.index,
      name: i.name,
      alias: i.alias,
      highSpeedMbps: i.highSpeedMbps,
      operStatus: i.operStatus,
      adminStatus: i.adminStatus,
      inBps: i.inBps,
      outBps: i.outBps,
      inPps: i.inPps,
      outPps: i.outPps,
      optics: portOptics(plan.deviceId, position, i),
    })),
  };
}

function validate(opts: LabOptions): void {
  const bad = (key: string, why: string) => {
    throw new OpsError('LAB_CONFIG', `lab option ${key} ${why}`);
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
  const credentials = opts.credentials ?? openLabCredentialStore({}, dataDir);

  // Only the folder this lab owns is wiped: a smaller lab must not keep serving old devices.
  await rm(recordsDir, { recursive: true, force: true });
  await mkdir(recordsDir, { recursive: true });
  await mkdir(cacheDir, { recursive: true });
  await writeFile(logFile, '');
  await rm(path.join(dataDir, 'mcp.json'), { force: true }); // only a running simulator's account is left

  const plans: DevicePlan[] = [];
  for (let i = 0; i < opts.devices; i++) plans.push(planDevice(i, { seed: opts.seed ?? LAB_DEFAULTS.seed, interfaces: opts.interfaces ?? LAB_DEFAULTS.interfaces, deviceCount: opts.devices }));
  // Cables join two plans, so every device is planned before any LLDP table is written.
  const cables = labCables(plans);
  const neighbours = lldpNeighbours(cables);
  for (const plan of plans) {
    plan.lldpNeighbours = neighbours.get(plan.deviceId) ?? [];
    await writeFile(path.join(recordsDir, `${plan.deviceId}.snmprec`), renderSnmprec(plan), 'utf8');
  }
  const address = opts.advertisedAddress ?? snmpHost;
  const devices = plans.map((p) => toLabDevice(p, address, opts.snmpPort));
  const recorded = await copyRecordedWalks(venvBin, recordsDir, opts.recordedWalks ?? [], address, opts.snmpPort);
  const engine = opts.snmpAgent ?? 'snmpsim';
  let v3Users = opts.v3Users ?? LAB_V3_USERS;
  if (engine === 'snmpsim' && !opts.v3Users && !venvHasPythonModule(venvBin, 'cryptography')) {
    logger.warn('python package "cryptography" missing from the venv: the lab serves no SNMPv3 authPriv users', { venvBin });
    v3Users = v3Users.filter((u) => u.level !== 'authPriv');
  }

  const snmpSinceMs = Date.now(); // the agents' `numeric` drift counts from about now
  const agents = await startSnmpAgents({
    engine,
    venvBin,
    recordsDir,
    communities: [...devices.map((d) => d.community), ...recorded.map((r) => r.community)],
    cacheDir,
    logFile,
    host: snmpHost,
    port: opts.snmpPort,
    readyTimeoutMs: opts.readyTimeoutMs,
    v3Users,
    logger,
  });
  // The SNMP agents' reboot scenario: every counter restarts from its initial value and sysUpTime
  // with it, as a power cycle of the simulated devices would.
  const traps = labTraps({ targets: opts.trapTargets ?? [], serve: (community, changes) => agents.serve(community, changes), logger });
  const rebootAgents = async () => {
    await agents.reboot();
    logger.info('snmp agents rebooted (counters and sysUpTime restarted)', { engine, pid: agents.pid });
    const sent = await traps.coldStart(devices);
    return { applied: ['snmp agents rebooted', ...(sent ? [`coldStart sent by ${sent} devices`] : [])] };
  };
  let api: ControlApi;
  let protocols: ProtocolLabs | undefined;
  try {
    // A port's light is one state for every protocol: what an SSH scenario does to it, the SNMP agent serves too.
    const onPortLight = async (deviceId: string, iface: SharedInterface, light: PortLight) => {
      const d = devices.find((x) => x.deviceId === deviceId)!;
      await agents.serve(d.community, snmpPortLight(d.platform, iface, light));
    };
    if (opts.protocols) protocols = await startProtocolLabs(devices, { ...opts.protocols, cables, snmpSinceMs, onPortLight, logger });
    const scenarios = {
      describe: () => protocols?.describe() ?? {},
      scenario: async (kind: string, body: unknown) => {
        if (kind === 'snmp') {
          const b = body as { reboot?: unknown; link?: LinkScenario; alarm?: AlarmScenario } | null;
          if (b?.link && typeof b.link === 'object') return traps.link(devices, b.link);
          if (b?.alarm && typeof b.alarm === 'object') return traps.alarm(devices, b.alarm);
          if (b?.reboot !== true) throw new OpsError('LAB_BAD_SCENARIO', 'snmp scenario: {"reboot": true}, {"link": {"deviceId", "ifIndex" or "ifName", "up"}} or {"alarm": {"deviceId", "fan" | "supply" | "ifIndex" | "ifName", "failed"}}');
          return rebootAgents();
        }
        if (!protocols) throw new OpsError('LAB_BAD_SCENARIO', `no ${kind} lab is running`);
        return protocols.scenario(kind, body);
      },
    };
    api = await startControlApi({ host: opts.httpHost ?? LAB_DEFAULTS.httpHost, port: opts.httpPort, devices: () => devices, healthy: () => agents.running(), protocols: scenarios, logger });
    await credentials.store.putAll({ ...labSnmpCredentials(devices), ...protocols?.credentials() }); // before the inventory that names them
    await writeLabInventory(path.join(dataDir, 'inventory.yaml'), devices, Date.now(), protocols?.labelsFor);
    if (protocols?.mcp) await writeFile(path.join(dataDir, 'mcp.json'), JSON.stringify(protocols.mcp), { mode: 0o600 });
  } catch (err) {
    await protocols?.close();
    await agents.stop();
    throw err;
  }
  logger.info('lab started', { devices: devices.length, snmp: `${snmpHost}:${opts.snmpPort}`, snmpAgent: engine, url: api.url, dataDir });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await api.close();
      await protocols?.close();
      await agents.stop();
      logger.info('lab stopped');
    })());
  return {
    devices,
    cables,
    recorded,
    v3Users,
    credentials: { file: credentials.file, keyFile: credentials.keyFile },
    url: api.url,
    snmpAgent: engine,
    get snmpsimPid() {
      return agents.pid;
    },
    mcp: protocols?.mcp ?? null,
    close,
  };
}

// snmpsim ships its recorded walks inside the package: <venv>/lib/python3.X/site-packages/snmpsim/data/recorded
async function copyRecordedWalks(venvBin: string, recordsDir: string, names: string[], address: string, port: number): Promise<LabRecordedAgent[]> {
  if (names.length === 0) return [];
  const lib = path.join(venvBin, '..', 'lib');
  const python = (await readdir(lib)).find((d) => d.startsWith('python3'));
  const source = path.join(lib, python ?? 'python3', 'site-packages', 'snmpsim', 'data', 'recorded');
  await mkdir(path.join(recordsDir, 'recorded'), { recursive: true });
  const agents: LabRecordedAgent[] = [];
  for (const name of names) {
    try {
      await copyFile(path.join(source, `${name}.snmprec`), path.join(recordsDir, 'recorded', `${name}.snmprec`));
    } catch (err) {
      throw new OpsError('LAB_CONFIG', `snmpsim recorded walk ${name} is not in ${source} (${(err as NodeJS.ErrnoException).code})`);
    }
    agents.push({ name, address, port, community: `recorded/${name}` });
  }
  return agents;
}
