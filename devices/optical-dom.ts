// Optical DOM readings → dBm. Pure functions over the raw values of the optics-* profiles
// (collectors/snmp/profiles.ts), for the normaliser and the collector's tests: device knowledge
// that belongs to neither stage, so both import it from here. Units, from the MIBs:
// - ENTITY-SENSOR-MIB (RFC 3433) and CISCO-ENTITY-SENSOR-MIB share the encoding:
//   value × 10^(3·(scale − 9)) (scale is an SI prefix enum: yocto(1) … units(9) … yotta(17)),
//   divided by 10^precision when precision is 1..9 (decimal places of a fixed-point number);
//   precision −8..−1 only states how many digits are accurate and 0 means "not fixed-point", so
//   neither divides. Optical power is type watts(6) in ENTITY-SENSOR-MIB (converted to dBm here:
//   10·log10(W / 1 mW)), or dBm(14) in CISCO-ENTITY-SENSOR-MIB's SensorDataType.
// - JUNIPER-DOM-MIB: jnxDomCurrentRxLaserPower / jnxDomCurrentTxLaserOutputPower in 0.01 dBm.
// - WWP-LEOS-PORT-XCVR-MIB (Ciena SAOS): wwpLeosPortXcvrRx/TxDbmPower in dBm × 10000.

import type { RawSnmpPoll } from '../schemas/types.js';

export const SENSOR_TYPE = { other: 1, watts: 6, dBm: 14 } as const; // 14 exists in Cisco's SensorDataType only
const SCALE_UNITS = 9;

/** The value a (CISCO-)ENTITY-SENSOR-MIB reading stands for, in the base unit of its type. */
export function entitySensorValue(value: number, scale: number, precision: number): number {
  if (!Number.isInteger(scale) || scale < 1 || scale > 17) throw new RangeError(`sensor scale ${scale} is not 1..17`);
  const exponent = 3 * (scale - SCALE_UNITS) - (precision >= 1 && precision <= 9 ? precision : 0);
  // multiply or divide by an exact power of ten, so 5012 × 10^-4 is 0.5012 and not 0.5012000000000001
  return exponent >= 0 ? value * 10 ** exponent : value / 10 ** -exponent;
}

/** Optical power in dBm from watts; null for no light (≤ 0 W), which has no logarithm. */
export function wattsToDbm(watts: number): number | null {
  return watts > 0 ? 10 * Math.log10(watts * 1000) : null;
}

export interface EntitySensorRow {
  type: number;
  scale: number;
  precision: number;
  value: number;
  unitsDisplay?: string | null;
}

/** dBm of an optical power sensor, or null when the row is not one (temperature, volts, …) or dark. */
export function entitySensorDbm(row: EntitySensorRow): number | null {
  const base = entitySensorValue(row.value, row.scale, row.precision);
  if (row.type === SENSOR_TYPE.dBm) return base;
  if (row.type === SENSOR_TYPE.watts) return wattsToDbm(base);
  // some agents report dBm as type other(1) and say so in entPhySensorUnitsDisplay
  if (row.type === SENSOR_TYPE.other && /dbm/i.test(row.unitsDisplay ?? '')) return base;
  return null;
}

export const juniperDomDbm = (hundredths: number): number => hundredths / 100;
export const cienaXcvrDbm = (tenThousandths: number): number => tenThousandths / 10_000;

export interface OpticalLevel {
  index: string; // sensor index (entPhysicalIndex), ifIndex (Juniper) or port (Ciena)
  direction: 'rx' | 'tx';
  dbm: number | null; // null: no light / not measurable
  name: string | null; // entPhysicalName of the sensor, when the profile carries it
}

function directionOf(name: string | null): 'rx' | 'tx' | null {
  if (!name) return null;
  if (/\b(rx|receive)/i.test(name)) return 'rx';
  if (/\b(tx|transmit)/i.test(name)) return 'tx';
  return null;
}

/** The optical levels in one poll of an optics-* profile. */
export function opticalLevels(poll: RawSnmpPoll): OpticalLevel[] {
  const col = (name: string) => new Map(poll.values.filter((v) => v.name === name).map((v) => [v.index, v]));
  const out: OpticalLevel[] = [];
  const sensorTable = (prefix: 'entPhySensor' | 'entSensor') => {
    const types = col(`${prefix}Type`);
    const scales = col(`${prefix}Scale`);
    const precisions = col(`${prefix}Precision`);
    const values = col(`${prefix}Value`);
    const units = col('entPhySensorUnitsDisplay');
    const names = col('entPhysicalName');
    for (const [index, v] of values) {
      const [type, scale, precision] = [types.get(index)?.number, scales.get(index)?.number, precisions.get(index)?.number];
      if (v.number === null || type == null || scale == null || precision == null) continue;
      const name = names.get(index)?.text ?? null;
      const direction = directionOf(name);
      const optical = type === SENSOR_TYPE.dBm || type === SENSOR_TYPE.watts || (type === SENSOR_TYPE.other && /dbm/i.test(units.get(index)?.text ?? ''));
      if (!optical || !direction) continue;
      out.push({ index, direction, dbm: entitySensorDbm({ type, scale, precision, value: v.number, unitsDisplay: units.get(index)?.text }), name });
    }
  };
  const perPort = (rx: string, tx: string, toDbm: (n: number) => number) => {
    for (const [name, direction] of [[rx, 'rx'], [tx, 'tx']] as const)
      for (const [index, v] of col(name)) if (v.number !== null) out.push({ index, direction, dbm: toDbm(v.number), name: null });
  };
  switch (poll.profile) {
    case 'optics-entity-sensor':
      sensorTable('entPhySensor');
      break;
    case 'optics-cisco':
      sensorTable('entSensor');
      break;
    case 'optics-juniper':
      perPort('jnxDomCurrentRxLaserPower', 'jnxDomCurrentTxLaserOutputPower', juniperDomDbm);
      break;
    case 'optics-ciena':
      perPort('wwpLeosPortXcvrRxDbmPower', 'wwpLeosPortXcvrTxDbmPower', cienaXcvrDbm);
      break;
  }
  return out;
}
