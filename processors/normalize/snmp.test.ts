import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RawSnmpPoll } from '../../schemas/types.js';
import { normalizeSnmp, type SnmpDeviceState } from './snmp.js';

type Value = RawSnmpPoll['values'][number];
const counter = (name: string, index: string, v: bigint, kind: Value['kind'] = 'COUNTER64'): Value => ({ name, oid: `1.3.6.${name}.${index}`, index, kind, counter: v, number: null, text: null });
const text = (name: string, index: string, t: string): Value => ({ name, oid: `1.3.6.${name}.${index}`, index, kind: 'OCTET_STRING', counter: null, number: null, text: t });
const gauge = (name: string, index: string, n: number): Value => ({ name, oid: `1.3.6.${name}.${index}`, index, kind: 'GAUGE32', counter: null, number: n, text: null });

function poll(at: number, upTime: number | null, inOctets: bigint, kind: Value['kind'] = 'COUNTER64', speedMbps = 1000): RawSnmpPoll {
  const name = kind === 'COUNTER32' ? 'ifInErrors' : 'ifHCInOctets';
  return {
    deviceId: 'r1',
    collectorId: 'c1',
    profile: 'interfaces',
    polledAt: at,
    durationMs: 12,
    sysUpTime: upTime,
    responseUpTimes: [],
    values: [text('ifName', '3', 'xe-0/0/3'), gauge('ifHighSpeed', '3', speedMbps), gauge('ifOperStatus', '3', 1), counter(name, '3', inOctets, kind)],
    error: null,
  };
}

const rate = (b: ReturnType<typeof normalizeSnmp>['batch'], metric: string) => b.samples.find((s) => s.metric === metric)?.value;

function run(polls: RawSnmpPoll[]) {
  let state: SnmpDeviceState | undefined;
  return polls.map((p) => {
    const r = normalizeSnmp(state, p);
    state = r.state;
    return r.batch;
  });
}

test('octet counters become bits per second between two polls, labelled by interface name', () => {
  const [first, second] = run([poll(0, 100, 1_000n), poll(10_000, 1_100, 1_000n + 125_000_000n)]);
  assert.equal(rate(first, 'if_in_bps'), undefined, 'no rate without a previous poll');
  assert.equal(rate(second, 'if_in_bps'), 100_000_000); // 125 MB in 10 s = 100 Mbit/s
  const s = second.samples.find((x) => x.metric === 'if_in_bps')!;
  assert.equal(s.seriesKey, 'r1/if_in_bps{ifName=xe-0/0/3}');
  assert.equal(s.unit, 'bps');
  assert.equal(rate(second, 'if_oper_up'), 1);
  assert.equal(rate(second, 'if_speed_bps'), 1e9);
});

test('a 64-bit counter near 2^64 keeps full precision in the delta', () => {
  const big = (1n << 64n) - 1_000_000n;
  const [, second] = run([poll(0, 100, big), poll(1_000, 200, big + 125_000n)]);
  assert.equal(rate(second, 'if_in_bps'), 1_000_000);
});

test('a 32-bit counter wrap gives the true rate', () => {
  const [, second] = run([poll(0, 100, 4_294_967_000n, 'COUNTER32'), poll(10_000, 1_100, 704n, 'COUNTER32')]);
  assert.equal(rate(second, 'if_in_errors_ps'), 100); // 1000 errors in 10 s
});

test('a counter reset without a reboot gives no rate, not a spike', () => {
  const [, second, third] = run([poll(0, 100, 9_000_000_000n), poll(10_000, 1_100, 5n), poll(20_000, 2_100, 1_250_005n)]);
  assert.equal(rate(second, 'if_in_bps'), undefined);
  assert.equal(rate(third, 'if_in_bps'), 1_000_000, 'rates resume from the reset value');
});

test('a 32-bit drop too large for the link speed is a reset, not a wrap', () => {
  // 10 Mbit/s link, 10 s: at most ~12.5 MB could pass; a wrap would claim ~4 GB.
  const [, second] = run([poll(0, 100, 4_000_000_000n, 'COUNTER32', 10), poll(10_000, 1_100, 3_000_000_000n, 'COUNTER32', 10)]);
  assert.equal(rate(second, 'if_in_errors_ps'), undefined);
});

