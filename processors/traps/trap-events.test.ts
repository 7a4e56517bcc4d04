// Notifications through the processor chain as the processor role runs it (processRaw), between
// the polls of the same device: the anomaly a linkDown opens is the one the polls continue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnomalyEvent, RawSnmpPoll, RawTrap } from '../../schemas/types.js';
import { processRaw, type DeviceChainState } from '../chain.js';
import { analysisConfig } from '../anomaly/config.js';
import { TRAP_OIDS } from './trap-events.js';
import { chainStateCodec } from '../chain-codec.js';
import { loadRuleSet } from '../../devices/rule-set.js';
import { ALARM_TRAP_OIDS } from './alarm-traps.js';

type Value = RawSnmpPoll['values'][number];
const num = (name: string, index: string, n: number, kind: Value['kind'] = 'INTEGER'): Value => ({ name, oid: `1.3.6.${name}.${index}`, index, kind, counter: null, number: n, text: null });
const text = (name: string, index: string, t: string): Value => ({ name, oid: `1.3.6.${name}.${index}`, index, kind: 'OCTET_STRING', counter: null, number: null, text: t });
const octets = (index: string, v: bigint): Value => ({ name: 'ifHCInOctets', oid: `1.3.6.1.2.1.31.1.1.1.6.${index}`, index, kind: 'COUNTER64', counter: v, number: null, text: null });

const poll = (at: number, operUp: boolean, inOctets = 0n, sysUpTime: number | null = null): RawSnmpPoll => ({
  deviceId: 'r1', collectorId: 'c1', profile: 'interfaces', polledAt: at, durationMs: 5, sysUpTime, responseUpTimes: [],
  values: [text('ifName', '3', 'xe-0/0/3'), num('ifHighSpeed', '3', 10_000, 'GAUGE32'), num('ifOperStatus', '3', operUp ? 1 : 2), octets('3', inOctets)],
  error: null,
});

const trap = (at: number, trapOid: string, values: RawTrap['values'] = [], version: RawTrap['version'] = 'V2C'): RawTrap => ({
  deviceId: 'r1', receiverId: 'traps-1', receivedAt: at, source: '127.0.0.1:40000', version, pduType: 'TRAP', dedupKey: `k${at}`, requestId: at,
  trapOid, agentUpTime: null, context: null, user: null, values,
});
const link = (at: number, up: boolean, withName = true) =>
  trap(at, up ? TRAP_OIDS.linkUp : TRAP_OIDS.linkDown, [num('ifIndex', '3', 3), num('ifAdminStatus', '3', 1), num('ifOperStatus', '3', up ? 1 : 2), ...(withName ? [text('ifName', '3', 'xe-0/0/3')] : [])]);

function chain(config = analysisConfig({ lifecycle: { closeQuietPolls: 2, closeQuietMs: 4_000 } })) {
  let state: DeviceChainState | undefined;
  const events: AnomalyEvent[] = [];
  const feed = (kind: 'snmp' | 'trap', record: RawSnmpPoll | RawTrap) => {
    const out = processRaw(state, kind, record, config);
    state = out.state;
    events.push(...out.anomalies);
    return out;
  };
  return { feed, events, state: () => state! };
}

test('a linkDown opens interface-down at once; the polls that follow continue the same anomaly; a linkUp closes it', () => {
  const { feed, events } = chain();
  feed('snmp', poll(0, true));
  feed('snmp', poll(2_000, true));
  const out = feed('trap', link(2_500, false));
  assert.deepEqual(events.map((e) => [e.state, e.detector, e.ts]), [['OPEN', 'rule:interface-down', 2_500]]);
  assert.match(events[0].reason, /xe-0\/0\/3 operationally down .*\(linkDown V2C trap\)/);
  assert.equal(events[0].seriesKey, 'r1/if_oper_up{ifName=xe-0/0/3}', 'the series the polls report');
  assert.deepEqual(out.metrics.samples.map((s) => [s.metric, s.value]), [['if_oper_up', 0]], 'the drop is a point of the series too');
  feed('trap', link(2_600, false)); // the same trap from a second receiver
  feed('snmp', poll(4_000, false)); // the poll confirms
  feed('snmp', poll(6_000, false));
  assert.equal(events.length, 1, 'a repeated linkDown and confirming polls add no event');
  feed('trap', link(7_000, true));
  assert.deepEqual(events.map((e) => [e.state, e.anomalyId]), [['OPEN', events[0].anomalyId], ['CLOSE', events[0].anomalyId]]);
  assert.match(events[1].reason, /xe-0\/0\/3 operationally up again \(linkUp V2C trap\); lasted 5 s/);
  feed('snmp', poll(8_000, true));
  feed('trap', link(8_100, true));
  assert.equal(events.length, 2, 'a linkUp for an interface already up changes nothing');
});

