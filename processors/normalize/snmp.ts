// normalize (SNMP): one raw poll → the metric samples it means. A pure function of
// (device state, poll) → (new state, batch): counters become rates against the previous poll of
// the same device, gauges pass through with explicit units, and availability is a sample too.
// Event time only (the poll's timestamp), so a replay of the log yields the same samples.
import type { MetricBatch, RawSnmpPoll } from '../../schemas/types.js';
import { counterDelta, ratePerSecond } from './counters.js';
import { seriesInterner } from './series-key.js';
import { hostMemory } from './host-memory.js';
import { interfaceFacts } from './interface-facts.js';
import { declaredMetrics, type DeclaredMetric } from './profile-metrics.js';
import { interfaceNames } from './interface-names.js';

export interface SnmpDeviceState {
  /** Event time of the previous successful poll, ms. */
  at: number;
  /** sysUpTime of that poll, centiseconds. */
  upTime: number | null;
  /** Counter readings of that poll, by `${name}.${index}`. */
  counters: Map<string, bigint>;
  /** sysUpTime at which a counter was read, where a later answer of the walk moved it from upTime. */
  upTimes?: Map<string, number>;
}

type Sample = MetricBatch['samples'][number];

interface CounterMetric {
  metric: string;
  unit: string;
  /** Multiplier from counter units per second to the metric's unit (octets → bits: 8). */
  scale: number;
  /** Counter units one bit of line rate allows per second, to bound a plausible 32-bit wrap. */
  perBit: number;
  /** The metric of this rate as a percentage of the line rate (octet counters only). */
  utilisation?: string;
}

const counterMetrics: Record<string, CounterMetric> = {
  ifHCInOctets: { metric: 'if_in_bps', unit: 'bps', scale: 8, perBit: 1 / 8, utilisation: 'if_in_util_pct' },
  ifHCOutOctets: { metric: 'if_out_bps', unit: 'bps', scale: 8, perBit: 1 / 8, utilisation: 'if_out_util_pct' },
  ifHCInUcastPkts: { metric: 'if_in_pps', unit: 'pps', scale: 1, perBit: 1 / 512 },
  ifHCOutUcastPkts: { metric: 'if_out_pps', unit: 'pps', scale: 1, perBit: 1 / 512 },
  ifInErrors: { metric: 'if_in_errors_ps', unit: 'pps', scale: 1, perBit: 1 / 512 },
  ifOutErrors: { metric: 'if_out_errors_ps', unit: 'pps', scale: 1, perBit: 1 / 512 },
  ifInDiscards: { metric: 'if_in_discards_ps', unit: 'pps', scale: 1, perBit: 1 / 512 },
};

// Counter ids (`${name}.${index}`) built once: the same strings poll after poll keep the counter
// maps' lookups cheap (hash cached, found by identity).
const counterIds = new Map<string, Map<string, string>>();
function counterId(name: string, index: string): string {
  let byIndex = counterIds.get(name);
  if (!byIndex) counterIds.set(name, (byIndex = new Map()));
  let id = byIndex.get(index);
  if (id === undefined && byIndex.size < 100_000) byIndex.set(index, (id = `${name}.${index}`));
  return id ?? `${name}.${index}`;
}

const TICKS_WRAP = 2 ** 32; // sysUpTime is TimeTicks (1/100 s), 32 bits: wraps after ~497 days

/** True when sysUpTime went back by more than a 32-bit wrap explains: the device restarted. */
export function rebooted(prev: SnmpDeviceState, poll: RawSnmpPoll): boolean {
  if (prev.upTime === null || poll.sysUpTime === null) return false;
  if (poll.sysUpTime >= prev.upTime) return false;
  const expected = (prev.upTime + (poll.polledAt - prev.at) / 10) % TICKS_WRAP;
  return Math.abs(expected - poll.sysUpTime) > 60 * 100; // a minute of slack for agent jitter
}

/**
 * The time between two readings of a counter. The collector stamps a poll when it sends the first
 * request; the agent reads its counters when it answers, which on a loaded collector or network can
 * be hundreds of milliseconds later one poll and not the next, and a walk's later answers later
 * still: every rate of the device then jumps together (+13–22 % at a 2 s interval was seen in the
 * lab). Every answer carries sysUpTime.0 (the poll's, or a responseUpTimes entry for later answers
 * of a walk), so the difference of the two answers' clocks is the interval on the agent's clock.
 * The agent's clock is believed when the poll's own sysUpTime moved by the collector's interval
 * within a factor of two (an agent with a frozen or erratic clock falls back to the collector's).
 */
function agentClockAgrees(prev: SnmpDeviceState, poll: RawSnmpPoll, wallMs: number): boolean {
  if (prev.upTime === null || poll.sysUpTime === null) return false;
  const agentMs = ticksBetween(prev.upTime, poll.sysUpTime) * 10;
  return agentMs > wallMs / 2 && agentMs < wallMs * 2;
}

function ticksBetween(before: number, after: number): number {
  return (after - before + TICKS_WRAP) % TICKS_WRAP;
}

