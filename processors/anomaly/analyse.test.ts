import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnomalyEvent, Baseline, HealthScore, MetricBatch } from '../../schemas/types.js';
import { encodeState, stateReviver } from '../../streams/state-codec.js';
import { analyseBatch, type DeviceAnalysisState } from './analyse.js';
import { analysisConfig } from './config.js';
import { gaussian, polls, sample, t0 } from './test-signals.js';
import { MINUTE_MS, DAY_MS } from '../../common/time-units.js';

interface Run {
  state: DeviceAnalysisState | undefined;
  baselines: Baseline[];
  anomalies: AnomalyEvent[];
  health: HealthScore[];
}

/** Feeds batches as the processor runtime does: a structuredClone of the state per record. */
function run(batches: MetricBatch[], state?: DeviceAnalysisState, config = analysisConfig()): Run {
  const out: Run = { state, baselines: [], anomalies: [], health: [] };
  for (const b of batches) {
    const r = analyseBatch(out.state === undefined ? undefined : structuredClone(out.state), b, config);
    out.state = r.deviceState;
    out.baselines.push(...r.baselines);
    out.anomalies.push(...r.anomalies);
    if (r.health) out.health.push(r.health);
  }
  return out;
}

const step = 30_000; // 30 s polls
const dropAt = DAY_MS / step; // a day of history first

function opticalDrop(seed = 7): MetricBatch[] {
  const n = gaussian(seed);
  return polls('lab-r1', dropAt + 20 + 120, step, (i) => [
    sample('lab-r1', 'device_up', 'ratio', 1),
    sample('lab-r1', 'if_oper_up', 'ratio', 1, { ifName: 'xe-0/0/0' }),
    sample('lab-r1', 'rx_power', 'dBm', (i >= dropAt && i < dropAt + 20 ? -13.2 : -7.2) + 0.05 * n(), { ifName: 'xe-0/0/0' }),
    sample('lab-r1', 'if_in_bps', 'bps', 4e8 + 2e7 * n(), { ifName: 'xe-0/0/0' }),
  ]);
}

test('an optical power drop of 6 dB for 10 minutes: one OPEN, one CLOSE, same id, numbers in the reason', { timeout: 60_000 }, () => {
  const batches = opticalDrop();
  const { anomalies } = run(batches);
  assert.deepEqual(anomalies.map((a) => a.state), ['OPEN', 'CLOSE'], JSON.stringify(anomalies, null, 1));
  const [open, close] = anomalies;
  assert.equal(open.seriesKey, 'lab-r1/rx_power{ifName=xe-0/0/0}');
  assert.equal(open.anomalyId, close.anomalyId);
  assert.match(open.anomalyId, /^[0-9a-f]{32}$/);
  const dropTs = batches[dropAt].ts;
  const recoverTs = batches[dropAt + 20].ts;
  assert.equal(open.startedAt, dropTs, 'opens on the first dropped sample');
  assert.equal(open.ts, dropTs);
  assert.equal(open.endedAt, null);
  assert.equal(open.detector, 'baseline-zscore');
  assert.ok(open.severity === 'MAJOR', open.severity);
  assert.ok(open.observed < -13 && open.expected > -7.4 && open.lower < open.expected && open.upper > open.expected);
  assert.match(open.reason, /-13\.\d\d dBm below expected -7\.\d\d dBm/);
  assert.match(open.reason, /above receiver sensitivity -14\.00 dBm/, 'the warning-margin rule is in the reason too');
  assert.equal(close.startedAt, dropTs);
  assert.equal(close.endedAt, recoverTs, 'ends at the first normal sample');
  assert.ok(close.ts - recoverTs >= 2 * MINUTE_MS && close.ts - recoverTs <= 3 * MINUTE_MS, `closed ${(close.ts - recoverTs) / 1000} s after recovery`);
  assert.match(close.reason, /back to normal .* lasted 10 min, extreme -13\.\d\d dBm/);
});

