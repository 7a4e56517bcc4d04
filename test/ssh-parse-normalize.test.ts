// SSH capture → metrics across both stages: captures built from the collector's own parsers over
// their golden CLI fixtures (collectors/ssh/fixtures), so the shapes are the ones the poller
// publishes, normalised by processors/normalize/ssh.ts. Here, not in processors/, because it
// imports both stages.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseXrOptics } from '../collectors/ssh/parsers/iosxr.js';
import { parseJunosOptics, parseJunosTerse } from '../collectors/ssh/parsers/junos.js';
import { parseSaosPortShow, parseSaosXcvrDiagnostics } from '../collectors/ssh/parsers/saos.js';
import type { MetricBatch, ParsedValue, RawSnmpPoll, RawSshCapture } from '../schemas/types.js';
import { isOpticalRx } from '../processors/rules/rules.js';
import { normalizeSnmpOptics } from '../processors/normalize/optics.js';
import { normalizeSsh } from '../processors/normalize/ssh.js';
import { normalizeCiena } from '../processors/normalize/ciena.js';
import { processRaw, type DeviceChainState } from '../processors/chain.js';
import { chainStateCodec } from '../processors/chain-codec.js';
import { PORT_NAMES_GRACE_MS } from '../processors/normalize/port-names.js';

const fixture = (name: string) => readFileSync(new URL(`../collectors/ssh/fixtures/${name}`, import.meta.url), 'utf8');
function capture(platform: string, command: string, values: ParsedValue[], error: RawSshCapture['error'] = null): RawSshCapture {
  return { deviceId: 'lab-j1', collectorId: 'c1', platform, command, capturedAt: 1_763_900_000_000, durationMs: 230, output: error ? null : '...', values, error };
}
const at = (b: MetricBatch, metric: string, labels: Record<string, string>) => {
  const hits = b.samples.filter((s) => s.metric === metric && JSON.stringify(Object.entries(s.labels).sort()) === JSON.stringify(Object.entries(labels).sort()));
  assert.ok(hits.length <= 1, 'one sample per series');
  return hits[0];
};

test('junos optics: the optical family labelled by ifName, lanes labelled, no light at -40 dBm', () => {
  const b = normalizeSsh(capture('juniper-junos', 'show interfaces diagnostics optics | no-more', parseJunosOptics(fixture('junos-diagnostics-optics.txt'))));
  assert.equal(b.source, 'ssh');
  assert.equal(b.ts, 1_763_900_000_000);
  assert.equal(at(b, 'ssh_collect_ok', { command: 'show interfaces diagnostics optics | no-more' })?.value, 1);
  const rx = at(b, 'optical_rx_dbm', { ifName: 'xe-0/0/0', direction: 'rx' });
  assert.deepEqual([rx.value, rx.unit, rx.seriesKey], [-3.84, 'dBm', 'lab-j1/optical_rx_dbm{direction=rx,ifName=xe-0/0/0}']);
  assert.ok(isOpticalRx(rx));
  assert.equal(at(b, 'optical_tx_dbm', { ifName: 'xe-0/0/0', direction: 'tx' })?.value, -2.5);
  assert.deepEqual([at(b, 'optical_laser_bias_ma', { ifName: 'xe-0/0/0' })?.value, at(b, 'optical_laser_bias_ma', { ifName: 'xe-0/0/0' })?.unit], [6.246, 'mA']);
  assert.deepEqual([at(b, 'optical_temperature_c', { ifName: 'xe-0/0/0' })?.value, at(b, 'optical_temperature_c', { ifName: 'xe-0/0/0' })?.unit], [34, 'celsius']);
  assert.deepEqual([at(b, 'optical_voltage_v', { ifName: 'xe-0/0/0' })?.value, at(b, 'optical_voltage_v', { ifName: 'xe-0/0/0' })?.unit], [3.296, 'V']);
  assert.equal(at(b, 'optical_rx_dbm', { ifName: 'xe-0/0/1', direction: 'rx' })?.value, -40);
  assert.equal(at(b, 'optical_rx_dbm', { ifName: 'et-0/0/48', lane: '2', direction: 'rx' })?.value, -2.07);
  assert.equal(at(b, 'optical_tx_dbm', { ifName: 'et-0/0/48', lane: '3', direction: 'tx' })?.value, -1.48);
  assert.equal(at(b, 'optical_temperature_c', { ifName: 'et-0/0/48' })?.value, 31);
  assert.equal(new Set(b.samples.map((s) => s.seriesKey)).size, b.samples.length);
});

