import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RawSnmpPoll } from '../schemas/types.js';
import { encodeState, type ChangelogRecord } from '../streams/state-codec.js';
import { processRaw, type ChainOutput, type DeviceChainState } from './chain.js';
import { chainStateCodec, chainStateFormat, seriesFields } from './chain-codec.js';
import { chainStateCodecV2 } from './chain-codec-v2.js';
import { gaussian } from './anomaly/test-signals.js';
import { analysisConfig, type AnalysisConfig } from './anomaly/config.js';
import { DAY_MS } from '../common/time-units.js';

const t0 = 1_795_000_000_000;

/** SNMP polls of a few devices: daily traffic shape, noise, a burst on one interface, a port down. */
function polls(devices: number, count: number, intervalMs: number, extra?: { from: number; to: number }): RawSnmpPoll[] {
  const noise = gaussian(5);
  const totals = new Map<string, bigint>();
  const out: RawSnmpPoll[] = [];
  for (let n = 0; n < count; n++) {
    for (let d = 0; d < devices; d++) {
      const ts = t0 + n * intervalMs;
      const values: RawSnmpPoll['values'] = [];
      for (let i = 1; i <= 4; i++) {
        if (i === 4 && !(extra && n >= extra.from && n < extra.to)) continue; // a port that comes and goes
        const daily = 1 + 0.5 * Math.sin((2 * Math.PI * (ts % DAY_MS)) / DAY_MS);
        const burst = n % 97 === 40 && i === 2 ? 30 : 1;
        const bytes = BigInt(Math.max(0, Math.round((1e6 * daily + 5e4 * noise()) * i * burst * (intervalMs / 1000))));
        const key = `${d}.${i}`;
        const total = (totals.get(key) ?? 0n) + bytes;
        totals.set(key, total);
        values.push({ name: 'ifName', oid: `1.3.6.1.2.1.31.1.1.1.1.${i}`, index: String(i), kind: 'OCTET_STRING', counter: null, number: null, text: `eth${i}` });
        values.push({ name: 'ifOperStatus', oid: `1.3.6.1.2.1.2.2.1.8.${i}`, index: String(i), kind: 'INTEGER', counter: null, number: n % 150 > 140 && i === 3 ? 2 : 1, text: null });
        values.push({ name: 'ifHCInOctets', oid: `1.3.6.1.2.1.31.1.1.1.6.${i}`, index: String(i), kind: 'COUNTER64', counter: total, number: null, text: null });
      }
      out.push({ deviceId: `dev-${d}`, collectorId: 'test', profile: 'interfaces', polledAt: ts, durationMs: 20, sysUpTime: 100 + n * (intervalMs / 10), responseUpTimes: [], values, error: null });
    }
  }
  return out;
}

/** A compacted changelog: the latest value per record key. */
function compacted(records: ChangelogRecord[], log = new Map<string, Buffer>()): Map<string, Buffer> {
  for (const r of records) r.value === null ? log.delete(r.key) : log.set(r.key, r.value);
  return log;
}

function outputsOf(o: ChainOutput): string {
  return JSON.stringify([o.metrics, o.live, o.baselines, o.anomalies, o.health]);
}

/** Runs the polls; every `every` polls, checkpoints the devices touched and (restore) continues from the decoded changelog. */
function run(input: RawSnmpPoll[], every: number, restore: boolean, config?: AnalysisConfig): { outputs: string[]; log: Map<string, Buffer> } {
  let states = new Map<string, DeviceChainState>();
  const log = new Map<string, Buffer>();
  const touched = new Set<string>();
  const outputs: string[] = [];
  input.forEach((p, i) => {
    const out = processRaw(states.get(p.deviceId), 'snmp', p, config);
    states.set(p.deviceId, out.state);
    touched.add(p.deviceId);
    outputs.push(outputsOf(out));
    if ((i + 1) % every === 0) {
      for (const key of touched) compacted(chainStateCodec.encode(key, states.get(key)), log);
      touched.clear();
      if (restore) states = chainStateCodec.decode(log);
    }
  });
  return { outputs, log };
}

