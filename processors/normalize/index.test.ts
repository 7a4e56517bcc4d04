// The dispatcher: each topic kind reaches its normaliser, SNMP optics profiles the optics one,
// and only counter profiles hand back state, under a key per profile.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RawSnmpPoll } from '../../schemas/types.js';
import { normalizeRaw, normalizeStateKey } from './index.js';

const interfaces = (at: number, octets: bigint): RawSnmpPoll => ({
  deviceId: 'r1', collectorId: 'c1', profile: 'interfaces', polledAt: at, durationMs: 9, sysUpTime: at / 10, responseUpTimes: [], error: null,
  values: [
    { name: 'ifName', oid: '1.3.6.1.2.1.31.1.1.1.1.3', index: '3', kind: 'OCTET_STRING', counter: null, number: null, text: 'xe-0/0/3' },
    { name: 'ifHCInOctets', oid: '1.3.6.1.2.1.31.1.1.1.6.3', index: '3', kind: 'COUNTER64', counter: octets, number: null, text: null },
  ],
});

test('snmp counter profiles: state comes back under snmp:<profile> and makes rates on the next poll', () => {
  assert.equal(normalizeStateKey('snmp', interfaces(0, 0n)), 'snmp:interfaces');
  const first = normalizeRaw('snmp', undefined, interfaces(0, 1_000n));
  assert.equal(first.stateKey, 'snmp:interfaces');
  assert.ok(first.state);
  const second = normalizeRaw('snmp', first.state, interfaces(10_000, 1_000n + 125_000_000n));
  assert.equal(second.batch.samples.find((s) => s.metric === 'if_in_bps')?.value, 100_000_000);
});

test('snmp optics profiles go to the optics normaliser and keep no state', () => {
  const optics: RawSnmpPoll = {
    deviceId: 'r2', collectorId: 'c1', profile: 'optics-ciena', polledAt: 5, durationMs: 3, sysUpTime: null, responseUpTimes: [], error: null,
    values: [{ name: 'wwpLeosPortXcvrRxDbmPower', oid: '1.3.6.1.4.1.6141.2.60.4.1.1.1.1.105.3', index: '3', kind: 'INTEGER', counter: null, number: -52_000, text: null }],
  };
  assert.equal(normalizeStateKey('snmp', optics), null);
  const r = normalizeRaw('snmp', undefined, optics);
  assert.equal(r.stateKey, null);
  assert.equal(r.state, undefined);
  assert.equal(r.batch.samples.find((s) => s.metric === 'optical_rx_dbm')?.seriesKey, 'r2/optical_rx_dbm{direction=rx,port=3}');
});

test('icmp, ssh and ciena are stateless and tagged with their source', () => {
  const icmp = normalizeRaw('icmp', undefined, { deviceId: 'r1', collectorId: 'c1', target: '10.0.0.1', sentAt: 1, sent: 2, received: 2, rttMinMs: 1, rttAvgMs: 1.5, rttMaxMs: 2, jitterMs: 1, rttsMs: [1, 2], error: null });
  const ssh = normalizeRaw('ssh', undefined, { deviceId: 'r1', collectorId: 'c1', platform: 'saos', command: 'port show', capturedAt: 2, durationMs: 1, output: '', values: [{ name: 'oper_up', index: '9', unit: 'bool', value: 1 }], error: null });
  const ciena = normalizeRaw('ciena', undefined, { deviceId: 'r1', networkConstructId: 'nc', collectorId: 'c1', kind: 'PM', readAt: 3, values: [{ name: 'OPR', port: '1-1', unit: 'dBm', value: -3 }], alarms: null, error: null });
  assert.deepEqual([icmp.batch.source, ssh.batch.source, ciena.batch.source], ['icmp', 'ssh', 'ciena']);
  for (const r of [icmp, ssh, ciena]) assert.deepEqual([r.stateKey, r.state], [null, undefined]);
  assert.equal(normalizeStateKey('icmp', { deviceId: 'r1' } as never), null);
  assert.throws(() => normalizeRaw('netconf' as never, undefined, {} as never), (e: Error & { code?: string; canRetry?: boolean }) => e.code === 'NORMALIZE_UNKNOWN_KIND' && e.canRetry === false);
});