test('SNMP and SSH readings of one Junos port are one series (same metric, labels and key)', () => {
  const viaSsh = normalizeSsh(capture('junos', 'show interfaces diagnostics optics | no-more', [{ name: 'rx_power', index: 'xe-0/0/0', unit: 'dBm', value: -3.84 }]));
  const viaSnmp = normalizeSnmpOptics({
    deviceId: 'lab-j1', collectorId: 'c1', profile: 'optics-juniper', polledAt: 1, durationMs: 5, sysUpTime: null, responseUpTimes: [], error: null,
    values: [
      { name: 'jnxDomCurrentRxLaserPower', oid: '1.3.6.1.4.1.2636.3.60.1.1.1.1.5.510', index: '510', kind: 'INTEGER', counter: null, number: -384, text: null },
      { name: 'ifName', oid: '1.3.6.1.2.1.31.1.1.1.1.510', index: '510', kind: 'OCTET_STRING', counter: null, number: null, text: 'xe-0/0/0' },
    ],
  });
  const key = (b: MetricBatch) => b.samples.find((s) => s.metric === 'optical_rx_dbm')!.seriesKey;
  assert.equal(key(viaSsh), key(viaSnmp));
});

test('junos terse: if_oper_up and if_admin_up per physical interface (ratio)', () => {
  const b = normalizeSsh(capture('junos', 'show interfaces terse | no-more', parseJunosTerse(fixture('junos-interfaces-terse.txt'))));
  assert.deepEqual([at(b, 'if_oper_up', { ifName: 'xe-0/0/0' })?.value, at(b, 'if_oper_up', { ifName: 'xe-0/0/0' })?.unit], [1, 'ratio']);
  assert.equal(at(b, 'if_oper_up', { ifName: 'xe-0/0/1' })?.value, 0);
  assert.equal(at(b, 'if_admin_up', { ifName: 'ge-0/0/2' })?.value, 0);
});

test('ios-xr and saos without interface names: ports labelled `port`, controller state as if_oper_up, lanes of an LR4', () => {
  const xr = normalizeSsh(capture('ios-xr', 'show controllers optics 0/0/0/4', parseXrOptics(fixture('iosxr-controllers-optics-lr4.txt'), '0/0/0/4')));
  assert.equal(at(xr, 'optical_rx_dbm', { port: '0/0/0/4', lane: '1', direction: 'rx' })?.value, -0.85);
  assert.equal(at(xr, 'optical_laser_bias_ma', { port: '0/0/0/4', lane: '3' })?.value, 43.2);
  assert.equal(at(xr, 'if_oper_up', { port: '0/0/0/4' })?.unit, 'ratio');
  const sr = normalizeSsh(capture('cisco-iosxr', 'show controllers optics 0/0/0/1', parseXrOptics(fixture('iosxr-controllers-optics-sr.txt'), '0/0/0/1')));
  assert.equal(at(sr, 'optical_laser_on', { port: '0/0/0/1' })?.value, 1);
  assert.equal(at(sr, 'optical_rx_dbm', { port: '0/0/0/1', direction: 'rx' })?.value, -4.37);
  const diag = normalizeSsh(capture('saos', 'port xcvr show port 9 diagnostics', parseSaosXcvrDiagnostics(fixture('saos-xcvr-diagnostics.txt'), '9')));
  assert.equal(at(diag, 'optical_rx_dbm', { port: '9', direction: 'rx' })?.value, -4);
  assert.equal(at(diag, 'optical_temperature_c', { port: '9' })?.value, 38.125);
  const ports = normalizeSsh(capture('ciena-saos', 'port show', parseSaosPortShow(fixture('saos-port-show.txt'))));
  assert.equal(at(ports, 'if_oper_up', { port: '10' })?.value, 0);
  assert.equal(at(ports, 'if_oper_up', { port: 'LAG1' })?.value, 1);
  const unnamed = new Set<string>();
  normalizeSsh(capture('unknown-os', 'show optics', [{ name: 'rx_power', index: 'p1', unit: 'dBm', value: -3 }]), new Map([['1', 'p1']]), unnamed);
  assert.deepEqual([...unnamed], ['p1'], 'a platform nobody maps keeps its numbers and says so');
});

// --- One transceiver, one series, whichever protocol read it: the names come from the device's
// SNMP interface polls through the processor chain (its checkpointed state), as in the processor.
const snmpValue = (name: string, index: string, v: number | string): RawSnmpPoll['values'][number] =>
  typeof v === 'number'
    ? { name, oid: `1.3.6.1.99.${name.length}.${index}`, index, kind: 'INTEGER', counter: null, number: v, text: null }
    : { name, oid: `1.3.6.1.99.${name.length}.${index}`, index, kind: 'OCTET_STRING', counter: null, number: null, text: v };