test('state restored from format 3 checkpoints continues exactly as the one in memory', { timeout: 180_000 }, () => {
  // 9 days of 5-min polls: daily and weekly profiles in use; checkpoints of 1 poll per device, of
  // hours (a few buckets), and of more than a day (every bucket). A fourth port appears on day 2
  // and stops reporting on day 5: its series are added, then forgotten a day later (new catalogues).
  const input = polls(3, 9 * 288, 300_000, { from: 2 * 288, to: 5 * 288 });
  const config = analysisConfig({ seriesIdleMs: DAY_MS });
  const reference = run(input, input.length + 1, false, config).outputs;
  assert.ok(reference.some((o) => o.includes('ifName=eth4')) && !reference.at(-1)!.includes('ifName=eth4'), 'the fourth port comes and goes');
  for (const every of [3, 3 * 37, 3 * 400]) {
    const { outputs } = run(input, every, true, config);
    assert.equal(outputs.length, reference.length);
    for (let i = 0; i < outputs.length; i++) if (outputs[i] !== reference[i]) assert.fail(`checkpoint every ${every}: output ${i} differs after a restore`);
  }
});

test('a poll writes the head and one record per touched block, not one per series', { timeout: 60_000 }, () => {
  const input = polls(1, 2 * 288, 300_000);
  let state: DeviceChainState | undefined;
  for (const p of input) state = processRaw(state, 'snmp', p).state;
  const whole = chainStateCodec.encode('dev-0', state);
  assert.ok(whole.some((r) => r.key === 'dev-0\u0000c'), 'a state not written before gets its catalogue');
  const next = processRaw(state, 'snmp', { ...input[input.length - 1], polledAt: input[input.length - 1].polledAt + 300_000 });
  const records = chainStateCodec.encode('dev-0', next.state);
  const bytes = (rs: ChangelogRecord[]) => rs.reduce((n, r) => n + (r.value?.length ?? 0), 0);
  assert.equal(records[records.length - 1].key, 'dev-0', 'the head comes last');
  assert.equal(records[records.length - 1].value![0], chainStateFormat);
  assert.ok(!records.some((r) => r.key === 'dev-0\u0000c'), 'the same series: no new catalogue');
  // A block of daily, weekly and daily maxima each (two where the poll crossed a block's edge),
  // whatever the number of scored series (if_in_bps ×3, …; snmp_poll_ms is not scored).
  const scored = [...next.state.analysis!.series.values()].filter((s) => s.det !== null).length;
  assert.ok(scored >= 3 && records.length <= 1 + 2 * 3, `${records.length} records for ${scored} scored series`);
  const v2 = chainStateCodecV2.encode('dev-0', structuredClone(next.state));
  assert.ok(bytes(records) < bytes(whole) / 4 && bytes(records) < encodeState(next.state).length / 4, `${bytes(records)} bytes vs ${bytes(whole)} whole, ${encodeState(next.state).length} as format 1`);
  assert.ok(records.length < v2.length, `${records.length} records vs ${v2.length} of format 2 written whole`);
});

test('format 2 checkpoints still restore, continue exactly, and become format 3 on their next write', { timeout: 60_000 }, () => {
  const input = polls(2, 600, 300_000);
  const reference = run(input, input.length + 1, false).outputs;
  const cut = 2 * 400;
  let states = new Map<string, DeviceChainState>();
  const outputs: string[] = [];
  const step = (p: RawSnmpPoll) => {
    const out = processRaw(states.get(p.deviceId), 'snmp', p);
    states.set(p.deviceId, out.state);
    outputs.push(outputsOf(out));
  };
  input.slice(0, cut).forEach(step);
  const log = new Map<string, Buffer>();
  for (const [k, st] of states) compacted(chainStateCodecV2.encode(k, st), log); // as format 2 wrote it
  states = chainStateCodec.decode(log);
  input.slice(cut, cut + 2).forEach(step);
  for (const key of states.keys()) compacted(chainStateCodec.encode(key, states.get(key)), log);
  assert.ok([...states.keys()].every((k) => log.get(k)![0] === chainStateFormat), 'every device head rewritten as format 3');
  states = chainStateCodec.decode(log);
  input.slice(cut + 2).forEach(step);
  assert.deepEqual(outputs, reference);
});

test('the codec knows every field of a series state', () => {
  let state: DeviceChainState | undefined;
  for (const p of polls(1, 5, 60_000)) state = processRaw(state, 'snmp', p).state;
  for (const s of state!.analysis!.series.values()) assert.deepEqual(Object.keys(s).sort(), [...seriesFields].sort(), 'a new field of SeriesAnalysisState needs a place in chain-codec.ts');
});

