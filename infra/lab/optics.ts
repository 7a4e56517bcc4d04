// Optical transceiver readings (DOM) of the simulated devices, in each platform's own MIB and unit:
//   cisco-iosxr   CISCO-ENTITY-SENSOR-MIB entSensorValueTable (type dBm(14), scale units(9),
//                 precision 1: tenths of dBm) and the same sensors in ENTITY-SENSOR-MIB
//                 entPhySensorTable as watts(6), scale micro(7), precision 1 (tenths of µW);
//                 sensors are entPhysical entries named as IOS XR names them, after the optics
//                 controller ("Optics0/0/0/0 Rx Power"), not after the interface: the sensors sit in
//                 the transceiver module, the module in the port entity, and ENTITY-MIB's
//                 entAliasMappingTable maps the port entity to its ifIndex (the only way to the
//                 interface's name, as on the real platform)
//   juniper-junos JUNIPER-DOM-MIB jnxDomCurrentTable by ifIndex: Rx .5, Tx .7, 0.01 dBm
//   ciena-saos    WWP-LEOS-PORT-XCVR-MIB wwpLeosPortXcvrTable by port: Rx .105, Tx .106, dBm × 10000
// Each transceiver also reports its receive alarm and warning limits (the thresholds columns of the
// same MIBs: Juniper .9-.12, Ciena .109/.110 alarms only, Cisco entSensorThresholdTable), typical of
// its kind: a 100G LR4 QSFP28 tighter than a 10G LR SFP+.
// Levels drift around a per-port baseline as a slow sine (snmpsim `numeric` with function=sin),
// each port at its own rate, so successive polls differ plausibly. A down port receives no
// light: Rx sits at -40 dBm (0 µW), as real optics report loss of signal.

import { createRandom } from './device-plan.js';
import type { DevicePlan, InterfacePlan } from './device-plan.js';
import type { SnmprecRecord, SnmprecSection } from './snmprec.js';

export interface PortOptics {
  rxDbm: number; // baseline; -40 when the port is down
  txDbm: number;
  amplitudeDb: number; // the reading stays within baseline ± amplitude (plus the unit's rounding)
  ratePerSec: number; // radians per second of the sine
  sensorIndex: { rx: number; tx: number }; // entPhysicalIndex of the sensors (Cisco / ENTITY-SENSOR)
  entityIndex: { port: number; module: number }; // entPhysicalIndex of the port and of its transceiver
  rxLimits: RxLimits; // the transceiver's own receive thresholds, dBm
}

export interface RxLimits {
  lowAlarm: number;
  lowWarn: number;
  highWarn: number;
  highAlarm: number;
}

// Typical DOM limits of the optics the lab's port kinds would carry (vendor data sheets' ranges).
const LR4_100G: RxLimits = { lowAlarm: -13.3, lowWarn: -10.3, highWarn: 4.5, highAlarm: 5.5 };
const LR_10G: RxLimits = { lowAlarm: -18.2, lowWarn: -14.4, highWarn: 0.5, highAlarm: 2.5 };

