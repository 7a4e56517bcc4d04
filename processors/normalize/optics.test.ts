// SNMP optics: polls shaped as the collector returns them for each optics profile (values as in
// infra/lab/optics.ts and devices/optical-dom.test.ts) → the optical family.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MetricBatch, RawSnmpPoll, SnmpValue } from '../../schemas/types.js';
import { isOpticalRx } from '../rules/rules.js';
import { isOpticsProfile, normalizeSnmpOptics, portOfSensorName } from './optics.js';

function int(name: string, index: string, n: number): SnmpValue {
  return { name, oid: `1.3.6.1.99.${name.length}.${index}`, index, kind: 'INTEGER', counter: null, number: n, text: null };
}
function str(name: string, index: string, t: string): SnmpValue {
  return { name, oid: `1.3.6.1.2.1.47.1.1.1.1.7.${index}`, index, kind: 'OCTET_STRING', counter: null, number: null, text: t };
}
function poll(profile: string, values: SnmpValue[], error: RawSnmpPoll['error'] = null): RawSnmpPoll {
  return { deviceId: 'lab-xr1', collectorId: 'c1', profile, polledAt: 1_763_900_000_000, durationMs: 41, sysUpTime: 123_456, responseUpTimes: [], values, error };
}
/** One row of CISCO-ENTITY-SENSOR-MIB entSensorValueTable with its entPhysicalName. */
function cisco(index: string, type: number, scale: number, precision: number, value: number, name: string, status = 1): SnmpValue[] {
  return [int('entSensorType', index, type), int('entSensorScale', index, scale), int('entSensorPrecision', index, precision), int('entSensorValue', index, value), int('entSensorStatus', index, status), str('entPhysicalName', index, name)];
}
const find = (b: MetricBatch, metric: string, labels: Record<string, string>) =>
  b.samples.filter((s) => s.metric === metric && JSON.stringify(Object.entries(s.labels).sort()) === JSON.stringify(Object.entries(labels).sort()));
