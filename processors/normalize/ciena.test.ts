// Ciena MCP: readings shaped as collectors/ciena/poller.ts returns them against the lab's MCP
// simulator (OPR/OPT per facility "1-2", alarms with MCP severities, INVENTORY's sync flag).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CienaAlarm, MetricBatch, RawCienaReading } from '../../schemas/types.js';
import { isOpticalRx } from '../rules/rules.js';
import { normalizeCiena } from './ciena.js';

function reading(kind: RawCienaReading['kind'], more: Partial<RawCienaReading> = {}): RawCienaReading {
  return { deviceId: 'lab-ws1', networkConstructId: 'nc-2', collectorId: 'c1', kind, readAt: 1_763_899_200_000, values: [], alarms: kind === 'ALARM' ? [] : null, error: null, ...more };
}
function alarm(alarmId: string, severity: string, condition: string, resource: string): CienaAlarm {
  return { alarmId, severity, condition, resource, serviceAffecting: true, raisedAt: 1_763_899_000_000, description: null };
}
const at = (b: MetricBatch, metric: string, labels: Record<string, string>) =>
  b.samples.find((s) => s.metric === metric && JSON.stringify(Object.entries(s.labels).sort()) === JSON.stringify(Object.entries(labels).sort()));

test('PM: OPR → optical_rx_dbm, OPT → optical_tx_dbm per port, at the bin end; other units converted or skipped', () => {
  const b = normalizeCiena(
    reading('PM', {
      values: [
        { name: 'OPR', port: '1-1', unit: 'dBm', value: -7.42 },
        { name: 'OPT', port: '1-1', unit: 'dBm', value: 1.13 },
        { name: 'OPR', port: '1-2', unit: 'mW', value: 0.5 },
        { name: 'OPR', port: '1-3', unit: 'mW', value: 0 }, // dark
        { name: 'OPR', port: '1-4', unit: 'celsius', value: 41 }, // a wrongly mapped parameter
        { name: 'OPR', port: '1-5', unit: 'dBm', value: Number.NaN },
        { name: 'TEMP', port: '1-1', unit: 'celsius', value: 41 },
      ],
    }),
  );
  assert.equal(b.source, 'ciena');
  assert.equal(b.ts, 1_763_899_200_000);
  const rx = at(b, 'optical_rx_dbm', { port: '1-1', direction: 'rx' })!;
  assert.deepEqual([rx.value, rx.unit, rx.seriesKey], [-7.42, 'dBm', 'lab-ws1/optical_rx_dbm{direction=rx,port=1-1}']);
  assert.ok(isOpticalRx(rx));
  assert.equal(at(b, 'optical_tx_dbm', { port: '1-1', direction: 'tx' })?.value, 1.13);
  assert.ok(Math.abs(at(b, 'optical_rx_dbm', { port: '1-2', direction: 'rx' })!.value - -3.0103) < 1e-4);
  assert.equal(at(b, 'optical_rx_dbm', { port: '1-3', direction: 'rx' })?.value, -40);
  assert.equal(at(b, 'optical_rx_dbm', { port: '1-4', direction: 'rx' }), undefined);
  assert.equal(at(b, 'optical_rx_dbm', { port: '1-5', direction: 'rx' }), undefined);
  assert.equal(at(b, 'ciena_collect_ok', { kind: 'PM' })?.value, 1);
  assert.deepEqual(b.samples.map((s) => s.metric).sort(), ['ciena_collect_ok', 'optical_rx_dbm', 'optical_rx_dbm', 'optical_rx_dbm', 'optical_tx_dbm']);
});

test('ALARM: alarms_active per severity, every known severity reported (0 after a clear)', () => {
  const b = normalizeCiena(reading('ALARM', { alarms: [alarm('1', 'CRITICAL', 'LOS', '1-1'), alarm('2', 'MINOR', 'HIGH_BER', '1-2'), alarm('3', 'MAJOR', 'OPR_LOW', '1-3'), alarm('4', 'major', 'LOS', '1-4'), alarm('5', 'CLEARABLE', 'X', '1-5')] }));
  const count = (severity: string) => at(b, 'alarms_active', { severity })?.value;
  assert.deepEqual([count('CRITICAL'), count('MAJOR'), count('MINOR'), count('WARNING'), count('INDETERMINATE'), count('INFO'), count('CLEARABLE')], [1, 2, 1, 0, 0, 0, 1]);
  assert.equal(at(b, 'alarms_active', { severity: 'MAJOR' })?.seriesKey, 'lab-ws1/alarms_active{severity=MAJOR}');
  assert.equal(at(b, 'alarms_active', { severity: 'MAJOR' })?.unit, 'count');
  const cleared = normalizeCiena(reading('ALARM', { alarms: [] }));
  assert.equal(cleared.samples.filter((s) => s.metric === 'alarms_active').length, 6);
  assert.ok(cleared.samples.filter((s) => s.metric === 'alarms_active').every((s) => s.value === 0));
});

test('INVENTORY: mcp_synchronized; a failed reading is ciena_collect_ok 0 for its kind and claims no counts', () => {
  const inv = normalizeCiena(reading('INVENTORY', { values: [{ name: 'synchronized', port: '', unit: 'bool', value: 1 }] }));
  assert.equal(at(inv, 'mcp_synchronized', {})?.value, 1);
  const failed = normalizeCiena(reading('ALARM', { alarms: null, error: { code: 'MCP_CONNECT', message: 'device lab-ws1: MCP connection refused' } }));
  assert.deepEqual(failed.samples.map((s) => [s.seriesKey, s.value]), [['lab-ws1/ciena_collect_ok{kind=ALARM}', 0]]);
});