test('format 1 checkpoints (one JSON state per device) still restore, and upgrade on their next write', { timeout: 60_000 }, () => {
  const input = polls(2, 400, 300_000);
  const reference = run(input, input.length + 1, false).outputs;
  const cut = 2 * 250;
  let states = new Map<string, DeviceChainState>();
  const outputs: string[] = [];
  input.slice(0, cut).forEach((p) => {
    const out = processRaw(states.get(p.deviceId), 'snmp', p);
    states.set(p.deviceId, out.state);
    outputs.push(outputsOf(out));
  });
  const log = new Map<string, Buffer>([...states].map(([k, s]) => [k, encodeState(s)])); // as format 1 wrote it
  states = chainStateCodec.decode(log);
  input.slice(cut, cut + 2).forEach((p) => {
    const out = processRaw(states.get(p.deviceId), 'snmp', p);
    states.set(p.deviceId, out.state);
    outputs.push(outputsOf(out));
  });
  for (const key of states.keys()) compacted(chainStateCodec.encode(key, states.get(key)), log);
  assert.ok([...states.keys()].every((k) => log.get(k)![0] === chainStateFormat), 'every device head rewritten as format 3');
  states = chainStateCodec.decode(log);
  input.slice(cut + 2).forEach((p) => {
    const out = processRaw(states.get(p.deviceId), 'snmp', p);
    states.set(p.deviceId, out.state);
    outputs.push(outputsOf(out));
  });
  assert.deepEqual(outputs, reference);
});

test('a deleted state is a tombstone; a structured clone of a state still checkpoints whole', () => {
  assert.deepEqual(chainStateCodec.encode('gone', undefined), [{ key: 'gone', value: null }]);
  const input = polls(1, 30, 60_000);
  let state: DeviceChainState | undefined;
  for (const p of input) state = processRaw(state, 'snmp', p).state;
  const log = compacted(chainStateCodec.encode('dev-0', structuredClone(state)));
  const restored = chainStateCodec.decode(log).get('dev-0')!;
  const a = processRaw(state, 'snmp', { ...input[29], polledAt: input[29].polledAt + 60_000 });
  const b = processRaw(restored, 'snmp', { ...input[29], polledAt: input[29].polledAt + 60_000 });
  assert.equal(outputsOf(b), outputsOf(a));
});

test('a checkpoint written before change-driven baselines (series without the last record\'s band) restores and carries on', { timeout: 60_000 }, () => {
  const input = polls(1, 200, 60_000);
  let state: DeviceChainState | undefined;
  for (const p of input.slice(0, 100)) state = processRaw(state, 'snmp', p).state;
  // What the previous version wrote: the series state knew only when it last emitted.
  for (const s of state!.analysis!.series.values()) {
    delete s.baselineExpected;
    delete s.baselineSpread;
    delete s.baselineSeasonal;
  }
  for (const log of [compacted(chainStateCodecV2.encode('dev-0', state)), new Map([['dev-0', encodeState(state)]]), compacted(chainStateCodec.encode('dev-0', state))]) {
    let restored: DeviceChainState | undefined = chainStateCodec.decode(log).get('dev-0');
    const baselines: string[] = [];
    for (const p of input.slice(100)) {
      const out = processRaw(restored, 'snmp', p);
      restored = out.state;
      baselines.push(...out.baselines.map((b) => b.seriesKey));
    }
    const scored = [...restored!.analysis!.series.values()].filter((s) => s.det !== null).length;
    // Each scored series emits once at its next due time (it cannot tell whether its band moved),
    // then on changes and heartbeats only: far fewer than one a minute.
    assert.ok(baselines.length >= scored && baselines.length < scored * 20, `${baselines.length} baselines from ${scored} series over 100 min`);
  }
});

test('the band of each series\' last Baseline record travels in the head\'s numbers, not as JSON fields', { timeout: 60_000 }, () => {
  let state: DeviceChainState | undefined;
  for (const p of polls(1, 50, 60_000)) state = processRaw(state, 'snmp', p).state;
  const records = chainStateCodec.encode('dev-0', state);
  assert.ok(!records[records.length - 1].value!.toString('utf8', 1).includes('baselineExpected'), 'no JSON fields for it');
  const restored = chainStateCodec.decode(compacted(records)).get('dev-0')!;
  const sent = (s: DeviceChainState) => [...s.analysis!.series].filter(([, x]) => x.det !== null).map(([k, x]) => [k, x.baselineAt, x.baselineExpected, x.baselineSpread, x.baselineSeasonal]);
  assert.ok(sent(state!).length > 0 && sent(state!).every(([, , e, sp]) => typeof e === 'number' && typeof sp === 'number'));
  assert.deepEqual(sent(restored), sent(state!));
});