function snmpPoll(deviceId: string, profile: string, values: RawSnmpPoll['values'], polledAt = 1_763_900_000_000): RawSnmpPoll {
  return { deviceId, collectorId: 'c1', profile, polledAt, durationMs: 5, sysUpTime: null, responseUpTimes: [], values, error: null };
}
/** The interfaces poll's name columns: what the processor learns the names from. */
const namesPoll = (deviceId: string, names: Record<string, string>) => snmpPoll(deviceId, 'interfaces', Object.entries(names).map(([i, n]) => snmpValue('ifName', i, n)));
const rxKey = (b: MetricBatch) => b.samples.find((s) => s.metric === 'optical_rx_dbm' && s.labels.direction === 'rx' && !s.labels.lane)?.seriesKey;
function chain(deviceId: string) {
  let state: DeviceChainState | undefined;
  return {
    run(kind: 'snmp' | 'ssh' | 'ciena', record: unknown) {
      const out = processRaw(state, kind, record);
      state = out.state;
      return out;
    },
    /** A processor restart: the state back from its changelog records. */
    restart() {
      state = chainStateCodec.decode(new Map(chainStateCodec.encode(deviceId, state).map((r) => [r.key, r.value!]))).get(deviceId);
    },
  };
}

test('SNMP and SSH readings of one IOS-XR port are one series: the optics controller 0/0/0/1 is HundredGigE0/0/0/1, also after a restart', () => {
  const xr = chain('lab-r1');
  const sshOf = (port: string) => capture('cisco-iosxr', `show controllers optics ${port}`, parseXrOptics(fixture('iosxr-controllers-optics-sr.txt'), port));
  const before = xr.run('ssh', { ...sshOf('0/0/0/1'), deviceId: 'lab-r1' });
  assert.deepEqual([rxKey(before.metrics), before.unnamedPorts], [undefined, []], 'before the first SNMP names: held back, no series that the named one would replace');
  assert.ok(before.metrics.samples.some((s) => s.metric === 'ssh_collect_ok'), 'the capture itself is still reported');
  xr.run('snmp', namesPoll('lab-r1', { 3: 'HundredGigE0/0/0/0', 4: 'HundredGigE0/0/0/1', 5: 'TenGigE0/1/0/2', 40: 'Optics0/0/0/1' }));
  // The sensor is named after the controller; ENTITY-MIB's alias mapping leads it to ifIndex 4.
  const viaSnmp = xr.run('snmp', snmpPoll('lab-r1', 'optics-cisco', [
    ...[['entSensorType', 14], ['entSensorScale', 9], ['entSensorPrecision', 1], ['entSensorValue', -44], ['entSensorStatus', 1]].map(([n, v]) => snmpValue(n as string, '10101', v as number)),
    snmpValue('entPhysicalName', '10101', 'Optics0/0/0/1 Rx Power'),
    snmpValue('entPhysicalContainedIn', '10101', 10120),
    snmpValue('entPhysicalContainedIn', '10120', 10110),
    snmpValue('entAliasMappingIdentifier', '10110.0', '1.3.6.1.2.1.2.2.1.1.4'),
    snmpValue('ifName', '4', 'HundredGigE0/0/0/1'),
  ]));
  const viaSsh = xr.run('ssh', { ...sshOf('0/0/0/1'), deviceId: 'lab-r1' });
  assert.equal(rxKey(viaSnmp.metrics), 'lab-r1/optical_rx_dbm{direction=rx,ifName=HundredGigE0/0/0/1}');
  assert.equal(rxKey(viaSsh.metrics), rxKey(viaSnmp.metrics));
  assert.deepEqual(viaSsh.unnamedPorts, []);
  assert.ok(viaSsh.metrics.samples.some((s) => s.metric === 'if_oper_up' && s.labels.ifName === 'HundredGigE0/0/0/1'), 'the controller state names the interface too');
  xr.restart();
  assert.equal(rxKey(xr.run('ssh', { ...sshOf('0/0/0/1'), deviceId: 'lab-r1' }).metrics), rxKey(viaSnmp.metrics), 'the names survive a restart (checkpointed)');
  const other = xr.run('ssh', { ...sshOf('0/0/0/7'), deviceId: 'lab-r1' });
  assert.deepEqual([rxKey(other.metrics), other.unnamedPorts], ['lab-r1/optical_rx_dbm{direction=rx,port=0/0/0/7}', ['0/0/0/7']], 'no interface there: the number stays');
});