export const NO_LIGHT_DBM = -40;
export const OPTICS_OIDS = {
  entPhysicalEntry: '1.3.6.1.2.1.47.1.1.1.1', // .2 descr .4 containedIn .5 class .7 name
  entPhysicalName: '1.3.6.1.2.1.47.1.1.1.1.7',
  entAliasMappingIdentifier: '1.3.6.1.2.1.47.1.3.2.1.2', // by entPhysicalIndex.logicalIndex: a RowPointer to ifIndex.N
  ifIndex: '1.3.6.1.2.1.2.2.1.1',
  entPhySensorEntry: '1.3.6.1.2.1.99.1.1.1', // .1 type .2 scale .3 precision .4 value .5 operStatus .6 unitsDisplay
  entSensorValueEntry: '1.3.6.1.4.1.9.9.91.1.1.1.1', // .1 type .2 scale .3 precision .4 value .5 status
  jnxDomCurrentEntry: '1.3.6.1.4.1.2636.3.60.1.1.1.1', // .5 RxLaserPower .7 TxLaserOutputPower
  wwpLeosPortXcvrEntry: '1.3.6.1.4.1.6141.2.60.4.1.1.1.1', // .105 RxDbmPower .106 TxDbmPower .109/.110 high/low Rx alarm
  entSensorThresholdEntry: '1.3.6.1.4.1.9.9.91.1.2.1.1', // .2 severity .3 relation .4 value, by sensor.threshold
};

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Deterministic per (device, port); a separate PRNG so the counter plan is unchanged. */
export function portOptics(deviceId: string, position: number, iface: InterfacePlan): PortOptics {
  const random = createRandom(hash(`${deviceId}:optics:${iface.index}`));
  const txDbm = round1(-2.5 + random() * 4); // -2.5 .. +1.5 dBm
  const rxDbm = iface.operStatus === 'down' ? NO_LIGHT_DBM : round1(-9 + random() * 7); // -9 .. -2 dBm
  return {
    rxDbm,
    txDbm,
    amplitudeDb: 0.3,
    ratePerSec: 0.008 + random() * 0.004, // a period of 9 to 13 minutes
    sensorIndex: { rx: 10_000 + position * 100 + 1, tx: 10_000 + position * 100 + 2 },
    entityIndex: { port: 10_000 + position * 100 + 10, module: 10_000 + position * 100 + 20 },
    rxLimits: iface.highSpeedMbps >= 100_000 ? LR4_100G : LR_10G,
  };
}

// A value drifting as initial + scale × sin(rate × t), clamped to [min, max] (snmpsim's min
// defaults to 0, which would clip every negative dBm).
function drifting(baseline: number, amplitude: number, rate: number): string {
  const low = Math.floor(baseline - 2 * Math.abs(amplitude) - 1);
  const high = Math.ceil(baseline + 2 * Math.abs(amplitude) + 1);
  return `function=sin,rate=${rate.toFixed(6)},scale=${amplitude},initial=${baseline},min=${low},max=${high}`;
}

function level(dbmBaseline: number, optics: PortOptics, unitsPerDbm: number, noLight: boolean): { tag: string; value: string } {
  if (noLight) return { tag: '2', value: String(Math.round(NO_LIGHT_DBM * unitsPerDbm)) };
  return { tag: '2:numeric', value: drifting(Math.round(dbmBaseline * unitsPerDbm), optics.amplitudeDb * unitsPerDbm, optics.ratePerSec) };
}

const tenthsOfMicrowatts = (dbm: number) => Math.round(10 ** (dbm / 10) * 1000 * 10);

function eachPort(d: DevicePlan, rows: (i: InterfacePlan, o: PortOptics) => SnmprecRecord[]): SnmprecRecord[] {
  return d.interfaces.flatMap((i, position) => rows(i, portOptics(d.deviceId, position, i)));
}

// The optics controller's name IOS XR gives a port's transceiver: "Optics" and the location.
const opticsName = (ifName: string) => `Optics${ifName.replace(/^[A-Za-z]+/, '')}`;

// entPhysicalClass: module(9), port(10), sensor(8)
const ENTITY_CLASS = { sensor: 8, module: 9, port: 10 } as const;

