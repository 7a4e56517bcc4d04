// The receive-power alarm and warning thresholds a transceiver reports about itself, in dBm, from
// the optics-* profiles' raw values (the normaliser emits them beside the reading they bound, and
// the optical rule judges a receiver by its own limits before the global sensitivity). Sources:
// - JUNIPER-DOM-MIB jnxDomCurrentEntry by ifIndex: RxLaserPower High/Low Alarm .9/.10, High/Low
//   Warning .11/.12, in 0.01 dBm like the reading.
// - WWP-LEOS-PORT-XCVR-MIB by port: High/Low RxDbmPw AlarmThreshold .109/.110, dBm × 10000 (no warnings).
// - CISCO-ENTITY-SENSOR-MIB entSensorThresholdTable, by <sensor entPhysicalIndex>.<threshold>:
//   severity (.2: minor 10, major 20, critical 30), relation (.3: lessThan 1, lessOrEqual 2,
//   greaterThan 3, greaterOrEqual 4), value (.4) in the sensor's own scale and precision. A
//   critical limit is the alarm, a lesser one the warning (IOS XR reports DOM limits that way).
// - ENTITY-SENSOR-MIB (RFC 3433) has no thresholds: those optics fall back to the global sensitivity.
import type { RawSnmpPoll, SnmpValue } from '../schemas/types.js';
import { cienaXcvrDbm, entitySensorValue, juniperDomDbm } from './optical-dom.js';

export interface RxThresholds {
  lowAlarm: number | null;
  lowWarn: number | null;
  highWarn: number | null;
  highAlarm: number | null;
}

export const RX_THRESHOLD_KINDS = ['lowAlarm', 'lowWarn', 'highWarn', 'highAlarm'] as const;

const SEVERITY_CRITICAL = 30;
const RELATION_LOW = new Set([1, 2]);
const RELATION_HIGH = new Set([3, 4]);

const none = (): RxThresholds => ({ lowAlarm: null, lowWarn: null, highWarn: null, highAlarm: null });

function column(poll: RawSnmpPoll, name: string): Map<string, SnmpValue> {
  return new Map(poll.values.filter((v) => v.name === name).map((v) => [v.index, v]));
}

/**
 * A set whose low limits are not below its high ones is what an optic without DOM thresholds
 * reports (all zero): no thresholds at all rather than a receiver that is always out of range.
 */
function plausible(t: RxThresholds): RxThresholds | null {
  const lows = [t.lowAlarm, t.lowWarn].filter((x): x is number => x !== null);
  const highs = [t.highWarn, t.highAlarm].filter((x): x is number => x !== null);
  if (lows.length === 0 && highs.length === 0) return null;
  if (lows.some((l) => highs.some((h) => l >= h))) return null;
  return t;
}

function perPort(poll: RawSnmpPoll, columns: Partial<Record<keyof RxThresholds, string>>, toDbm: (n: number) => number): Map<string, RxThresholds> {
  const out = new Map<string, RxThresholds>();
  for (const kind of RX_THRESHOLD_KINDS) {
    const name = columns[kind];
    if (!name) continue;
    for (const [index, v] of column(poll, name)) {
      if (v.number === null) continue;
      let t = out.get(index);
      if (!t) out.set(index, (t = none()));
      t[kind] = toDbm(v.number);
    }
  }
  return out;
}

function ciscoThresholds(poll: RawSnmpPoll): Map<string, RxThresholds> {
  const scales = column(poll, 'entSensorScale');
  const precisions = column(poll, 'entSensorPrecision');
  const severities = column(poll, 'entSensorThresholdSeverity');
  const relations = column(poll, 'entSensorThresholdRelation');
  const out = new Map<string, RxThresholds>();
  for (const v of poll.values) {
    if (v.name !== 'entSensorThresholdValue' || v.number === null) continue;
    const sensor = v.index.slice(0, v.index.lastIndexOf('.'));
    const scale = scales.get(sensor)?.number;
    const precision = precisions.get(sensor)?.number;
    const relation = relations.get(v.index)?.number;
    const severity = severities.get(v.index)?.number;
    if (scale == null || precision == null || relation == null || severity == null || !Number.isInteger(scale) || scale < 1 || scale > 17) continue;
    const side = RELATION_LOW.has(relation) ? 'low' : RELATION_HIGH.has(relation) ? 'high' : null;
    if (!side) continue;
    const kind: keyof RxThresholds = `${side}${severity >= SEVERITY_CRITICAL ? 'Alarm' : 'Warn'}`;
    let t = out.get(sensor);
    if (!t) out.set(sensor, (t = none()));
    t[kind] = entitySensorValue(v.number, scale, precision);
  }
  return out;
}

/**
 * Receive thresholds by the index opticalLevels gives the Rx reading of the same port (sensor
 * index, ifIndex or port). Only sensors and ports the poll has thresholds for are present.
 */
export function opticalRxThresholds(poll: RawSnmpPoll): Map<string, RxThresholds> {
  let raw: Map<string, RxThresholds>;
  switch (poll.profile) {
    case 'optics-juniper':
      raw = perPort(poll, { highAlarm: 'jnxDomCurrentRxLaserPowerHighAlarmThreshold', lowAlarm: 'jnxDomCurrentRxLaserPowerLowAlarmThreshold', highWarn: 'jnxDomCurrentRxLaserPowerHighWarningThreshold', lowWarn: 'jnxDomCurrentRxLaserPowerLowWarningThreshold' }, juniperDomDbm);
      break;
    case 'optics-ciena':
      raw = perPort(poll, { highAlarm: 'wwpLeosPortXcvrHighRxDbmPwAlarmThreshold', lowAlarm: 'wwpLeosPortXcvrLowRxDbmPwAlarmThreshold' }, cienaXcvrDbm);
      break;
    case 'optics-cisco':
      raw = ciscoThresholds(poll);
      break;
    default:
      return new Map();
  }
  const out = new Map<string, RxThresholds>();
  for (const [index, t] of raw) {
    const ok = plausible(t);
    if (ok) out.set(index, ok);
  }
  return out;
}
