// A simulated device described as plain numbers, before it becomes an .snmprec file. Everything
// comes from a PRNG seeded by (lab seed, deviceId), so a test can rebuild the plan and know the
// exact rate each counter moves at without asking the simulator.

import type { LldpNeighbour } from './lab-links.js';
import { LAB_SITES, PLATFORMS, PLATFORM_ROTATION, type Platform, type PlatformId } from './platforms.js';

export interface InterfacePlan {
  index: number; // ifIndex
  name: string; // ifName (and ifDescr)
  alias: string; // ifAlias
  highSpeedMbps: number; // ifHighSpeed
  operStatus: 'up' | 'down';
  /** A down port is either shut by an operator (admin down) or unplugged / failed (admin up). */
  adminStatus: 'up' | 'down';
  inBps: number; // bits/s; ifHCInOctets moves at inBps / 8 octets per second
  outBps: number;
  inPps: number; // unicast packets/s (ifHCInUcastPkts)
  outPps: number;
  inErrorsPerSec: number; // ifInErrors (Counter32), slow
  inDiscardsPerSec: number;
  outErrorsPerSec: number;
  initial: { hcInOctets: number; hcOutOctets: number; hcInPkts: number; hcOutPkts: number; errors: number };
  mac: string; // 12 hex digits
}

export interface DevicePlan {
  deviceId: string;
  hostname: string;
  platform: PlatformId;
  vendor: string;
  sysDescr: string;
  sysObjectID: string;
  site: string;
  role: string;
  initialUptimeCs: number; // sysUpTime at lab start, centiseconds
  interfaces: InterfacePlan[];
  /** Set by the lab once every device is planned (lab-links.ts): what its LLDP table serves. */
  lldpNeighbours?: LldpNeighbour[];
}

export const DEVICE_PLAN_DEFAULTS = {
  seed: 1,
  interfaces: 8,
  minRateBps: 1_000_000, // 1 Mbit/s
  maxRateBps: 400_000_000, // 400 Mbit/s
  downInterfaceShare: 0.1, // share of interfaces left oper-down (rate 0), as on any real box
};

// mulberry32: tiny, fast, good enough to make lab numbers look unrelated to each other
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashText(text: string): number {
  let h = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function labDeviceId(position: number): string {
  return `lab-r${position + 1}`;
}

function pick<T>(random: () => number, items: T[]): T {
  return items[Math.floor(random() * items.length)];
}

function between(random: () => number, min: number, max: number): number {
  return min + random() * (max - min);
}

function planInterface(random: () => number, platform: Platform, position: number, peer: string): InterfacePlan {
  const kind = platform.portKinds[position % 2 === 0 ? 0 : 1];
  const slot = Math.floor(position / 4);
  const name = kind.name(slot, position % 4);
  const down = position > 0 && random() < DEVICE_PLAN_DEFAULTS.downInterfaceShare;
  // Octet rates are whole octets per second, so a bit rate is always a multiple of 8: tests can
  // compare a counter delta to inBps / 8 without rounding noise.
  const octetsPerSec = (bps: number) => Math.round(bps / 8);
  const inOctetsPerSec = down ? 0 : octetsPerSec(between(random, DEVICE_PLAN_DEFAULTS.minRateBps, DEVICE_PLAN_DEFAULTS.maxRateBps));
  const outOctetsPerSec = down ? 0 : octetsPerSec(between(random, DEVICE_PLAN_DEFAULTS.minRateBps, DEVICE_PLAN_DEFAULTS.maxRateBps));
  const avgPacketOctets = Math.round(between(random, 400, 1_200));
  const mac = Array.from({ length: 6 }, (_, i) => (i === 0 ? 0x02 : Math.floor(random() * 256)).toString(16).padStart(2, '0')).join('');
  return {
    index: platform.firstIfIndex + position * platform.ifIndexStep,
    name,
    alias: `${peer} [CID-${String(Math.floor(random() * 90_000) + 10_000)}]`,
    highSpeedMbps: kind.speedMbps,
    operStatus: down ? 'down' : 'up',
    // Without drawing from the PRNG (the counter plan stays as it was): a down port of the first
    // slot was shut, a later one is admin up with nothing plugged in, so a lab has both.
    adminStatus: down && position < 4 ? 'down' : 'up',
    inBps: inOctetsPerSec * 8,
    outBps: outOctetsPerSec * 8,
    inPps: Math.round(inOctetsPerSec / avgPacketOctets),
    outPps: Math.round(outOctetsPerSec / avgPacketOctets),
    inErrorsPerSec: down ? 0 : Number(between(random, 0.001, 0.05).toFixed(4)),
    inDiscardsPerSec: down ? 0 : Number(between(random, 0.001, 0.05).toFixed(4)),
    outErrorsPerSec: down ? 0 : Number(between(random, 0, 0.01).toFixed(4)),
    // Counters start where a box up for weeks would be, yet far below 2^53 so that snmpsim's
    // float arithmetic stays exact for years of lab time.
    initial: {
      hcInOctets: Math.floor(random() * 2 ** 40),
      hcOutOctets: Math.floor(random() * 2 ** 40),
      hcInPkts: Math.floor(random() * 2 ** 32),
      hcOutPkts: Math.floor(random() * 2 ** 32),
      errors: Math.floor(random() * 1_000),
    },
    mac,
  };
}

export function planDevice(position: number, opts: { seed?: number; interfaces?: number; deviceCount?: number } = {}): DevicePlan {
  const seed = opts.seed ?? DEVICE_PLAN_DEFAULTS.seed;
  const interfaceCount = opts.interfaces ?? DEVICE_PLAN_DEFAULTS.interfaces;
  const deviceId = labDeviceId(position);
  const random = createRandom(hashText(`${seed}:${deviceId}`));
  const platform = PLATFORMS[PLATFORM_ROTATION[position % PLATFORM_ROTATION.length]];
  const site = LAB_SITES[position % LAB_SITES.length];
  const role = pick(random, platform.roles);
  const deviceCount = Math.max(opts.deviceCount ?? position + 2, 2);
  const interfaces: InterfacePlan[] = [];
  for (let i = 0; i < interfaceCount; i++) {
    const peerOffset = 1 + (i % (deviceCount - 1)); // never 0: a link never points at itself
    interfaces.push(planInterface(random, platform, i, `to ${labDeviceId((position + peerOffset) % deviceCount)}`));
  }
  return {
    deviceId,
    hostname: `${platform.hostnameStem}-${deviceId}.${site}.lab.opsconductor.test`,
    platform: platform.id,
    vendor: platform.vendor,
    sysDescr: platform.sysDescr,
    sysObjectID: platform.sysObjectID,
    site,
    role,
    initialUptimeCs: Math.floor(between(random, 1, 60) * 86_400 * 100), // 1 to 60 days
    interfaces,
  };
}