const entityNames: SnmprecSection = (d) =>
  eachPort(d, (i, o) => {
    const entity = (index: number, name: string, containedIn: number, kind: keyof typeof ENTITY_CLASS): SnmprecRecord[] => [
      { oid: `${OPTICS_OIDS.entPhysicalEntry}.2.${index}`, tag: '4', value: name },
      { oid: `${OPTICS_OIDS.entPhysicalEntry}.4.${index}`, tag: '2', value: String(containedIn) },
      { oid: `${OPTICS_OIDS.entPhysicalEntry}.5.${index}`, tag: '2', value: String(ENTITY_CLASS[kind]) },
      { oid: `${OPTICS_OIDS.entPhysicalName}.${index}`, tag: '4', value: name },
    ];
    const optics = opticsName(i.name);
    return [
      ...entity(o.entityIndex.port, i.name, 0, 'port'),
      ...entity(o.entityIndex.module, optics, o.entityIndex.port, 'module'),
      ...entity(o.sensorIndex.rx, `${optics} Rx Power`, o.entityIndex.module, 'sensor'),
      ...entity(o.sensorIndex.tx, `${optics} Tx Power`, o.entityIndex.module, 'sensor'),
      // The port entity is the interface: logical index 0 (the mapping holds for every logical entity).
      { oid: `${OPTICS_OIDS.entAliasMappingIdentifier}.${o.entityIndex.port}.0`, tag: '6', value: `${OPTICS_OIDS.ifIndex}.${i.index}` },
    ];
  });

const ciscoEntitySensors: SnmprecSection = (d) =>
  eachPort(d, (i, o) =>
    (['rx', 'tx'] as const).flatMap((dir) => {
      const idx = o.sensorIndex[dir];
      const col = (c: number) => `${OPTICS_OIDS.entSensorValueEntry}.${c}.${idx}`;
      const v = level(dir === 'rx' ? o.rxDbm : o.txDbm, o, 10, dir === 'rx' && i.operStatus === 'down');
      return [
        { oid: col(1), tag: '2', value: '14' }, // dBm
        { oid: col(2), tag: '2', value: '9' }, // units
        { oid: col(3), tag: '2', value: '1' }, // one decimal place
        { oid: col(4), ...v },
        { oid: col(5), tag: '2', value: '1' }, // ok
      ];
    }),
  );

// Four limits per Rx sensor, as IOS XR lists them: critical(30) for alarms, major(20) for
// warnings; greaterOrEqual(4) above, lessOrEqual(2) below; tenths of dBm like the reading.
const ciscoSensorThresholds: SnmprecSection = (d) =>
  eachPort(d, (_i, o) => {
    const rows: Array<[number, number, number]> = [
      [30, 4, o.rxLimits.highAlarm],
      [20, 4, o.rxLimits.highWarn],
      [20, 2, o.rxLimits.lowWarn],
      [30, 2, o.rxLimits.lowAlarm],
    ];
    return rows.flatMap(([severity, relation, dbm], n) => {
      const col = (c: number) => `${OPTICS_OIDS.entSensorThresholdEntry}.${c}.${o.sensorIndex.rx}.${n + 1}`;
      return [
        { oid: col(2), tag: '2', value: String(severity) },
        { oid: col(3), tag: '2', value: String(relation) },
        { oid: col(4), tag: '2', value: String(Math.round(dbm * 10)) },
      ];
    });
  });

const entityPhySensors: SnmprecSection = (d) =>
  eachPort(d, (i, o) =>
    (['rx', 'tx'] as const).flatMap((dir) => {
      const idx = o.sensorIndex[dir];
      const col = (c: number) => `${OPTICS_OIDS.entPhySensorEntry}.${c}.${idx}`;
      const dark = dir === 'rx' && i.operStatus === 'down';
      const base = tenthsOfMicrowatts(dir === 'rx' ? o.rxDbm : o.txDbm);
      // ±amplitude in dB is about ±7 % in power at 0.3 dB
      const value = dark ? { tag: '2', value: '0' } : { tag: '2:numeric', value: drifting(base, Math.round(base * (10 ** (o.amplitudeDb / 10) - 1)), o.ratePerSec) };
      return [
        { oid: col(1), tag: '2', value: '6' }, // watts
        { oid: col(2), tag: '2', value: '7' }, // micro
        { oid: col(3), tag: '2', value: '1' },
        { oid: col(4), ...value },
        { oid: col(5), tag: '2', value: '1' }, // ok
        { oid: col(6), tag: '4', value: 'uW' },
      ];
    }),
  );