export function normalizeSnmp(prev: SnmpDeviceState | undefined, poll: RawSnmpPoll): { state: SnmpDeviceState | undefined; batch: MetricBatch } {
  const { deviceId } = poll;
  const samples: Sample[] = [];
  const series = seriesInterner(deviceId);
  const add = (metric: string, unit: string, value: number, ifName?: string, labelName = 'ifName') => {
    const interned = series(metric, ifName === undefined ? null : labelName, ifName ?? '');
    samples.push({ seriesKey: interned.seriesKey, metric, labels: interned.labels, unit, value });
  };
  const batch: MetricBatch = { deviceId, source: 'snmp', ts: poll.polledAt, samples };

  add('device_up', 'ratio', poll.error ? 0 : 1);
  if (poll.error) return { state: prev, batch };
  add('snmp_poll_ms', 'ms', poll.durationMs);
  if (poll.sysUpTime !== null) add('sys_uptime_s', 's', poll.sysUpTime / 100);

  // Interface names first: every series of an interface is labelled by its name, not its
  // ifIndex, which devices renumber across reboots.
  const ifNameOf = interfaceNames(poll);
  const { speedBps, speedFrom, adminUp, operIndexes } = interfaceFacts(poll);

  // A replayed or duplicated poll (not newer than the state) and a reboot yield no rates:
  // the first would double-count, the second would turn a reset into a spike.
  const fresh = prev !== undefined && poll.polledAt > prev.at;
  const usable = fresh && !rebooted(prev, poll);
  const wallMs = fresh ? poll.polledAt - prev.at : 0;
  const agentClock = fresh && agentClockAgrees(prev, poll, wallMs);
  const counters = new Map<string, bigint>();
  // The agent clock of the answer that carried each value, walked alongside the values.
  const answers = poll.sysUpTime === null ? [] : (poll.responseUpTimes ?? []);
  let nextAnswer = 0;
  let ticksNow = poll.sysUpTime;
  let upTimes: Map<string, number> | undefined;
  const noteCounter = (id: string, value: bigint): number => {
    counters.set(id, value);
    if (ticksNow !== poll.sysUpTime) (upTimes ??= new Map()).set(id, ticksNow!);
    if (!agentClock) return wallMs;
    const ms = ticksBetween(prev.upTimes?.get(id) ?? prev.upTime!, ticksNow!) * 10;
    // A later answer differs from the poll by at most the walk's duration; an answer clock that
    // jumped (a buggy agent, a forged record) must not turn into a rate spike without bound.
    return ms >= wallMs / 8 && ms <= wallMs * 8 ? ms : wallMs;
  };

  const declared = declaredMetrics(poll.profile);
  for (let i = 0; i < poll.values.length; i++) {
    const v = poll.values[i];
    while (nextAnswer < answers.length && answers[nextAnswer].firstValue <= i) ticksNow = answers[nextAnswer++].sysUpTime;
    const own = declared?.get(v.name);
    if (own) {
      addDeclared(own, v);
      continue;
    }
    if (v.name === 'ifOperStatus' && v.number !== null) {
      // Admin status just before oper status: the interface-down rule reads it from the same batch.
      const admin = adminUp.get(v.index);
      if (admin !== undefined) add('if_admin_up', 'ratio', admin, ifNameOf(v.index));
      add('if_oper_up', 'ratio', v.number === 1 ? 1 : 0, ifNameOf(v.index));
    } else if (v.name === 'ifAdminStatus' && v.number !== null && !operIndexes.has(v.index)) add('if_admin_up', 'ratio', adminUp.get(v.index)!, ifNameOf(v.index));
    else if ((v.name === 'ifHighSpeed' || v.name === 'ifSpeed') && v.number !== null && speedFrom.get(v.index) === v.name) add('if_speed_bps', 'bps', speedBps.get(v.index)!, ifNameOf(v.index));
    const cm = Object.hasOwn(counterMetrics, v.name) ? counterMetrics[v.name] : undefined; // a raw name `constructor` is no counter
    if (!cm || v.counter === null || (v.kind !== 'COUNTER32' && v.kind !== 'COUNTER64')) continue;
    const id = counterId(v.name, v.index);
    const intervalMs = noteCounter(id, v.counter);
    if (!usable) continue;
    const before = prev.counters.get(id);
    if (before === undefined) continue;
    const speed = speedBps.get(v.index);
    // Only a 32-bit counter that went down reads the bound (a wrap or a reset): the bigint is not
    // built for every counter of every poll.
    const maxIncrease = speed && v.kind === 'COUNTER32' && v.counter < before ? BigInt(Math.ceil(speed * cm.perBit * (intervalMs / 1000) * 1.5)) : speed ? 0n : null;
    const d = counterDelta(v.kind, before, v.counter, maxIncrease);
    if (!d.ok) continue;
    const value = ratePerSecond(d.delta, intervalMs) * cm.scale;
    add(cm.metric, cm.unit, value, ifNameOf(v.index));
    if (cm.utilisation && speed) add(cm.utilisation, '%', (value / speed) * 100, ifNameOf(v.index));
  }
  if (poll.profile === 'host-resources') for (const m of hostMemory(poll)) add('memory_used_pct', '%', m.usedPct, m.name, 'storage');
  if (!fresh && prev !== undefined) return { state: prev, batch };
  return { state: { at: poll.polledAt, upTime: poll.sysUpTime, counters, ...(upTimes ? { upTimes } : {}) }, batch };

  // A metric a profile file declares: a gauge as it is, a counter as a rate against the previous poll.
  function addDeclared(d: DeclaredMetric, v: RawSnmpPoll['values'][number]): void {
    const label = v.index === '0' ? undefined : v.index;
    const emit = (value: number) => {
      const interned = series(d.metric, label === undefined ? null : d.indexLabel, label ?? '');
      samples.push({ seriesKey: interned.seriesKey, metric: d.metric, labels: interned.labels, unit: d.unit, value });
    };
    if (v.number !== null) return emit(v.number);
    if (v.counter === null || (v.kind !== 'COUNTER32' && v.kind !== 'COUNTER64')) return;
    const id = counterId(v.name, v.index);
    const intervalMs = noteCounter(id, v.counter);
    const before = usable ? prev.counters.get(id) : undefined;
    if (before === undefined) return;
    const delta = counterDelta(v.kind, before, v.counter, null);
    if (delta.ok) emit(ratePerSecond(delta.delta, intervalMs));
  }
}
