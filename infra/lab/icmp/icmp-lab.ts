// ICMP targets for the lab: loopback addresses (every 127.0.0.x answers on Linux) and "paths":
// a network namespace joined to this one by a veth pair, with
//   - its own veth address, answered by its kernel (loss applies, no added delay),
//   - a TUN subnet routed behind it, answered by tun_responder.py (loss and delay apply),
//   - an address on the veth link that nobody holds (silent: fping sees 100 % loss).
// Addresses come from 10.203.0.0/16, used only on these veths and inside these namespaces: path
// k owns 10.203.k.0/24 (veth link .0/25, TUN subnet .128/25). Loss is a real iptables `statistic`
// drop inside the namespace, delay comes from the responder (this kernel has no netem).

import type { Logger } from '../../../common/log.js';
import { OpsError } from '../../../common/errors.js';
import { deleteNamespace, inNamespace, LAB_NETNS_PREFIX, linkExists, routeExists, setNamespaceLoss, sh, sweepStaleNamespaces } from './netns.js';
import { startTunResponder, type TunResponder } from './tun-responder.js';

export interface IcmpPath {
  name: string; // namespace
  index: number; // k of 10.203.k.0/24
  /** Answered by the namespace's kernel: loss applies, delay does not. */
  routerAddress: string;
  /** Answered by the TUN responder after the path's delay; i in 0..99. */
  delayedAddress(i?: number): string;
  /** On the link, held by nobody: never answers. */
  silentAddress: string;
  setLoss(ratio: number): Promise<void>;
  setDelay(delayMs: number, jitterMs?: number): Promise<void>;
  state(): { loss: number; delayMs: number; jitterMs: number };
  close(): Promise<void>;
}

export interface IcmpLab {
  loopbackTargets: string[];
  paths: IcmpPath[];
  path(name: string): IcmpPath | undefined;
  close(): Promise<void>;
}

export const ICMP_LAB_DEFAULTS = {
  subnetIndexMin: 1,
  subnetIndexMax: 250,
  setupAttempts: 8, // another run may grab the same k between our check and our `ip link add`
};

async function freeIndex(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const k = ICMP_LAB_DEFAULTS.subnetIndexMin + Math.floor(Math.random() * (ICMP_LAB_DEFAULTS.subnetIndexMax - ICMP_LAB_DEFAULTS.subnetIndexMin));
    if (!(await linkExists(`ocv${k}r`)) && !(await routeExists(`10.203.${k}.0/24`))) return k;
  }
  throw new OpsError('LAB_NETNS_FAILED', 'lab network: no free 10.203.k.0/24 subnet for a new path');
}

export async function createIcmpPath(logger: Logger): Promise<IcmpPath> {
  let lastError: unknown;
  for (let attempt = 0; attempt < ICMP_LAB_DEFAULTS.setupAttempts; attempt++) {
    const k = await freeIndex();
    const ns = `${LAB_NETNS_PREFIX}${process.pid}-${k}`;
    try {
      return await buildPath(ns, k, logger);
    } catch (err) {
      lastError = err;
      await deleteNamespace(ns);
    }
  }
  throw lastError;
}

async function buildPath(ns: string, k: number, logger: Logger): Promise<IcmpPath> {
  const hostIf = `ocv${k}r`;
  const nsIf = `ocv${k}n`;
  const net = `10.203.${k}`;
  await sh('ip', ['netns', 'add', ns]);
  await sh('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf, 'netns', ns]);
  await sh('ip', ['addr', 'add', `${net}.1/25`, 'dev', hostIf]);
  await sh('ip', ['link', 'set', hostIf, 'up']);
  await sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  await sh('ip', ['-n', ns, 'addr', 'add', `${net}.2/25`, 'dev', nsIf]);
  await sh('ip', ['-n', ns, 'link', 'set', nsIf, 'up']);
  await inNamespace(ns, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
  let responder: TunResponder | undefined;
  try {
    responder = await startTunResponder(ns, 'octun0');
    await sh('ip', ['-n', ns, 'addr', 'add', `${net}.129/25`, 'dev', 'octun0']);
    await sh('ip', ['-n', ns, 'link', 'set', 'octun0', 'up']);
    await sh('ip', ['route', 'add', `${net}.128/25`, 'via', `${net}.2`, 'dev', hostIf]);
  } catch (err) {
    await responder?.close();
    throw err;
  }
  const state = { loss: 0, delayMs: 0, jitterMs: 0 };
  let closed = false;
  logger.info('icmp lab path up', { namespace: ns, subnet: `${net}.0/24` });
  return {
    name: ns,
    index: k,
    routerAddress: `${net}.2`,
    delayedAddress: (i = 0) => {
      if (!(Number.isInteger(i) && i >= 0 && i < 100)) throw new OpsError('LAB_BAD_SCENARIO', `delayed address index must be 0..99, got ${i}`);
      return `${net}.${130 + i}`;
    },
    silentAddress: `${net}.100`,
    async setLoss(ratio) {
      await setNamespaceLoss(ns, nsIf, ratio);
      state.loss = ratio;
    },
    async setDelay(delayMs, jitterMs = 0) {
      await responder.set(delayMs, jitterMs);
      state.delayMs = delayMs;
      state.jitterMs = jitterMs;
    },
    state: () => ({ ...state }),
    async close() {
      if (closed) return;
      closed = true;
      await responder.close();
      await deleteNamespace(ns);
      logger.info('icmp lab path down', { namespace: ns });
    },
  };
}

/** Starts `paths` namespaces after sweeping those left by dead runs; loopback targets need nothing. */
export async function startIcmpLab(opts: { paths: number; loopbackTargets?: number; logger: Logger }): Promise<IcmpLab> {
  if (opts.paths > 0) {
    const swept = await sweepStaleNamespaces();
    if (swept.length) opts.logger.warn('icmp lab removed namespaces of dead runs', { namespaces: swept });
  }
  const paths: IcmpPath[] = [];
  const close = async () => {
    for (const p of paths.splice(0)) await p.close();
  };
  try {
    for (let i = 0; i < opts.paths; i++) paths.push(await createIcmpPath(opts.logger));
  } catch (err) {
    await close();
    throw err;
  }
  const loopbackTargets = Array.from({ length: opts.loopbackTargets ?? 4 }, (_, i) => `127.0.0.${i + 1}`);
  return { loopbackTargets, paths, path: (name) => paths.find((p) => p.name === name), close };
}