const juniperDom: SnmprecSection = (d) =>
  eachPort(d, (i, o) => [
    { oid: `${OPTICS_OIDS.jnxDomCurrentEntry}.5.${i.index}`, ...level(o.rxDbm, o, 100, i.operStatus === 'down') },
    { oid: `${OPTICS_OIDS.jnxDomCurrentEntry}.7.${i.index}`, ...level(o.txDbm, o, 100, false) },
    { oid: `${OPTICS_OIDS.jnxDomCurrentEntry}.9.${i.index}`, tag: '2', value: String(Math.round(o.rxLimits.highAlarm * 100)) },
    { oid: `${OPTICS_OIDS.jnxDomCurrentEntry}.10.${i.index}`, tag: '2', value: String(Math.round(o.rxLimits.lowAlarm * 100)) },
    { oid: `${OPTICS_OIDS.jnxDomCurrentEntry}.11.${i.index}`, tag: '2', value: String(Math.round(o.rxLimits.highWarn * 100)) },
    { oid: `${OPTICS_OIDS.jnxDomCurrentEntry}.12.${i.index}`, tag: '2', value: String(Math.round(o.rxLimits.lowWarn * 100)) },
  ]);

const cienaXcvr: SnmprecSection = (d) =>
  eachPort(d, (i, o) => [
    { oid: `${OPTICS_OIDS.wwpLeosPortXcvrEntry}.105.${i.index}`, ...level(o.rxDbm, o, 10_000, i.operStatus === 'down') },
    { oid: `${OPTICS_OIDS.wwpLeosPortXcvrEntry}.106.${i.index}`, ...level(o.txDbm, o, 10_000, false) },
    { oid: `${OPTICS_OIDS.wwpLeosPortXcvrEntry}.109.${i.index}`, tag: '2', value: String(Math.round(o.rxLimits.highAlarm * 10_000)) },
    { oid: `${OPTICS_OIDS.wwpLeosPortXcvrEntry}.110.${i.index}`, tag: '2', value: String(Math.round(o.rxLimits.lowAlarm * 10_000)) },
  ]);

export const OPTICS_SECTIONS = {
  'cisco-iosxr': [entityNames, ciscoEntitySensors, ciscoSensorThresholds, entityPhySensors],
  'juniper-junos': [juniperDom],
  'ciena-saos': [cienaXcvr],
} satisfies Record<DevicePlan['platform'], SnmprecSection[]>;

/** The SNMP optical profiles a platform answers (collectors/snmp/profiles.ts). */
export const OPTICS_PROFILES: Record<DevicePlan['platform'], string[]> = {
  'cisco-iosxr': ['optics-cisco', 'optics-entity-sensor'],
  'juniper-junos': ['optics-juniper'],
  'ciena-saos': ['optics-ciena'],
};

/**
 * The objects serving a port's received power on its platform, each with the conversion of a
 * level to its MIB's unit (null: no light), so a scenario can lower what SNMP reports for the
 * port as it lowers what the CLI prints (lab.ts).
 */
export function rxObjects(platform: DevicePlan['platform'], ifIndex: number, o: PortOptics): Array<{ oid: string; units(dbm: number | null): number }> {
  const dbm = (per: number) => (level: number | null) => Math.round(Math.max(level ?? NO_LIGHT_DBM, NO_LIGHT_DBM) * per);
  switch (platform) {
    case 'cisco-iosxr':
      return [
        { oid: `${OPTICS_OIDS.entSensorValueEntry}.4.${o.sensorIndex.rx}`, units: dbm(10) },
        { oid: `${OPTICS_OIDS.entPhySensorEntry}.4.${o.sensorIndex.rx}`, units: (level) => (level === null || level <= NO_LIGHT_DBM ? 0 : tenthsOfMicrowatts(level)) },
      ];
    case 'juniper-junos':
      return [{ oid: `${OPTICS_OIDS.jnxDomCurrentEntry}.5.${ifIndex}`, units: dbm(100) }];
    case 'ciena-saos':
      return [{ oid: `${OPTICS_OIDS.wwpLeosPortXcvrEntry}.105.${ifIndex}`, units: dbm(10_000) }];
  }
}