test('replay: the same input gives deep-equal outputs; a state restored from the changelog continues identically', { timeout: 60_000 }, () => {
  const batches = opticalDrop(8);
  const a = run(batches);
  const b = run(batches);
  assert.deepEqual(b.anomalies, a.anomalies);
  assert.deepEqual(b.baselines, a.baselines);
  assert.deepEqual(b.health, a.health);
  // Checkpoint mid-anomaly, restore through the changelog's JSON codec, continue.
  const cut = dropAt + 5;
  const first = run(batches.slice(0, cut));
  const restored = JSON.parse(encodeState(first.state).toString('utf8'), stateReviver) as DeviceAnalysisState;
  const second = run(batches.slice(cut), restored);
  assert.deepEqual([...first.anomalies, ...second.anomalies], a.anomalies);
  assert.deepEqual([...first.baselines, ...second.baselines], a.baselines);
  assert.deepEqual([...first.health, ...second.health], a.health);
  // Redelivered batches change nothing.
  const again = run(batches.slice(cut - 3, cut + 3), structuredClone(run(batches.slice(0, cut + 3)).state));
  assert.deepEqual([again.anomalies, again.baselines, again.health], [[], [], []]);
});

test('baselines: the first at once, then only when the band moved (at most one a minute) or as a 15-minute heartbeat', { timeout: 60_000 }, () => {
  const batches = opticalDrop(9).slice(0, 400); // 200 min of 30 s polls
  const { baselines } = run(batches);
  const t0 = batches[0].ts;
  // A steady optic (noise below its 0.3 dB spread floor): its band never moves, only heartbeats.
  const rx = baselines.filter((b) => b.metric === 'rx_power');
  assert.deepEqual(rx.map((b) => (b.ts - t0) / MINUTE_MS), Array.from({ length: 14 }, (_, i) => 15 * i), 'at once, then every 15 min');
  const last = rx[rx.length - 1];
  assert.ok(Math.abs(last.expected + 7.2) < 0.05 && last.lower < last.expected && last.upper > last.expected && last.spread > 0, JSON.stringify(last));
  assert.equal(last.deviceId, 'lab-r1');
  assert.equal(last.sampleCount, 391, 'the sample count as of the record');
  // Traffic: the band moves while the spread is being learnt (one a minute at most), then settles.
  const bps = baselines.filter((b) => b.metric === 'if_in_bps');
  for (let i = 1; i < bps.length; i++) assert.ok(bps[i].ts - bps[i - 1].ts >= MINUTE_MS && bps[i].ts - bps[i - 1].ts <= 15 * MINUTE_MS, `gap ${(bps[i].ts - bps[i - 1].ts) / MINUTE_MS} min`);
  assert.ok(bps.length > rx.length && bps.length < 30, `${bps.length} if_in_bps baselines in 200 min`);
  assert.ok(!baselines.some((b) => b.metric === 'device_up' || b.metric === 'if_oper_up'), 'availability is left to the rules');
});

test('a noisy but normal series with a daily pattern raises nothing over several days', { timeout: 60_000 }, () => {
  const n = gaussian(31);
  const five = 5 * MINUTE_MS;
  const daily = (ts: number) => Math.sin((2 * Math.PI * (ts % DAY_MS)) / DAY_MS);
  const batches = polls('lab-r2', 6 * 288, five, (_i, ts) => [
    sample('lab-r2', 'device_up', 'ratio', 1),
    sample('lab-r2', 'if_in_bps', 'bps', 5e8 + 3e8 * daily(ts) + 3e7 * n(), { ifName: 'eth0' }),
    sample('lab-r2', 'if_out_bps', 'bps', 2e8 + 1e8 * daily(ts + DAY_MS / 4) + 2e7 * n(), { ifName: 'eth0' }),
    sample('lab-r2', 'rx_power', 'dBm', -6 + 0.3 * daily(ts) + 0.1 * n(), { ifName: 'eth0' }),
    sample('lab-r2', 'icmp_rtt_ms', 'ms', 20 + 5 * daily(ts) + 2 * n(), { target: 'core' }),
  ]);
  const { anomalies, health } = run(batches);
  assert.deepEqual(anomalies, []);
  assert.ok(health.every((h) => h.score >= 90), `lowest health ${Math.min(...health.map((h) => h.score))}`);
});