test('a reboot (sysUpTime going back) produces no false spike even when counters look higher', () => {
  const [, second, third] = run([poll(0, 500_000, 1_000n), poll(10_000, 300, 50_000_000_000n), poll(20_000, 1_300, 50_000_125_000n)]);
  assert.equal(rate(second, 'if_in_bps'), undefined);
  assert.equal(rate(second, 'sys_uptime_s'), 3);
  assert.equal(rate(third, 'if_in_bps'), 100_000);
});

test('sysUpTime wrapping at 2^32 ticks is not taken for a reboot', () => {
  const nearWrap = 2 ** 32 - 500; // ticks
  const [, second] = run([poll(0, nearWrap, 0n), poll(10_000, 500, 125_000n)]);
  assert.equal(rate(second, 'if_in_bps'), 100_000);
});

test('a replayed or duplicated poll yields no second rate and leaves the state alone', () => {
  let state: SnmpDeviceState | undefined;
  for (const p of [poll(0, 100, 0n), poll(10_000, 1_100, 125_000n)]) state = normalizeSnmp(state, p).state;
  const again = normalizeSnmp(state, poll(10_000, 1_100, 125_000n));
  assert.equal(rate(again.batch, 'if_in_bps'), undefined);
  assert.equal(again.state, state);
});

test('a failed poll is an availability sample of 0 and keeps the previous state', () => {
  const ok = normalizeSnmp(undefined, poll(0, 100, 0n));
  const failed = normalizeSnmp(ok.state, { ...poll(10_000, null, 0n), values: [], error: { code: 'SNMP_TIMEOUT', message: 'no answer' } });
  assert.equal(rate(failed.batch, 'device_up'), 0);
  assert.equal(failed.batch.samples.length, 1);
  assert.equal(failed.state, ok.state);
});

test('profiles polled separately keep separate counter state', async () => {
  const { processRaw } = await import('../chain.js');
  const system = (at: number): RawSnmpPoll => ({ ...poll(at, 100 + at / 10, 0n), profile: 'system', values: [] });
  let state = processRaw(undefined, 'snmp', poll(0, 100, 0n)).state;
  state = processRaw(state, 'snmp', system(5_000)).state;
  const out = processRaw(state, 'snmp', poll(10_000, 1_100, 125_000n));
  assert.equal(rate(out.metrics, 'if_in_bps'), 100_000);
});

test('a checkpoint of an older shape (no normalize map) is upgraded, not dead-lettered', async () => {
  const { processRaw } = await import('../chain.js');
  const old = { snmp: new Map(), liveEmitted: new Map() } as unknown as Parameters<typeof processRaw>[0];
  const first = processRaw(old, 'snmp', poll(0, 100, 0n));
  const second = processRaw(first.state, 'snmp', poll(10_000, 1_100, 125_000n));
  assert.equal(rate(second.metrics, 'if_in_bps'), 100_000);
});

test('a raw value named after an Object property (constructor, __proto__, toString) is no counter and yields no sample', () => {
  const hostile = (at: number, n: bigint): RawSnmpPoll => ({ ...poll(at, 100 + at / 10, n), values: ['constructor', '__proto__', 'toString'].map((name) => counter(name, '3', n)) });
  const [, second] = run([hostile(0, 1n), hostile(10_000, 1_000n)]);
  assert.deepEqual(second.samples.map((s) => s.metric).sort(), ['device_up', 'snmp_poll_ms', 'sys_uptime_s']);
  assert.ok(second.samples.every((s) => typeof s.metric === 'string' && typeof s.unit === 'string'));
});

