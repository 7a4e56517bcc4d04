// Unit conversions of the optical DOM MIBs (see optical-dom.ts for the sources of each rule).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cienaXcvrDbm, entitySensorDbm, entitySensorValue, juniperDomDbm, opticalLevels, wattsToDbm } from './optical-dom.js';
import type { RawSnmpPoll, SnmpValue } from '../schemas/types.js';

const close = (a: number | null, b: number, eps = 1e-9) => assert.ok(a !== null && Math.abs(a - b) < eps, `${a} ≉ ${b}`);

test('ENTITY-SENSOR-MIB: value × 10^(3·(scale−9)) ÷ 10^precision; negative or zero precision does not divide', () => {
  close(entitySensorValue(-53, 9, 1), -5.3); // Cisco dBm: units, one decimal
  close(entitySensorValue(5012, 7, 1), 501.2e-6); // tenths of µW
  close(entitySensorValue(5012, 7, 4), 0.5012e-6);
  close(entitySensorValue(1234, 8, 0), 1.234); // milli, integer
  close(entitySensorValue(1234, 8, -2), 1.234); // "2 accurate digits": no scaling
  close(entitySensorValue(3, 10, 0), 3000); // kilo
  close(entitySensorValue(1000, 9, 3), 1); // RFC 3433's example: 0.1 °C steps would be precision 1
  assert.throws(() => entitySensorValue(1, 0, 0), RangeError);
});

test('to dBm: watts by 10·log10(mW), Cisco dBm type as is, dBm declared by units, other sensors ignored', () => {
  close(wattsToDbm(1e-3), 0);
  close(wattsToDbm(0.5012e-3), -3.0, 1e-3);
  assert.equal(wattsToDbm(0), null); // no light
  close(entitySensorDbm({ type: 14, scale: 9, precision: 1, value: -53 }), -5.3);
  close(entitySensorDbm({ type: 6, scale: 7, precision: 1, value: 5012 }), -3.0, 1e-3);
  close(entitySensorDbm({ type: 6, scale: 8, precision: 3, value: 1000 }), 0); // 1.000 mW
  close(entitySensorDbm({ type: 1, scale: 9, precision: 2, value: -712, unitsDisplay: 'dBm' }), -7.12);
  assert.equal(entitySensorDbm({ type: 8, scale: 9, precision: 1, value: 415 }), null); // celsius
});

test('JUNIPER-DOM-MIB is 0.01 dBm and WWP-LEOS-PORT-XCVR-MIB is dBm × 10000', () => {
  close(juniperDomDbm(-712), -7.12);
  close(juniperDomDbm(-4000), -40);
  close(cienaXcvrDbm(-10679), -1.0679);
  close(cienaXcvrDbm(23000), 2.3);
});

function v(name: string, index: string, number: number | null, text: string | null = null): SnmpValue {
  return { name, oid: `1.0.${index}`, index, kind: text === null ? 'INTEGER' : 'OCTET_STRING', counter: null, number, text };
}

test('opticalLevels reads a poll of each optics profile, keeping only optical sensors with a direction', () => {
  const poll = (profile: string, values: SnmpValue[]): RawSnmpPoll => ({ deviceId: 'd', collectorId: 'c', profile, polledAt: 0, durationMs: 1, sysUpTime: 1, responseUpTimes: [], values, error: null });
  const cisco = opticalLevels(
    poll('optics-cisco', [
      v('entSensorType', '11', 14), v('entSensorScale', '11', 9), v('entSensorPrecision', '11', 1), v('entSensorValue', '11', -53), v('entPhysicalName', '11', null, 'Hu0/0/0/0 Rx Power'),
      v('entSensorType', '12', 8), v('entSensorScale', '12', 9), v('entSensorPrecision', '12', 0), v('entSensorValue', '12', 41), v('entPhysicalName', '12', null, 'Hu0/0/0/0 Temperature'),
    ]),
  );
  assert.deepEqual(cisco, [{ index: '11', direction: 'rx', dbm: -5.3, name: 'Hu0/0/0/0 Rx Power' }]);
  const entity = opticalLevels(poll('optics-entity-sensor', [v('entPhySensorType', '7', 6), v('entPhySensorScale', '7', 7), v('entPhySensorPrecision', '7', 1), v('entPhySensorValue', '7', 0), v('entPhysicalName', '7', null, 'xe-0 Rx Power')]));
  assert.deepEqual(entity, [{ index: '7', direction: 'rx', dbm: null, name: 'xe-0 Rx Power' }]);
  const junos = opticalLevels(poll('optics-juniper', [v('jnxDomCurrentRxLaserPower', '510', -712), v('jnxDomCurrentTxLaserOutputPower', '510', 105)]));
  assert.deepEqual(junos.map((l) => [l.index, l.direction, l.dbm]), [['510', 'rx', -7.12], ['510', 'tx', 1.05]]);
  const saos = opticalLevels(poll('optics-ciena', [v('wwpLeosPortXcvrRxDbmPower', '3', -10679), v('wwpLeosPortXcvrTxDbmPower', '3', 5000)]));
  assert.deepEqual(saos.map((l) => [l.index, l.direction, l.dbm]), [['3', 'rx', -1.0679], ['3', 'tx', 0.5]]);
});