test('a device whose polls never name interfaces: its numbered ports wait PORT_NAMES_GRACE_MS of event time, then keep their numbers (reported), also across a restart', () => {
  const saos = chain('lab-x');
  const at = (ts: number) => ({ ...capture('ciena-saos', 'port xcvr show port 9 diagnostics', parseSaosXcvrDiagnostics(fixture('saos-xcvr-diagnostics.txt'), '9')), deviceId: 'lab-x', capturedAt: ts });
  assert.equal(rxKey(saos.run('ssh', at(1_000)).metrics), undefined);
  saos.restart();
  assert.equal(rxKey(saos.run('ssh', at(1_000 + PORT_NAMES_GRACE_MS - 1)).metrics), undefined, 'still waiting after a restart: the wait is checkpointed');
  const late = saos.run('ssh', at(1_000 + PORT_NAMES_GRACE_MS));
  assert.deepEqual([rxKey(late.metrics), late.unnamedPorts], ['lab-x/optical_rx_dbm{direction=rx,port=9}', ['9']]);
});

test('SNMP, SSH and MCP readings of one SAOS port are one series: CLI port 9 is ifIndex 9, MCP facility 1-9 is the port 1/9', () => {
  const saos = chain('lab-r3');
  saos.run('snmp', namesPoll('lab-r3', { 1: '1/1', 2: '1/2', 9: '1/9' }));
  const viaSnmp = saos.run('snmp', snmpPoll('lab-r3', 'optics-ciena', [snmpValue('wwpLeosPortXcvrRxDbmPower', '9', -41_000), snmpValue('ifName', '9', '1/9')]));
  const viaSsh = saos.run('ssh', { ...capture('ciena-saos', 'port xcvr show port 9 diagnostics', parseSaosXcvrDiagnostics(fixture('saos-xcvr-diagnostics.txt'), '9')), deviceId: 'lab-r3' });
  const viaMcp = saos.run('ciena', { deviceId: 'lab-r3', networkConstructId: 'nc-1', collectorId: 'c1', kind: 'PM', readAt: 1_763_900_000_000, values: [{ name: 'OPR', port: '1-9', unit: 'dBm', value: -4.1 }], alarms: null, error: null });
  assert.equal(rxKey(viaSnmp.metrics), 'lab-r3/optical_rx_dbm{direction=rx,ifName=1/9}');
  assert.equal(rxKey(viaSsh.metrics), rxKey(viaSnmp.metrics));
  assert.equal(rxKey(viaMcp.metrics), rxKey(viaSnmp.metrics));
  assert.deepEqual([viaSsh.unnamedPorts, viaMcp.unnamedPorts], [[], []]);
  const ports = saos.run('ssh', { ...capture('ciena-saos', 'port show', parseSaosPortShow(fixture('saos-port-show.txt'))), deviceId: 'lab-r3' });
  assert.ok(ports.metrics.samples.some((s) => s.metric === 'if_oper_up' && s.labels.ifName === '1/9'), 'port 9 of `port show` is 1/9');
  assert.ok(ports.unnamedPorts.includes('LAG1') && !ports.unnamedPorts.includes('9'), 'a LAG has no ifIndex of its number: kept and reported');
  const unknown = normalizeCiena({ deviceId: 'x', networkConstructId: 'nc-1', collectorId: 'c1', kind: 'PM', readAt: 1, values: [{ name: 'OPR', port: '1-2', unit: 'dBm', value: -4 }], alarms: null, error: null });
  assert.equal(rxKey(unknown), 'x/optical_rx_dbm{direction=rx,port=1-2}', 'no names: the MCP facility as MCP says it');
});

test('a failed capture is ssh_collect_ok 0 for that command and nothing else; odd values are skipped', () => {
  const failed = normalizeSsh(capture('junos', 'show interfaces terse | no-more', [], { code: 'CLI_PARSE', message: 'device lab-j1: missing the header' }));
  assert.deepEqual(failed.samples.map((s) => [s.seriesKey, s.value]), [['lab-j1/ssh_collect_ok{command=show interfaces terse | no-more}', 0]]);
  const odd = normalizeSsh(
    capture('junos', 'show interfaces diagnostics optics | no-more', [
      { name: 'rx_power', index: 'xe-0/0/0', unit: 'dBm', value: Number.NaN },
      { name: 'tx_power', index: 'xe-0/0/0', unit: 'mW', value: 0.5 }, // unit not what the family means
      { name: 'fan_speed', index: 'fan0', unit: 'rpm', value: 9000 },
      { name: 'oper_up', index: 'xe-0/0/0', unit: 'bool', value: Number.POSITIVE_INFINITY },
    ]),
  );
  assert.deepEqual(odd.samples.map((s) => s.metric), ['ssh_collect_ok']);
});