test('flapping does not storm: one OPEN, re-opens as UPDATEs of the same anomaly, one final CLOSE', { timeout: 60_000 }, () => {
  // An interface down for one poll, up for six (3 min: long enough to close once), 20 times, then stable.
  const batches = polls('lab-r3', 20 + 20 * 7 + 60, step, (i) => {
    const flapping = i >= 20 && i < 20 + 20 * 7;
    const up = flapping && (i - 20) % 7 === 0 ? 0 : 1;
    return [sample('lab-r3', 'device_up', 'ratio', 1), sample('lab-r3', 'if_oper_up', 'ratio', up, { ifName: 'eth1' })];
  });
  const { anomalies } = run(batches);
  const states = anomalies.map((a) => a.state);
  assert.equal(states.filter((s) => s === 'OPEN').length, 1, states.join());
  assert.equal(new Set(anomalies.map((a) => a.anomalyId)).size, 1);
  assert.equal(states[states.length - 1], 'CLOSE');
  assert.ok(anomalies.length <= 4, `${anomalies.length} events: ${states.join()}`);
  assert.ok(anomalies.some((a) => a.state === 'UPDATE' && /flapping/.test(a.reason)));
  const close = anomalies[anomalies.length - 1];
  assert.match(close.reason, /re-opened \d+ times \(flapping\)/);
});

test('interface down rule: opens as rule:interface-down and closes when it is back; a port never up is not "down"', { timeout: 30_000 }, () => {
  const batches = polls('lab-r4', 40, step, (i) => [
    sample('lab-r4', 'device_up', 'ratio', 1),
    sample('lab-r4', 'if_oper_up', 'ratio', i >= 10 && i < 20 ? 0 : 1, { ifName: 'eth1' }),
    sample('lab-r4', 'if_oper_up', 'ratio', 0, { ifName: 'eth9' }),
  ]);
  const { anomalies, health } = run(batches);
  assert.deepEqual(anomalies.map((a) => [a.state, a.seriesKey]), [
    ['OPEN', 'lab-r4/if_oper_up{ifName=eth1}'],
    ['CLOSE', 'lab-r4/if_oper_up{ifName=eth1}'],
  ]);
  const [open, close] = anomalies;
  assert.equal(open.detector, 'rule:interface-down');
  assert.equal(open.severity, 'MAJOR');
  assert.equal(open.ts, batches[10].ts);
  assert.match(open.reason, /eth1 operationally down \(if_oper_up 0\)/);
  assert.equal(close.endedAt, batches[20].ts);
  const during = health.filter((h) => h.ts >= batches[10].ts && h.ts < batches[20].ts);
  assert.ok(during.length > 0 && during[0].components.find((c) => c.name === 'availability')!.score === 0, 'the only port that was ever up is down');
});

test('health drops when the device stops answering and recovers; a device-down anomaly after two failed polls', { timeout: 30_000 }, () => {
  const batches = polls('lab-r5', 40, step, (i) => {
    const down = i >= 10 && i < 14;
    if (down) return [sample('lab-r5', 'device_up', 'ratio', 0)]; // a failed poll carries availability only
    return [sample('lab-r5', 'device_up', 'ratio', 1), sample('lab-r5', 'if_oper_up', 'ratio', 1, { ifName: 'eth0' })];
  });
  const { anomalies, health } = run(batches);
  const at = (ts: number) => [...health].reverse().find((h) => h.ts <= ts)!;
  assert.equal(at(batches[9].ts).score, 100);
  assert.equal(health.find((h) => h.ts === batches[10].ts)?.score, 0, 'emitted at once, scored 0');
  assert.ok(at(batches[15].ts).score >= 75 && at(batches[15].ts).score < 100, `just after: ${at(batches[15].ts).score} (the CRITICAL anomaly still open)`);
  assert.equal(at(batches[39].ts).score, 100);
  assert.deepEqual(anomalies.map((a) => [a.state, a.detector, a.severity]), [
    ['OPEN', 'rule:device-down', 'CRITICAL'],
    ['CLOSE', 'rule:device-down', 'CRITICAL'],
  ]);
  assert.equal(anomalies[0].ts, batches[11].ts, 'forPolls 2: the second failed poll opens it');
});