test('a linkDown the polls contradict is closed by them, by the usual hysteresis, under the same id', () => {
  const { feed, events } = chain();
  feed('snmp', poll(0, true));
  feed('trap', link(1_000, false));
  for (const at of [2_000, 4_000, 6_000, 8_000]) feed('snmp', poll(at, true));
  assert.deepEqual(events.map((e) => e.state), ['OPEN', 'CLOSE']);
  assert.equal(events[1].anomalyId, events[0].anomalyId);
  assert.match(events[1].reason, /back to normal/);
});

test('a link trap naming its interface by ifIndex only is named as the polls named that index, also after a restore', () => {
  const { feed, events, state } = chain();
  feed('trap', link(500, false, false));
  assert.equal(events[0].seriesKey, 'r1/if_oper_up{ifName=ifIndex3}', 'before any poll: the stand-in polls of an unnamed interface use');
  feed('trap', link(600, true, false));
  feed('snmp', poll(1_000, true));
  feed('snmp', poll(2_000, true));
  feed('trap', link(3_000, false, false));
  const open = events.find((e) => e.state === 'OPEN' && e.ts === 3_000)!;
  assert.equal(open.seriesKey, 'r1/if_oper_up{ifName=xe-0/0/3}', 'the series the polls report');
  assert.match(open.reason, /^xe-0\/0\/3 operationally down/);
  const restored = chainStateCodec.decode(new Map(chainStateCodec.encode('r1', state()).map((r) => [r.key, r.value!]))).get('r1')!;
  assert.deepEqual(restored.ifNames, new Map([['3', 'xe-0/0/3']]));
  const up = processRaw(restored, 'trap', link(4_000, true, false), analysisConfig({ lifecycle: { closeQuietPolls: 2, closeQuietMs: 4_000 } }));
  assert.deepEqual(up.anomalies.map((e) => [e.state, e.anomalyId]), [['CLOSE', open.anomalyId]], 'a restored processor names it too');
});

test('a poll older than the trap does not undo it; v1 and v3 link traps act the same', () => {
  for (const version of ['V1', 'V3'] as const) {
    const { feed, events } = chain();
    feed('snmp', poll(0, true));
    feed('trap', { ...link(3_000, false), version });
    feed('snmp', poll(2_900, true)); // sent before the trap, processed after
    assert.deepEqual(events.map((e) => e.state), ['OPEN'], version);
    assert.match(events[0].reason, new RegExp(`linkDown ${version} trap`));
  }
});

test('coldStart makes the next poll start its counters afresh: no false rate when sysUpTime cannot tell', () => {
  const rateOf = (o: ReturnType<typeof processRaw>) => o.metrics.samples.find((s) => s.metric === 'if_in_bps')?.value;
  const { feed } = chain();
  feed('snmp', poll(0, true, 1_000_000n));
  assert.equal(rateOf(feed('snmp', poll(2_000, true, 1_250_000n))), 1_000_000);
  feed('trap', trap(2_500, TRAP_OIDS.coldStart));
  // After the restart the counter starts near zero: a 64-bit counter going down is a reset, so
  // that alone yields no rate; the proof is the poll after a counter that *grew* past the old value.
  assert.equal(rateOf(feed('snmp', poll(4_000, true, 9_000_000n))), undefined, 'no rate across the restart');
  assert.equal(rateOf(feed('snmp', poll(6_000, true, 9_250_000n))), 1_000_000, 'rates again from the first poll after it');

  const { feed: without } = chain();
  without('snmp', poll(0, true, 1_000_000n));
  without('snmp', poll(2_000, true, 1_250_000n));
  assert.ok(rateOf(without('snmp', poll(4_000, true, 9_000_000n)))! > 1_000_000, 'without the trap the same counters read as a burst');
});