test('an agent without ifXTable names its interfaces by ifDescr, then ifAlias, and only then the index', () => {
  const base = poll(0, 100, 1_000n);
  const values = [
    gauge('ifOperStatus', '1', 1),
    text('ifDescr', '1', 'Intel(R) PRO/1000 MT Network Connection'),
    gauge('ifOperStatus', '2', 1),
    text('ifAlias', '2', 'uplink to core'),
    gauge('ifOperStatus', '3', 2),
    text('ifName', '3', 'eth3'),
    text('ifDescr', '3', 'ignored: ifName wins'),
    gauge('ifOperStatus', '65539', 1),
  ];
  const names = normalizeSnmp(undefined, { ...base, values }).batch.samples.filter((s) => s.metric === 'if_oper_up').map((s) => s.labels.ifName);
  assert.deepEqual(names, ['Intel(R) PRO/1000 MT Network Connection', 'uplink to core', 'eth3', 'ifIndex65539']);
});

test('rates use the agent\'s clock: a poll answered late on a loaded collector is no spike', () => {
  // Stamped 2 s apart by the collector, but the second answer came 0.4 s later than the first:
  // the agent read 100 Mbit/s worth of 2.4 s.
  const bytes = BigInt((100_000_000 / 8) * 2.4);
  const [, late] = run([poll(0, 1_000, 0n), poll(2_000, 1_240, bytes)]);
  assert.equal(rate(late, 'if_in_bps'), 100_000_000);
  // A clock that disagrees by more than a factor of two (frozen, or jumping) is not believed.
  const [, frozen] = run([poll(0, 1_000, 0n), poll(2_000, 1_000, 25_000_000n)]);
  assert.equal(rate(frozen, 'if_in_bps'), 100_000_000, 'the collector\'s 2 s');
  // Across the 32-bit wrap of sysUpTime (497 days) the difference is still the interval.
  const [, wrapped] = run([poll(0, 2 ** 32 - 100, 0n), poll(2_000, 100, 25_000_000n)]);
  assert.equal(rate(wrapped, 'if_in_bps'), 100_000_000);
});

test('each counter is timed by the clock of its own answer: a walk whose later answer came late is no spike', () => {
  // Two interfaces; the second one's counters came in a later GetBulk answer. In the second poll
  // that answer was 0.5 s later than in the first poll (1.5 s after the first answer, not 1 s).
  const walk = (at: number, up: number, laterUp: number, a: bigint, b: bigint): RawSnmpPoll => ({
    ...poll(at, up, a),
    values: [text('ifName', '3', 'xe-0/0/3'), text('ifName', '4', 'xe-0/0/4'), counter('ifHCInOctets', '3', a), counter('ifHCInOctets', '4', b)],
    responseUpTimes: [{ firstValue: 3, sysUpTime: laterUp }],
  });
  const perSecond = 12_500_000n; // 100 Mbit/s
  const [, second] = run([walk(0, 1_000, 1_100, 0n, perSecond * 1n), walk(2_000, 1_200, 1_350, perSecond * 2n, perSecond * 35n / 10n)]);
  const byIf = (name: string) => second.samples.find((x) => x.metric === 'if_in_bps' && x.labels.ifName === name)?.value;
  assert.equal(byIf('xe-0/0/3'), 100_000_000);
  assert.equal(byIf('xe-0/0/4'), 100_000_000, 'timed 1,100 → 1,350 cs (2.5 s), not by the poll\'s 2 s');
  // A poll whose walk fitted in one answer times that counter by the poll's clock again.
  const [, , third] = run([
    walk(0, 1_000, 1_100, 0n, perSecond),
    walk(2_000, 1_200, 1_350, perSecond * 2n, perSecond * 35n / 10n),
    { ...poll(4_000, 1_400, perSecond * 4n), values: [text('ifName', '4', 'xe-0/0/4'), counter('ifHCInOctets', '4', perSecond * 4n)] },
  ]);
  assert.equal(third.samples.find((x) => x.metric === 'if_in_bps')?.value, 100_000_000, '1,350 → 1,400 cs: the 0.5 s since that counter was last read');
  // An answer clock that jumped is not believed beyond a factor of eight of the poll interval: a
  // later answer claiming 10 ms since the last reading would make a ×200 spike.
  const [, , jumped] = run([
    walk(0, 1_000, 1_100, 0n, perSecond),
    walk(2_000, 1_200, 1_399, perSecond * 2n, perSecond * 3n),
    { ...poll(4_000, 1_400, perSecond * 4n), values: [text('ifName', '4', 'xe-0/0/4'), counter('ifHCInOctets', '4', perSecond * 5n)] },
  ]);
  assert.equal(jumped.samples.find((x) => x.metric === 'if_in_bps')?.value, 100_000_000, 'the collector\'s 2 s');
});

