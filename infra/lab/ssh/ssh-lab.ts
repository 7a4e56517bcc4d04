// SSH devices for the lab: one ssh2 Server per simulated device, each on its own loopback port
// with its own host key and password, answering the platform commands of the SSH collector with
// live, moving optical readings. Scenarios (callable from the lab's HTTP API): degrade a port's
// receive power, take a link down, make a device silent or answer garbage, replace its host key.

import ssh2, { type Server, type ServerConnection } from 'ssh2';
import type { Logger } from '../../../common/log.js';
import { OpsError } from '../../../common/errors.js';
import { runCliShell, type DeviceMode } from './cli-shell.js';
import { DeviceState, type PortBaseline } from './device-state.js';
import { labCliPlatform, PLATFORM_CLIS, type LabPlatform } from './platform-cli.js';

export interface SshLabDeviceSpec {
  deviceId: string;
  platform: LabPlatform | string; // also the SNMP lab's ids: "juniper-junos", "cisco-iosxr", "ciena-saos"
  ports?: string[]; // default: four ports named as the platform names them
  optics?: PortBaseline[]; // starting levels per port (default: derived from the device's position)
  port?: number; // TCP port; default: any free one
  /** The device keeps paging even after the paging-off command (a user profile overriding it). */
  ignorePagingOff?: boolean;
}

export interface SshLabDevice {
  deviceId: string;
  platform: LabPlatform;
  address: string;
  port: number;
  username: string;
  password: string;
  ports: string[];
  state: DeviceState;
  /** Receive power of `port` lowered by `db` dB (0 restores it). */
  degrade(port: string, db: number): void;
  setLinkDown(port: string, down: boolean): void;
  setMode(mode: DeviceMode): void;
  /** Restarts the device's server with a new host key on the same port. */
  replaceHostKey(): Promise<void>;
  /** Connections and shells opened so far (session reuse shows as one). */
  stats(): { connections: number; shells: number };
}

export interface SshLab {
  devices: SshLabDevice[];
  device(id: string): SshLabDevice | undefined;
  close(): Promise<void>;
}

const USERNAME = 'lab';

// ssh2 occasionally generates an ed25519 key its own parser then rejects ("Malformed OpenSSH
// private key", about 1 in 300 here): keep only a key that parses.
export function labHostKey(): string {
  for (;;) {
    const key = ssh2.utils.generateKeyPairSync('ed25519').private;
    if (!(ssh2.utils.parseKey(key) instanceof Error)) return key;
  }
}

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server.address().port;
}

async function startDevice(spec: SshLabDeviceSpec, seed: number, logger: Logger): Promise<{ device: SshLabDevice; close(): Promise<void> }> {
  const platform = labCliPlatform(spec.platform);
  if (!platform) throw new OpsError('LAB_BAD_DEVICE', `ssh lab: unknown platform "${spec.platform}" for ${spec.deviceId}`);
  const cli = PLATFORM_CLIS[platform];
  const ports = spec.ports ?? cli.defaultPorts;
  const state = new DeviceState(ports, seed, spec.optics);
  const password = `pw-${spec.deviceId}`;
  const hostname = spec.deviceId;
  let mode: DeviceMode = 'normal';
  const counts = { connections: 0, shells: 0 };
  const clients = new Set<ServerConnection>();

  const onClient = (client: ServerConnection) => {
    counts.connections++;
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => clients.delete(client));
    client.on('authentication', (ctx) => {
      if (ctx.method === 'password' && ctx.username === USERNAME && ctx.password === password) return ctx.accept();
      ctx.reject(['password']);
    });
    client.on('session', (acceptSession) => {
      const session = acceptSession();
      session.on('pty', (accept) => accept?.());
      session.on('window-change', (accept) => (accept as (() => void) | undefined)?.());
      session.on('env', (accept) => (accept as (() => void) | undefined)?.());
      session.on('shell', (accept) => {
        counts.shells++;
        const stream = accept();
        runCliShell(stream, { hostname, cli, state, mode: () => mode, ignorePagingOff: spec.ignorePagingOff ?? false });
      });
      session.on('exec', (_accept, reject) => reject());
    });
  };

  let server = new ssh2.Server({ hostKeys: [labHostKey()] }, onClient);
  const port = await listen(server, spec.port ?? 0);
  const closeServer = async () => {
    for (const c of clients) c.end();
    await new Promise<void>((r) => server.close(() => r()));
  };
  const portOf = (name: string) => {
    const p = state.port(name);
    if (!p) throw new OpsError('LAB_BAD_SCENARIO', `ssh lab: device ${spec.deviceId} has no port "${name}"; ports: ${ports.join(', ')}`);
    return p;
  };
  logger.info('ssh lab device up', { deviceId: spec.deviceId, platform: spec.platform, port });

  const device: SshLabDevice = {
    deviceId: spec.deviceId,
    platform,
    address: '127.0.0.1',
    port,
    username: USERNAME,
    password,
    ports,
    state,
    degrade: (name, db) => void (portOf(name).degradeDb = db),
    setLinkDown: (name, down) => void (portOf(name).linkDown = down),
    setMode: (m) => void (mode = m),
    async replaceHostKey() {
      await closeServer();
      server = new ssh2.Server({ hostKeys: [labHostKey()] }, onClient);
      await listen(server, port);
    },
    stats: () => ({ ...counts }),
  };
  return { device, close: closeServer };
}

export async function startSshLab(opts: { devices: SshLabDeviceSpec[]; logger: Logger }): Promise<SshLab> {
  const started: Array<{ device: SshLabDevice; close(): Promise<void> }> = [];
  const close = async () => {
    for (const s of started.splice(0)) await s.close();
  };
  try {
    for (const [i, spec] of opts.devices.entries()) started.push(await startDevice(spec, i + 1, opts.logger));
  } catch (err) {
    await close();
    throw err;
  }
  const devices = started.map((s) => s.device);
  return { devices, device: (id) => devices.find((d) => d.deviceId === id), close };
}
