// Device health MIBs of the simulated devices, with a fault in some of them so the profiles that
// read them have something to show (the lab's "scenarios" in data, the same for both engines):
//   HOST-RESOURCES-MIB hrProcessorLoad   two processors a device (hrDeviceIndex 768, 769), load
//                                        drifting 15-45 %; pegged at 97-99 % on lab-r2, lab-r7, …
//   HOST-RESOURCES-MIB hrStorageTable    RAM 16 GiB in 4 KiB units, 40-60 % used (92 % where the
//                                        CPU is pegged), and a flash row that is not memory
//   BGP4-MIB bgpPeerTable                three peers a device (10.255.<n>.1-3), established (6);
//                                        on lab-r3, lab-r8, … the third peer dropped to active (3)
//   CISCO-ENVMON-MIB (cisco-iosxr only)  three temperatures, four fans, two power supplies, normal
//                                        (1); on lab-r1, lab-r6, … fan 4 failed (critical, 3)
import type { DevicePlan } from './device-plan.js';
import type { SnmprecRecord, SnmprecSection } from './snmprec.js';

const HR_PROCESSOR_LOAD = '1.3.6.1.2.1.25.3.3.1.2';
const HR_STORAGE_ENTRY = '1.3.6.1.2.1.25.2.3.1';
const HR_STORAGE_RAM = '1.3.6.1.2.1.25.2.1.2';
const HR_STORAGE_FLASH = '1.3.6.1.2.1.25.2.1.9'; // hrStorageFlashMemory: not memory in use
const BGP_PEER_ENTRY = '1.3.6.1.2.1.15.3.1';
const ENVMON = '1.3.6.1.4.1.9.9.13.1';

const deviceNumber = (d: DevicePlan) => Number(/(\d+)$/.exec(d.deviceId)?.[1] ?? 0);
/** The faults, by device number (lab-r<N>), one device in five each. */
export const LAB_FAULTS = {
  cpuPegged: (d: DevicePlan) => deviceNumber(d) % 5 === 2,
  bgpPeerDown: (d: DevicePlan) => deviceNumber(d) % 5 === 3,
  fanFailed: (d: DevicePlan) => deviceNumber(d) % 5 === 1 && d.platform === 'cisco-iosxr',
};

export const BGP_STATE = { idle: 1, active: 3, established: 6 } as const;
export const ENV_STATE = { normal: 1, critical: 3 } as const;

export function bgpPeers(d: DevicePlan): Array<{ address: string; remoteAs: number; state: number }> {
  const n = deviceNumber(d) % 250;
  return [1, 2, 3].map((k) => ({
    address: `10.255.${n}.${k}`,
    remoteAs: 64_512 + k,
    state: k === 3 && LAB_FAULTS.bgpPeerDown(d) ? BGP_STATE.active : BGP_STATE.established,
  }));
}

const hostResources: SnmprecSection = (d) =>
  [768, 769].map((index, k) => ({
    oid: `${HR_PROCESSOR_LOAD}.${index}`,
    tag: '2:numeric',
    value: LAB_FAULTS.cpuPegged(d) ? `function=sin,rate=0.05,scale=1,initial=98,min=97,max=99` : `function=sin,rate=${(0.01 + k * 0.003).toFixed(3)},scale=15,initial=30,min=15,max=45`,
  }));

/** RAM in use, percent, as the lab serves it (hrStorageUsed / hrStorageSize of the RAM row). */
export function labMemoryUsedPct(d: DevicePlan): number {
  return LAB_FAULTS.cpuPegged(d) ? 92 : 40 + (deviceNumber(d) % 5) * 5;
}

const hostStorage: SnmprecSection = (d) => {
  const size = 4_194_304; // 16 GiB in 4 KiB allocation units
  const rows: Array<[number, string, string, number]> = [
    [1, HR_STORAGE_RAM, 'Physical memory', Math.round((size * labMemoryUsedPct(d)) / 100)],
    [2, HR_STORAGE_FLASH, 'disk0:', 1_000_000],
  ];
  return rows.flatMap(([index, type, descr, used]) => [
    { oid: `${HR_STORAGE_ENTRY}.2.${index}`, tag: '6', value: type },
    { oid: `${HR_STORAGE_ENTRY}.3.${index}`, tag: '4', value: descr },
    { oid: `${HR_STORAGE_ENTRY}.4.${index}`, tag: '2', value: '4096' },
    { oid: `${HR_STORAGE_ENTRY}.5.${index}`, tag: '2', value: String(size) },
    { oid: `${HR_STORAGE_ENTRY}.6.${index}`, tag: '2', value: String(used) },
  ]);
};

const bgp: SnmprecSection = (d) =>
  bgpPeers(d).flatMap((p) => [
    { oid: `${BGP_PEER_ENTRY}.2.${p.address}`, tag: '2', value: String(p.state) },
    { oid: `${BGP_PEER_ENTRY}.9.${p.address}`, tag: '2', value: String(p.remoteAs) },
    { oid: `${BGP_PEER_ENTRY}.15.${p.address}`, tag: '65', value: p.state === BGP_STATE.established ? '1' : '2' },
  ]);

const envmon: SnmprecSection = (d) => {
  const rows: SnmprecRecord[] = [];
  ['Inlet', 'Outlet', 'CPU'].forEach((name, k) => {
    rows.push({ oid: `${ENVMON}.3.1.2.${k + 1}`, tag: '4', value: `${name} Temperature` });
    rows.push({ oid: `${ENVMON}.3.1.3.${k + 1}`, tag: '66', value: String(28 + k * 9) });
  });
  for (let k = 1; k <= 4; k++) {
    rows.push({ oid: `${ENVMON}.4.1.2.${k}`, tag: '4', value: `Fan Tray ${k}` });
    rows.push({ oid: `${ENVMON}.4.1.3.${k}`, tag: '2', value: String(k === 4 && LAB_FAULTS.fanFailed(d) ? ENV_STATE.critical : ENV_STATE.normal) });
  }
  for (let k = 1; k <= 2; k++) {
    rows.push({ oid: `${ENVMON}.5.1.2.${k}`, tag: '4', value: `Power Supply ${k}` });
    rows.push({ oid: `${ENVMON}.5.1.3.${k}`, tag: '2', value: String(ENV_STATE.normal) });
  }
  return rows;
};

export const HEALTH_SECTIONS = { common: [hostResources, hostStorage, bgp], 'cisco-iosxr': [envmon] };
