// Renders a DevicePlan as snmpsim's .snmprec text: one `OID|TAG|VALUE` line per object, sorted by
// OID (snmpsim answers GETNEXT/GETBULK by searching the file, so order is a correctness matter).
//
// Moving values use snmpsim's `numeric` variation module (`TAG:numeric|rate=R,initial=I,wrap=1`):
// value = initial + rate × (seconds since the snmpsim process started), wrapped at the type's
// maximum. So a counter's rate is exactly the plan's rate, measured from any two reads. snmpsim
// does NOT serve sysUpTime on its own: the data file must carry it (here it moves at 100 cs/s).
//
// snmprec tags (checked against snmpsim 1.2.2's grammar): 2 Integer, 4 OctetString (4x = hex),
// 6 OID, 64 IpAddress, 65 Counter32, 66 Gauge32, 67 TimeTicks, 70 Counter64.

import type { DevicePlan, InterfacePlan } from './device-plan.js';
import type { PlatformId } from './platforms.js';
import { HEALTH_SECTIONS } from './health-mibs.js';
import { OPTICS_SECTIONS } from './optics.js';
import { lldpSection } from './lldp.js';
import { OpsError } from '../../common/errors.js';

export interface SnmprecRecord {
  oid: string;
  tag: string; // '70' or '70:numeric'
  value: string;
}

export type SnmprecSection = (device: DevicePlan) => SnmprecRecord[];

const SYSTEM = '1.3.6.1.2.1.1';
const IF_NUMBER = '1.3.6.1.2.1.2.1.0';
const IF_ENTRY = '1.3.6.1.2.1.2.2.1';
const IFX_ENTRY = '1.3.6.1.2.1.31.1.1.1';
const UINT32_MAX = 4_294_967_295;

function moving(rate: number, initial: number): string {
  return `rate=${rate},initial=${initial},wrap=1`;
}

const systemSection: SnmprecSection = (d) => [
  { oid: `${SYSTEM}.1.0`, tag: '4', value: d.sysDescr },
  { oid: `${SYSTEM}.2.0`, tag: '6', value: d.sysObjectID },
  { oid: `${SYSTEM}.3.0`, tag: '67:numeric', value: moving(100, d.initialUptimeCs) },
  { oid: `${SYSTEM}.4.0`, tag: '4', value: 'noc@opsconductor.test' },
  { oid: `${SYSTEM}.5.0`, tag: '4', value: d.hostname },
  { oid: `${SYSTEM}.6.0`, tag: '4', value: `${d.site} lab rack 1` },
  { oid: `${SYSTEM}.7.0`, tag: '2', value: '6' },
];

function ifTableRows(i: InterfacePlan): SnmprecRecord[] {
  const col = (c: number) => `${IF_ENTRY}.${c}.${i.index}`;
  const wrap32 = (n: number) => n % 2 ** 32;
  return [
    { oid: col(1), tag: '2', value: String(i.index) },
    { oid: col(2), tag: '4', value: i.name },
    { oid: col(3), tag: '2', value: '6' }, // ethernetCsmacd
    { oid: col(4), tag: '2', value: '9192' },
    { oid: col(5), tag: '66', value: String(Math.min(i.highSpeedMbps * 1_000_000, UINT32_MAX)) },
    { oid: col(6), tag: '4x', value: i.mac },
    { oid: col(7), tag: '2', value: i.adminStatus === 'up' ? '1' : '2' },
    { oid: col(8), tag: '2', value: i.operStatus === 'up' ? '1' : '2' },
    { oid: col(9), tag: '67', value: '0' },
    { oid: col(10), tag: '65:numeric', value: moving(i.inBps / 8, wrap32(i.initial.hcInOctets)) },
    { oid: col(11), tag: '65:numeric', value: moving(i.inPps, wrap32(i.initial.hcInPkts)) },
    { oid: col(13), tag: '65:numeric', value: moving(i.inDiscardsPerSec, i.initial.errors) },
    { oid: col(14), tag: '65:numeric', value: moving(i.inErrorsPerSec, i.initial.errors) },
    { oid: col(16), tag: '65:numeric', value: moving(i.outBps / 8, wrap32(i.initial.hcOutOctets)) },
    { oid: col(17), tag: '65:numeric', value: moving(i.outPps, wrap32(i.initial.hcOutPkts)) },
    { oid: col(19), tag: '65', value: '0' },
    { oid: col(20), tag: '65:numeric', value: moving(i.outErrorsPerSec, i.initial.errors) },
  ];
}

const ifTableSection: SnmprecSection = (d) => [
  { oid: IF_NUMBER, tag: '2', value: String(d.interfaces.length) },
  ...d.interfaces.flatMap(ifTableRows),
];

function ifXTableRows(i: InterfacePlan): SnmprecRecord[] {
  const col = (c: number) => `${IFX_ENTRY}.${c}.${i.index}`;
  return [
    { oid: col(1), tag: '4', value: i.name },
    { oid: col(6), tag: '70:numeric', value: moving(i.inBps / 8, i.initial.hcInOctets) },
    { oid: col(7), tag: '70:numeric', value: moving(i.inPps, i.initial.hcInPkts) },
    { oid: col(10), tag: '70:numeric', value: moving(i.outBps / 8, i.initial.hcOutOctets) },
    { oid: col(11), tag: '70:numeric', value: moving(i.outPps, i.initial.hcOutPkts) },
    { oid: col(15), tag: '66', value: String(i.highSpeedMbps) },
    { oid: col(18), tag: '4', value: i.alias },
  ];
}

const ifXTableSection: SnmprecSection = (d) => d.interfaces.flatMap(ifXTableRows);

// MIB sections every simulated device answers.
export const COMMON_SECTIONS: SnmprecSection[] = [systemSection, ifTableSection, ifXTableSection, lldpSection, ...HEALTH_SECTIONS.common];

// Platform-specific MIBs: the optical DOM tables of each family (optics.ts). Add a section
// function and list it under its platform; the renderer sorts everything.
export const PLATFORM_SECTIONS: Record<PlatformId, SnmprecSection[]> = {
  'cisco-iosxr': [...OPTICS_SECTIONS['cisco-iosxr'], ...HEALTH_SECTIONS['cisco-iosxr']],
  'juniper-junos': [...OPTICS_SECTIONS['juniper-junos']],
  'ciena-saos': [...OPTICS_SECTIONS['ciena-saos']],
};

export function compareOids(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return d;
  }
  return pa.length - pb.length;
}

function assertRecordIsWritable(r: SnmprecRecord): void {
  if (/[|\r\n]/.test(r.oid + r.value)) {
    throw new OpsError('LAB_SNMPREC_VALUE', `snmprec record ${r.oid} has a '|' or a line break in its value`);
  }
}

export function deviceRecords(device: DevicePlan): SnmprecRecord[] {
  const sections = [...COMMON_SECTIONS, ...PLATFORM_SECTIONS[device.platform]];
  return sections.flatMap((section) => section(device)).sort((a, b) => compareOids(a.oid, b.oid));
}

export function renderSnmprec(device: DevicePlan): string {
  const records = deviceRecords(device);
  let text = '';
  for (const r of records) {
    assertRecordIsWritable(r);
    text += `${r.oid}|${r.tag}|${r.value}\n`;
  }
  return text;
}
