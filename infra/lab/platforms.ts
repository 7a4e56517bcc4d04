// The device families the lab imitates. A platform decides what a poller can tell apart from the
// wire alone (sysDescr, sysObjectID, interface naming, ifIndex numbering), which is exactly what
// platform detection and per-vendor profiles will key on later. Values are plausible, not copies of
// any one box.

export type PlatformId = 'cisco-iosxr' | 'juniper-junos' | 'ciena-saos';

export interface PortKind {
  speedMbps: number; // ifHighSpeed
  name: (slot: number, port: number) => string;
}

export interface Platform {
  id: PlatformId;
  vendor: string;
  sysDescr: string;
  sysObjectID: string;
  roles: string[]; // roles this family usually plays in a network
  firstIfIndex: number; // real agents rarely number interfaces from 1: keeps pollers honest
  ifIndexStep: number;
  portKinds: PortKind[];
  hostnameStem: string;
}

export const PLATFORMS: Record<PlatformId, Platform> = {
  'cisco-iosxr': {
    id: 'cisco-iosxr',
    vendor: 'cisco',
    sysDescr: 'Cisco IOS XR Software (ASR9K), Version 7.9.2 Copyright (c) 2013-2023 by Cisco Systems, Inc.',
    sysObjectID: '1.3.6.1.4.1.9.1.1017', // ciscoASR9010
    roles: ['core', 'edge'],
    firstIfIndex: 3,
    ifIndexStep: 1,
    portKinds: [
      { speedMbps: 100_000, name: (s, p) => `HundredGigE0/0/${s}/${p}` },
      { speedMbps: 10_000, name: (s, p) => `TenGigE0/1/${s}/${p}` },
    ],
    hostnameStem: 'asr',
  },
  'juniper-junos': {
    id: 'juniper-junos',
    vendor: 'juniper',
    sysDescr:
      'Juniper Networks, Inc. mx480 internet router, kernel JUNOS 22.4R3.25, Build date: 2024-03-01 00:00:00 UTC Copyright (c) 1996-2024 Juniper Networks, Inc.',
    sysObjectID: '1.3.6.1.4.1.2636.1.1.1.2.25', // jnxProductNameMX480
    roles: ['edge', 'peering'],
    firstIfIndex: 510,
    ifIndexStep: 1,
    portKinds: [
      { speedMbps: 100_000, name: (s, p) => `et-0/${s}/${p}` },
      { speedMbps: 10_000, name: (s, p) => `xe-1/${s}/${p}` },
    ],
    hostnameStem: 'mx',
  },
  'ciena-saos': {
    id: 'ciena-saos',
    vendor: 'ciena',
    sysDescr: 'Ciena 5164 Service Aggregation Switch, SAOS 10.10.1 build 227',
    sysObjectID: '1.3.6.1.4.1.1271.1.2.1.50', // ciena enterprise arc; product leaf is illustrative
    roles: ['transport', 'access'],
    firstIfIndex: 1,
    ifIndexStep: 1,
    portKinds: [
      { speedMbps: 10_000, name: (s, p) => `${s + 1}/${p + 1}` },
      { speedMbps: 100_000, name: (s, p) => `${s + 1}/${p + 1}` },
    ],
    hostnameStem: 'saos',
  },
};

// Round-robin order used when a lab of N devices is built: a small lab still has every family.
export const PLATFORM_ROTATION: PlatformId[] = ['cisco-iosxr', 'juniper-junos', 'ciena-saos'];

export const LAB_SITES = ['nyc1', 'lon1', 'fra1', 'sin1'];
