// Transceiver receive limits from each optics MIB's threshold columns (see optical-thresholds.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RawSnmpPoll, SnmpValue } from '../schemas/types.js';
import { opticalRxThresholds } from './optical-thresholds.js';

const int = (name: string, index: string, n: number): SnmpValue => ({ name, oid: `1.3.6.${index}`, index, kind: 'INTEGER', counter: null, number: n, text: null });
const poll = (profile: string, values: SnmpValue[]): RawSnmpPoll => ({ deviceId: 'r1', collectorId: 'c', profile, polledAt: 0, durationMs: 1, sysUpTime: 1, responseUpTimes: [], values, error: null });

test('Juniper: four limits per ifIndex in 0.01 dBm', () => {
  const t = opticalRxThresholds(poll('optics-juniper', [
    int('jnxDomCurrentRxLaserPowerHighAlarmThreshold', '513', 199),
    int('jnxDomCurrentRxLaserPowerLowAlarmThreshold', '513', -2823),
    int('jnxDomCurrentRxLaserPowerHighWarningThreshold', '513', 0),
    int('jnxDomCurrentRxLaserPowerLowWarningThreshold', '513', -2301),
  ]));
  assert.deepEqual(t.get('513'), { lowAlarm: -28.23, lowWarn: -23.01, highWarn: 0, highAlarm: 1.99 });
});

test('Ciena: alarm limits only, dBm × 10000', () => {
  const t = opticalRxThresholds(poll('optics-ciena', [int('wwpLeosPortXcvrHighRxDbmPwAlarmThreshold', '9', 25_000), int('wwpLeosPortXcvrLowRxDbmPwAlarmThreshold', '9', -182_000)]));
  assert.deepEqual(t.get('9'), { lowAlarm: -18.2, lowWarn: null, highWarn: null, highAlarm: 2.5 });
});

test('Cisco: severity critical is the alarm, lesser ones the warning; relation gives the side; the sensor\'s scale and precision apply', () => {
  const sensor = '10101';
  const row = (n: number, severity: number, relation: number, value: number) => [
    int('entSensorThresholdSeverity', `${sensor}.${n}`, severity),
    int('entSensorThresholdRelation', `${sensor}.${n}`, relation),
    int('entSensorThresholdValue', `${sensor}.${n}`, value),
  ];
  const t = opticalRxThresholds(poll('optics-cisco', [
    int('entSensorScale', sensor, 9),
    int('entSensorPrecision', sensor, 1),
    ...row(1, 30, 4, 55), ...row(2, 20, 3, 45), ...row(3, 10, 1, -103), ...row(4, 30, 2, -133),
    ...row(5, 30, 5, 0), // equalTo: not a limit on either side
  ]));
  assert.deepEqual(t.get(sensor), { lowAlarm: -13.3, lowWarn: -10.3, highWarn: 4.5, highAlarm: 5.5 });
});

test('an optic reporting all-zero limits has none (not a receiver always out of range); ENTITY-SENSOR-MIB has none', () => {
  const zeros = opticalRxThresholds(poll('optics-juniper', ['High', 'Low'].flatMap((side) => [int(`jnxDomCurrentRxLaserPower${side}AlarmThreshold`, '1', 0), int(`jnxDomCurrentRxLaserPower${side}WarningThreshold`, '1', 0)])));
  assert.equal(zeros.size, 0);
  assert.equal(opticalRxThresholds(poll('optics-entity-sensor', [int('entPhySensorValue', '1', 5)])).size, 0);
});