test('per-series state stays compact', { timeout: 60_000 }, () => {
  const { state } = run(opticalDrop(10).slice(0, 2000));
  const bytes = encodeState(state).length;
  const scored = [...state!.series.values()].filter((s) => s.det !== null).length;
  assert.equal(scored, 2);
  // Two scored series (~8.3 kB each: the packed detector) and two availability series (~200 B).
  assert.ok(bytes < 2 * 8_800 + 2 * 400, `${bytes} bytes`);
});

test('a flat error counter: a blip below the unit spread floor is noise, a real burst opens and closes', { timeout: 60_000 }, () => {
  const blip = dropAt;
  const burst = dropAt + 720; // 6 h later
  const batches = polls('lab-r6', burst + 60, step, (i) => [
    sample('lab-r6', 'if_in_errors_ps', 'pps', i === blip ? 0.5 : i >= burst && i < burst + 3 ? 40 : 0, { ifName: 'eth0' }),
  ]);
  const { anomalies } = run(batches);
  assert.deepEqual(anomalies.map((a) => [a.state, a.ts]), [['OPEN', batches[burst].ts], ['CLOSE', batches[burst + 7].ts]]);
  assert.match(anomalies[0].reason, /if_in_errors_ps on eth0 40 pps above expected 0\.000\d+ pps \(band 0 pps to 0\.\d+ pps, 133\.3 spreads\)/);
});

test('an interface that goes down: shut by an operator opens nothing, a failed link opens interface-down', () => {
  const port = (i: number, admin: number, oper: number) => [
    sample('lab-r1', 'device_up', 'ratio', 1),
    sample('lab-r1', 'if_admin_up', 'ratio', admin, { ifName: 'xe-0/0/1' }),
    sample('lab-r1', 'if_oper_up', 'ratio', i < 3 ? 1 : oper, { ifName: 'xe-0/0/1' }),
  ];
  const shut = run(polls('lab-r1', 6, step, (i) => port(i, i < 3 ? 1 : 0, 0)));
  assert.deepEqual(shut.anomalies, [], 'admin down, then oper down: shut on purpose');
  const failed = run(polls('lab-r1', 6, step, (i) => port(i, 1, 0)));
  assert.deepEqual(failed.anomalies.map((a) => [a.state, a.detector]), [['OPEN', 'rule:interface-down']]);
  assert.match(failed.anomalies[0].reason, /xe-0\/0\/1 operationally down .*admin up/);
  // The failed port is then shut: the anomaly closes (the operator took it out of service).
  const closed = run(polls('lab-r1', 30, step, (i) => port(i, i < 10 ? 1 : 0, 0)));
  assert.deepEqual(closed.anomalies.map((a) => a.state), ['OPEN', 'CLOSE']);
});

test('utilisation above the threshold for the configured polls opens utilisation-high', () => {
  const config = analysisConfig({ rules: { utilisationHigh: { thresholdPercent: 80, forPolls: 3 } } });
  const util = (i: number) => (i >= 10 && i < 20 ? 95 : 30);
  const { anomalies } = run(polls('lab-r1', 40, step, (i) => [sample('lab-r1', 'if_in_util_pct', '%', util(i), { ifName: 'et-0/0/0' })]), undefined, config);
  const rule = anomalies.filter((a) => a.detector === 'rule:utilisation-high');
  assert.equal(rule[0]?.state, 'OPEN', JSON.stringify(anomalies.map((a) => [a.state, a.detector])));
  assert.equal(rule[0].startedAt, t0 + 12 * step, 'after 3 polls above the limit');
  assert.ok(anomalies.some((a) => a.state === 'CLOSE' && a.anomalyId === rule[0].anomalyId));
});