const one = (b: MetricBatch, metric: string, labels: Record<string, string>) => {
  const hits = find(b, metric, labels);
  assert.equal(hits.length, 1, `${metric} ${JSON.stringify(labels)}: ${hits.length} samples`);
  return hits[0];
};
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} ≉ ${b}`);

test('isOpticsProfile: the four optics profiles, nothing else', () => {
  for (const p of ['optics-entity-sensor', 'optics-cisco', 'optics-juniper', 'optics-ciena']) assert.equal(isOpticsProfile(p), true, p);
  for (const p of ['system', 'interfaces', 'optics', 'optics-foo']) assert.equal(isOpticsProfile(p), false, p);
});

test('optics-cisco: dBm sensors per port and direction, bias and temperature of the same optic, chassis sensors ignored', () => {
  const b = normalizeSnmpOptics(
    poll('optics-cisco', [
      ...cisco('10001', 14, 9, 1, -53, 'HundredGigE0/0/0/0 Rx Power'),
      ...cisco('10002', 14, 9, 1, 12, 'HundredGigE0/0/0/0 Tx Power'),
      ...cisco('10003', 5, 8, 1, 328, 'HundredGigE0/0/0/0 Bias Current'), // 32.8 mA
      ...cisco('10004', 8, 9, 0, 36, 'HundredGigE0/0/0/0 Temperature'),
      ...cisco('10005', 4, 8, 0, 3310, 'HundredGigE0/0/0/0 Supply Voltage'), // 3310 mV
      ...cisco('20001', 8, 9, 0, 48, 'CPU0 Temperature'), // not an optic
      ...cisco('10101', 14, 9, 1, -71, 'HundredGigE0/0/0/1 Lane 2 Rx Power'),
    ]),
  );
  assert.equal(b.source, 'snmp');
  assert.equal(b.ts, 1_763_900_000_000);
  assert.equal(one(b, 'device_up', {}).value, 1);
  const rx = one(b, 'optical_rx_dbm', { ifName: 'HundredGigE0/0/0/0', direction: 'rx' });
  assert.equal(rx.value, -5.3);
  assert.equal(rx.unit, 'dBm');
  assert.equal(rx.seriesKey, 'lab-xr1/optical_rx_dbm{direction=rx,ifName=HundredGigE0/0/0/0}');
  assert.ok(isOpticalRx(rx), 'the rules see it as a receiver');
  const tx = one(b, 'optical_tx_dbm', { ifName: 'HundredGigE0/0/0/0', direction: 'tx' });
  assert.equal(tx.value, 1.2);
  assert.ok(!isOpticalRx(tx));
  assert.deepEqual([one(b, 'optical_laser_bias_ma', { ifName: 'HundredGigE0/0/0/0' }).value, one(b, 'optical_laser_bias_ma', { ifName: 'HundredGigE0/0/0/0' }).unit], [32.8, 'mA']);
  assert.equal(one(b, 'optical_temperature_c', { ifName: 'HundredGigE0/0/0/0' }).value, 36);
  close(one(b, 'optical_voltage_v', { ifName: 'HundredGigE0/0/0/0' }).value, 3.31);
  assert.equal(find(b, 'optical_temperature_c', { ifName: 'CPU0' }).length, 0, 'a chassis sensor is not an optic');
  assert.equal(one(b, 'optical_rx_dbm', { ifName: 'HundredGigE0/0/0/1', lane: '2', direction: 'rx' }).value, -7.1);
});

test('optics-cisco and optics-entity-sensor: a sensor named after the optics controller is named by the interface entAliasMappingTable maps its port to', () => {
  const oid = (name: string, index: string, text: string): SnmpValue => ({ name, oid: `1.3.6.1.2.1.47.1.3.2.1.2.${index}`, index, kind: 'OID', counter: null, number: null, text });
  const ifText = (name: string, index: string, text: string): SnmpValue => ({ ...str(name, index, text), oid: `1.3.6.1.2.1.31.1.1.1.1.${index}` });
  // Optics0/0/0/0's sensors sit in its transceiver (10020), in port entity 10010 = ifIndex 17;
  // Optics0/0/0/1's port maps to ifIndex 18, which has no ifXTable row: named by ifDescr.
  // Optics0/0/0/2 has no mapping: named by the sensor's own word, as before.
  const join = [
    int('entPhysicalContainedIn', '10001', 10020), int('entPhysicalContainedIn', '10002', 10020), int('entPhysicalContainedIn', '10003', 10020), int('entPhysicalContainedIn', '10020', 10010),
    int('entPhysicalContainedIn', '10101', 10110),
    oid('entAliasMappingIdentifier', '10010.0', '1.3.6.1.2.1.2.2.1.1.17'), oid('entAliasMappingIdentifier', '10110.0', '1.3.6.1.2.1.2.2.1.1.18'),
    ifText('ifName', '17', 'HundredGigE0/0/0/0'), ifText('ifDescr', '17', 'HundredGigE0/0/0/0'), ifText('ifDescr', '18', 'HundredGigE0/0/0/1'),
  ];
  const b = normalizeSnmpOptics(
    poll('optics-cisco', [
      ...cisco('10001', 14, 9, 1, -53, 'Optics0/0/0/0 Rx Power'),
      ...cisco('10002', 14, 9, 1, 12, 'Optics0/0/0/0 Tx Power'),
      ...cisco('10003', 8, 9, 0, 36, 'Optics0/0/0/0 Temperature'),
      ...cisco('10101', 14, 9, 1, -61, 'Optics0/0/0/1 Rx Power'),
      ...cisco('10201', 14, 9, 1, -62, 'Optics0/0/0/2 Rx Power'),
      ...join,
    ]),
  );
  assert.equal(one(b, 'optical_rx_dbm', { ifName: 'HundredGigE0/0/0/0', direction: 'rx' }).seriesKey, 'lab-xr1/optical_rx_dbm{direction=rx,ifName=HundredGigE0/0/0/0}');
  assert.equal(one(b, 'optical_tx_dbm', { ifName: 'HundredGigE0/0/0/0', direction: 'tx' }).value, 1.2);
  assert.equal(one(b, 'optical_temperature_c', { ifName: 'HundredGigE0/0/0/0' }).value, 36);
  assert.equal(one(b, 'optical_rx_dbm', { ifName: 'HundredGigE0/0/0/1', direction: 'rx' }).value, -6.1);
  assert.equal(one(b, 'optical_rx_dbm', { ifName: 'Optics0/0/0/2', direction: 'rx' }).value, -6.2);
  assert.equal(b.samples.filter((s) => s.labels.ifName === 'Optics0/0/0/0' || s.labels.ifName === 'Optics0/0/0/1').length, 0, 'no reading keeps the controller name');

  const row = (index: string, value: number, name: string) => [
    int('entPhySensorType', index, 6), int('entPhySensorScale', index, 7), int('entPhySensorPrecision', index, 1),
    int('entPhySensorValue', index, value), int('entPhySensorOperStatus', index, 1), str('entPhySensorUnitsDisplay', index, 'uW'), str('entPhysicalName', index, name),
  ];
  const e = normalizeSnmpOptics(poll('optics-entity-sensor', [...row('10001', 5012, 'Optics0/0/0/0 Rx Power'), ...join]));
  assert.ok(Math.abs(one(e, 'optical_rx_dbm', { ifName: 'HundredGigE0/0/0/0', direction: 'rx' }).value - -3.0) < 1e-3);
});

test('optics-entity-sensor: watts become dBm; 0 W is no light at the -40 dBm floor; a sensor not ok is skipped', () => {
  const row = (index: string, value: number, name: string, status = 1) => [
    int('entPhySensorType', index, 6), int('entPhySensorScale', index, 7), int('entPhySensorPrecision', index, 1),
    int('entPhySensorValue', index, value), int('entPhySensorOperStatus', index, status), str('entPhySensorUnitsDisplay', index, 'uW'), str('entPhysicalName', index, name),
  ];
  const b = normalizeSnmpOptics(poll('optics-entity-sensor', [...row('10001', 5012, 'Hu0/0/0/0 Rx Power'), ...row('10101', 0, 'Hu0/0/0/1 Rx Power'), ...row('10201', 4000, 'Hu0/0/0/2 Rx Power', 3)]));
  assert.ok(Math.abs(one(b, 'optical_rx_dbm', { ifName: 'Hu0/0/0/0', direction: 'rx' }).value - -3.0) < 1e-3);
  assert.equal(one(b, 'optical_rx_dbm', { ifName: 'Hu0/0/0/1', direction: 'rx' }).value, -40);
  assert.equal(find(b, 'optical_rx_dbm', { ifName: 'Hu0/0/0/2', direction: 'rx' }).length, 0, 'nonoperational(3) sensor');
});

test('optics-juniper by ifIndex (named by an ifName column when the poll has one); optics-ciena by port, named when that ifIndex has a name', () => {
  const junos = normalizeSnmpOptics(poll('optics-juniper', [int('jnxDomCurrentRxLaserPower', '510', -712), int('jnxDomCurrentTxLaserOutputPower', '510', 105), int('jnxDomCurrentRxLaserPower', '511', -4000)]));
  assert.equal(one(junos, 'optical_rx_dbm', { ifName: 'ifIndex510', direction: 'rx' }).value, -7.12);
  assert.equal(one(junos, 'optical_tx_dbm', { ifName: 'ifIndex510', direction: 'tx' }).value, 1.05);
  assert.equal(one(junos, 'optical_rx_dbm', { ifName: 'ifIndex511', direction: 'rx' }).value, -40);
  const named = normalizeSnmpOptics(poll('optics-juniper', [int('jnxDomCurrentRxLaserPower', '510', -712), str('ifName', '510', 'xe-0/0/0')]));
  assert.equal(one(named, 'optical_rx_dbm', { ifName: 'xe-0/0/0', direction: 'rx' }).seriesKey, 'lab-xr1/optical_rx_dbm{direction=rx,ifName=xe-0/0/0}');
  const saos = normalizeSnmpOptics(poll('optics-ciena', [int('wwpLeosPortXcvrRxDbmPower', '3', -10679), int('wwpLeosPortXcvrTxDbmPower', '3', 5000)]));
  assert.equal(one(saos, 'optical_rx_dbm', { port: '3', direction: 'rx' }).value, -1.0679);
  assert.equal(one(saos, 'optical_tx_dbm', { port: '3', direction: 'tx' }).value, 0.5);
  const saosNamed = normalizeSnmpOptics(poll('optics-ciena', [int('wwpLeosPortXcvrRxDbmPower', '3', -10679), int('wwpLeosPortXcvrRxDbmPower', '4', -20000), { ...str('ifName', '3', '1/3'), oid: '1.3.6.1.2.1.31.1.1.1.1.3' }]));
  assert.equal(one(saosNamed, 'optical_rx_dbm', { ifName: '1/3', direction: 'rx' }).value, -1.0679);
  assert.equal(one(saosNamed, 'optical_rx_dbm', { port: '4', direction: 'rx' }).value, -2, 'a port no interface name covers keeps its number');
});

test('a failed poll is device_up 0 and nothing else; a bad scale row is left out, not the poll', () => {
  const failed = normalizeSnmpOptics(poll('optics-cisco', [], { code: 'SNMP_TIMEOUT', message: 'device lab-xr1: timeout' }));
  assert.deepEqual(failed.samples.map((s) => [s.metric, s.value]), [['device_up', 0]]);
  const b = normalizeSnmpOptics(poll('optics-cisco', [...cisco('1', 14, 0, 1, -53, 'Hu0/0/0/0 Rx Power'), ...cisco('2', 14, 9, 1, -61, 'Hu0/0/0/1 Rx Power')]));
  assert.equal(find(b, 'optical_rx_dbm', { ifName: 'Hu0/0/0/0', direction: 'rx' }).length, 0);
  assert.equal(one(b, 'optical_rx_dbm', { ifName: 'Hu0/0/0/1', direction: 'rx' }).value, -6.1);
  for (const s of b.samples) assert.ok(Number.isFinite(s.value));
});

test('two sensors naming the same port and direction make one sample, so the sink never sees one series twice at one time', () => {
  const b = normalizeSnmpOptics(poll('optics-cisco', [...cisco('1', 14, 9, 1, -53, 'Hu0/0/0/0 Rx Power'), ...cisco('2', 14, 9, 1, -54, 'Hu0/0/0/0 Receive Power Sensor')]));
  assert.equal(find(b, 'optical_rx_dbm', { ifName: 'Hu0/0/0/0', direction: 'rx' }).length, 1);
  assert.equal(new Set(b.samples.map((s) => s.seriesKey)).size, b.samples.length);
});

test('series keys are stable: the same poll gives the same keys, whatever the value order', () => {
  const values = [...cisco('10001', 14, 9, 1, -53, 'Hu0/0/0/0 Rx Power'), ...cisco('10002', 14, 9, 1, 12, 'Hu0/0/0/0 Tx Power')];
  const a = normalizeSnmpOptics(poll('optics-cisco', values)).samples.map((s) => s.seriesKey).sort();
  const b = normalizeSnmpOptics(poll('optics-cisco', [...values].reverse())).samples.map((s) => s.seriesKey).sort();
  assert.deepEqual(a, b);
});

test('portOfSensorName: the first word without a direction or lane suffix', () => {
  assert.equal(portOfSensorName('Hu0/0/0/0 Rx Power'), 'Hu0/0/0/0');
  assert.equal(portOfSensorName('GigabitEthernet1/1 Receive Power Sensor'), 'GigabitEthernet1/1');
  assert.equal(portOfSensorName('Optics0/0/0/0-Tx Lane 2 Power'), 'Optics0/0/0/0');
});