test('a copy of a notification another receiver published is dropped, also after a restore from the changelog', () => {
  const { feed, events, state } = chain();
  feed('snmp', poll(0, true));
  const down = link(1_000, false);
  feed('trap', down);
  feed('trap', link(2_000, true));
  // The same linkDown, through a second receiver, processed after the linkUp: same dedupKey.
  const copy = feed('trap', { ...down, receiverId: 'traps-2', receivedAt: 2_100 });
  assert.deepEqual(events.map((e) => e.state), ['OPEN', 'CLOSE'], 'the copy re-opens nothing');
  assert.equal(copy.metrics.samples.length, 0, 'and is no point of the series');

  const restored = chainStateCodec.decode(new Map(chainStateCodec.encode('r1', state()).map((r) => [r.key, r.value!])));
  assert.deepEqual([...restored.get('r1')!.traps!.keys()], [down.dedupKey, 'k2000']);
  const again = processRaw(restored.get('r1'), 'trap', { ...down, receiverId: 'traps-3', receivedAt: 2_200 }, analysisConfig());
  assert.equal(again.anomalies.length, 0, 'a restored processor still knows the copy');
  const later = processRaw(again.state, 'trap', { ...down, receivedAt: 61_000 + 1_000 }, analysisConfig());
  assert.equal(later.anomalies[0]?.state, 'UPDATE', 'past the window the same notification counts again (here: re-opening the anomaly)');
});

test('equipment and optical alarm traps raise and clear the anomaly of the series they speak of', () => {
  const { feed, events } = chain({ ...analysisConfig(), userRules: { rules: loadRuleSet().rules, devices: new Map() } });
  // Cisco: a fan fails and recovers, one notification type with the state in its varbinds.
  const fan = (at: number, value: number) => trap(at, ALARM_TRAP_OIDS.ciscoEnvMonFanNotification, [text('ciscoEnvMonFanStatusDescr', '4', 'Fan Tray 4'), num('ciscoEnvMonFanState', '4', value)]);
  const out = feed('trap', fan(1_000, 3));
  assert.deepEqual(events.map((e) => [e.state, e.detector, e.severity, e.seriesKey]), [['OPEN', 'rule:fan-failed', 'MAJOR', 'r1/env_fan_state{sensor=4}']]);
  assert.match(events[0].reason, /^Fan Tray 4 state 3 \(ciscoEnvMonFanNotification V2C trap\): env_fan_state on 4 3 state, one of 3, 4, 6: rule fan-failed/);
  assert.deepEqual(out.metrics.samples.map((s) => [s.metric, s.value]), [['env_fan_state', 3]]);
  feed('trap', fan(2_000, 1));
  assert.deepEqual(events.map((e) => [e.state, e.anomalyId]), [['OPEN', events[0].anomalyId], ['CLOSE', events[0].anomalyId]]);
  assert.match(events[1].reason, /Fan Tray 4 state 1: normal again/);

  // Juniper: DOM loss of signal on a polled transceiver, then cleared.
  const dom = (at: number): RawSnmpPoll => ({ deviceId: 'r1', collectorId: 'c1', profile: 'optics-juniper', polledAt: at, durationMs: 5, sysUpTime: null, responseUpTimes: [], values: [num('jnxDomCurrentRxLaserPower', '7', -350), text('ifName', '7', 'xe-1/0/7')], error: null });
  feed('snmp', dom(3_000));
  const los = (at: number, set: boolean, bits: string) => trap(at, set ? ALARM_TRAP_OIDS.jnxDomAlarmSet : ALARM_TRAP_OIDS.jnxDomAlarmCleared, [text('ifDescr', '7', 'xe-1/0/7'), text('jnxDomCurrentAlarms', '7', bits)]);
  feed('trap', los(4_000, true, '0x200000')); // another alarm bit (Tx bias): not loss of signal
  assert.equal(events.length, 2);
  feed('trap', los(5_000, true, '0x800000'));
  const open = events[2];
  assert.deepEqual([open.state, open.detector, open.severity, open.seriesKey], ['OPEN', 'rule:optical-rx-low', 'CRITICAL', 'r1/optical_rx_dbm{direction=rx,ifName=xe-1/0/7}']);
  assert.match(open.reason, /receive loss of signal \(jnxDomAlarmSet\)/);
  feed('trap', los(6_000, false, '0x000000'));
  assert.deepEqual(events.slice(3).map((e) => [e.state, e.anomalyId]), [['CLOSE', open.anomalyId]]);
});