test('utilisation in and out is the octet rate as a percent of ifHighSpeed', () => {
  const withOut = (at: number, up: number, octets: bigint): RawSnmpPoll => {
    const p = poll(at, up, octets, 'COUNTER64', 1000);
    return { ...p, values: [...p.values, counter('ifHCOutOctets', '3', octets / 2n)] };
  };
  const [, second] = run([withOut(0, 100, 0n), withOut(10_000, 1_100, 500_000_000n)]); // 400 Mbit/s in, 200 out, 1 Gbit/s link
  assert.equal(rate(second, 'if_in_util_pct'), 40);
  assert.equal(rate(second, 'if_out_util_pct'), 20);
  const s = second.samples.find((x) => x.metric === 'if_in_util_pct')!;
  assert.deepEqual([s.seriesKey, s.unit], ['r1/if_in_util_pct{ifName=xe-0/0/3}', '%']);
});

test('without ifHighSpeed the line rate is ifSpeed, unless ifSpeed is saturated (then no utilisation)', () => {
  const slow = (at: number, up: number, octets: bigint, ifSpeed: number): RawSnmpPoll => {
    const p = poll(at, up, octets);
    return { ...p, values: p.values.filter((v) => v.name !== 'ifHighSpeed').concat(gauge('ifSpeed', '3', ifSpeed)) };
  };
  const [, second] = run([slow(0, 100, 0n, 2_000_000), slow(10_000, 1_100, 1_250_000n, 2_000_000)]); // 1 Mbit/s on 2 Mbit/s
  assert.equal(rate(second, 'if_in_util_pct'), 50);
  assert.equal(rate(second, 'if_speed_bps'), 2_000_000);
  const [, saturated] = run([slow(0, 100, 0n, 4_294_967_295), slow(10_000, 1_100, 1_250_000n, 4_294_967_295)]);
  assert.equal(rate(saturated, 'if_in_util_pct'), undefined, 'a saturated ifSpeed says only "faster than 4.29 Gbit/s"');
  assert.equal(rate(saturated, 'if_speed_bps'), undefined);
});

test('ifHighSpeed 0 (below 1 Mbit/s) defers to ifSpeed; otherwise ifHighSpeed wins and speed is one sample', () => {
  const p = poll(0, 100, 0n, 'COUNTER64', 0);
  const sub = normalizeSnmp(undefined, { ...p, values: [...p.values, gauge('ifSpeed', '3', 64_000)] }).batch;
  assert.deepEqual(sub.samples.filter((s) => s.metric === 'if_speed_bps').map((s) => s.value), [64_000]);
  const q = poll(0, 100, 0n, 'COUNTER64', 10_000);
  const fast = normalizeSnmp(undefined, { ...q, values: [...q.values, gauge('ifSpeed', '3', 4_294_967_295)] }).batch;
  assert.deepEqual(fast.samples.filter((s) => s.metric === 'if_speed_bps').map((s) => s.value), [1e10]);
});

test('ifAdminStatus becomes if_admin_up, emitted just before the same interface\'s if_oper_up', () => {
  const base = poll(0, 100, 0n);
  const values = [gauge('ifOperStatus', '1', 2), gauge('ifOperStatus', '2', 1), gauge('ifAdminStatus', '1', 2), gauge('ifAdminStatus', '2', 1), gauge('ifAdminStatus', '9', 3)];
  const metrics = normalizeSnmp(undefined, { ...base, values }).batch.samples.filter((s) => s.metric.startsWith('if_')).map((s) => `${s.metric}{${s.labels.ifName}}=${s.value}`);
  assert.deepEqual(metrics, ['if_admin_up{ifIndex1}=0', 'if_oper_up{ifIndex1}=0', 'if_admin_up{ifIndex2}=1', 'if_oper_up{ifIndex2}=1', 'if_admin_up{ifIndex9}=0']);
});
