// Notifications into the same state the polls feed (processors/anomaly): a trap is a sample of
// the series a poll would have produced, taken when the device said it changed, so the anomaly
// it opens is the one the polled rule keeps open or closes.
// - linkDown opens the interface-down anomaly on the interface's if_oper_up series at once (the
//   trap is the evidence: no forPolls wait), with the lifecycle's own id (series key and start
//   time); the next poll finds it open and confirms it (still down: the rule fires) or lets it
//   close by the usual hysteresis (up again). A linkDown while it is open changes nothing.
// - linkUp closes it at once; a poll still saying down re-opens the same anomaly (flap cool-down).
// - Equipment and optical alarm notifications (alarm-traps.ts) raise and clear the anomaly of the
//   series they speak of the same way.
// - A trap naming only ifIndex is named as the polls name that interface (interface-index.ts).
// - coldStart/warmStart: the device restarted, so its counters did: the SNMP counter states older
//   than the trap are dropped and the next poll of each profile starts afresh instead of taking
//   a reset for a wrap (a rate spike), even when sysUpTime cannot tell (not polled, or a restart
//   longer ago than the poll gap shows).
// Event time (receivedAt) only, like the rest of the chain: a replay repeats every event.
import type { AnomalyEvent, MetricBatch, MetricSample, RawSnmpPoll, RawTrap } from '../../schemas/types.js';
import type { AnalysisConfig } from '../anomaly/config.js';
import { newDeviceAnalysisState, newSeries, type DeviceAnalysisState } from '../anomaly/analyse.js';
import { stepAnomaly } from '../anomaly/lifecycle.js';
import { formatDuration } from '../anomaly/format.js';
import { evaluateRules, isOpticalRx, type RuleHit } from '../rules/rules.js';
import { evaluateUserRules } from '../rules/user-rules.js';
import { alarmReadings } from './alarm-traps.js';
import { interfaceNames } from '../normalize/interface-names.js';
import { internedSeries } from '../normalize/series-key.js';
import { NO_LIGHT_DBM } from '../../devices/no-light.js';
import type { InterfaceIndexState } from './interface-index.js';

export const TRAP_OIDS = {
  coldStart: '1.3.6.1.6.3.1.1.5.1',
  warmStart: '1.3.6.1.6.3.1.1.5.2',
  linkDown: '1.3.6.1.6.3.1.1.5.3',
  linkUp: '1.3.6.1.6.3.1.1.5.4',
} as const;

/** The parts of a device's chain state a notification touches. */
export interface TrapChainState extends InterfaceIndexState {
  normalize: Map<string, { at: number }>;
  analysis?: import('../anomaly/analyse.js').DeviceAnalysisState;
}

/** True when the device sent this notification (same dedupKey) within the window; records it otherwise. */
export function seenTrap(state: { traps?: Map<string, number> }, trap: RawTrap, windowMs: number): boolean {
  const recent = (state.traps ??= new Map());
  for (const [key, at] of recent) if (trap.receivedAt - at >= windowMs) recent.delete(key);
  const at = recent.get(trap.dedupKey);
  if (at !== undefined && Math.abs(trap.receivedAt - at) < windowMs) return true;
  if (windowMs > 0) recent.set(trap.dedupKey, trap.receivedAt);
  if (recent.size === 0) delete state.traps;
  return false;
}

export interface TrapEffect {
  batch: MetricBatch;
  anomalies: AnomalyEvent[];
}

/**
 * The interface a linkDown/linkUp names: its ifIndex (ifIndex varbind, or the index of its IF-MIB
 * columns) and the name polls label it with: the ifName / ifDescr / ifAlias the trap carries, else
 * the one the device's polls showed for that index (`known`), else "ifIndex<N>".
 */
export function trapInterface(trap: RawTrap, known?: ReadonlyMap<string, string>): { index: string; name: string } | null {
  const index = trap.values.find((v) => v.name === 'ifIndex' && v.number !== null)?.number?.toString() ?? trap.values.find((v) => v.name.startsWith('if') && v.index !== '')?.index;
  if (index === undefined) return null;
  const carried = interfaceNames({ values: trap.values } as RawSnmpPoll)(index);
  return { index, name: carried.startsWith('ifIndex') ? (known?.get(index) ?? carried) : carried };
}

export function applyTrap(state: TrapChainState, trap: RawTrap, config: AnalysisConfig): TrapEffect {
  const ts = trap.receivedAt;
  const batch: MetricBatch = { deviceId: trap.deviceId, source: 'trap', ts, samples: [] };
  const anomalies: AnomalyEvent[] = [];
  const effect = { batch, anomalies };
  if (trap.trapOid === TRAP_OIDS.coldStart || trap.trapOid === TRAP_OIDS.warmStart) {
    for (const [key, s] of state.normalize) if (key.startsWith('snmp:') && s.at < ts) state.normalize.delete(key);
    return effect;
  }
  const how = `${trap.version} ${trap.pduType === 'INFORM' ? 'inform' : 'trap'}`;
  const st = (state.analysis ??= newDeviceAnalysisState());
  const down = trap.trapOid === TRAP_OIDS.linkDown;
  if (down || trap.trapOid === TRAP_OIDS.linkUp) {
    const iface = trapInterface(trap, state.ifNames);
    if (!iface) return effect; // a link trap without IF-MIB objects names no series
    const { metric } = config.rules.interfaceDown;
    const { seriesKey, labels } = internedSeries(trap.deviceId, metric, 'ifName', iface.name);
    const sample = { seriesKey, metric, labels, unit: 'ratio', value: down ? 0 : 1 };
    // The trap says the link went down from up: the rule's "was seen up" is met.
    const hit = down ? evaluateRules(sample, { seenUp: true }, config.rules) : null;
    step(st, trap.deviceId, ts, sample, hit && { ...hit, reason: `${hit.reason} (linkDown ${how})` }, !down && `${iface.name} operationally up again (linkUp ${how})`, config, effect);
    return effect;
  }
  for (const alarm of alarmReadings(trap)) {
    if (alarm.kind === 'state') {
      const { seriesKey, labels } = internedSeries(trap.deviceId, alarm.metric, 'sensor', alarm.sensor);
      const sample = { seriesKey, metric: alarm.metric, labels, unit: 'state', value: alarm.value };
      // The notification is the evidence: a rule's duration is not waited for.
      const hit = config.userRules ? evaluateUserRules(config.userRules, trap.deviceId, sample, ts, null, {}, true) : null;
      step(st, trap.deviceId, ts, sample, hit && { ...hit, reason: `${alarm.what} (${alarm.notification} ${how}): ${hit.reason}` }, alarm.normal && `${alarm.what}: normal again (${how})`, config, effect);
    } else {
      const iface = trapInterface(trap, state.ifNames);
      const rx = iface && [...st.series.entries()].find(([, s]) => isOpticalRx(s) && (s.labels.ifName ?? s.labels.port) === iface.name);
      if (!rx) continue; // no optics polled for it: no series to tell
      const [seriesKey, s] = rx;
      const sample = { seriesKey, metric: s.metric, labels: s.labels, unit: s.unit, value: alarm.lost ? NO_LIGHT_DBM : s.value };
      const rule = config.rules.opticalRxLow;
      const hit = alarm.lost ? { rule: 'optical-rx-low', severity: 'CRITICAL' as const, reason: `${s.metric} on ${iface.name}: ${alarm.what} (${how})`, forPolls: rule.forPolls, expected: s.expected ?? s.value, lower: NO_LIGHT_DBM, upper: s.value } : null;
      step(st, trap.deviceId, ts, sample, hit, !alarm.lost && `${s.metric} on ${iface.name}: ${alarm.what} (${how})`, config, effect, !alarm.lost);
    }
  }
  return effect;
}

/**
 * One notification's word on one series: `hit` raises the rule's anomaly at once (its forPolls or
 * duration met: the device said so), `cleared` (the reason) closes an open one at once; the next
 * poll confirms or undoes either by the lifecycle's usual rules. A notification older than the
 * series' latest poll is ignored. `noPoint`: the clear carries no value of its own (optical).
 */
function step(st: DeviceAnalysisState, deviceId: string, ts: number, sample: Pick<MetricSample, 'seriesKey' | 'metric' | 'labels' | 'unit' | 'value'>, hit: RuleHit | null, cleared: string | false, config: AnalysisConfig, effect: TrapEffect, noPoint = false): void {
  const { seriesKey, metric, labels } = sample;
  let s = st.series.get(seriesKey);
  if (!s) st.series.set(seriesKey, (s = newSeries(sample)));
  if (ts <= s.ts) return; // a poll newer than the trap already told
  if (!noPoint) effect.batch.samples.push(sample);
  const open = s.episode !== null && s.episode.closedAt === null;
  if (hit && !open) {
    const id = { seriesKey, metric, labels, unit: sample.unit, deviceId };
    const out = stepAnomaly(s.episode, id, { ts, value: sample.value, scored: null, rule: hit }, config.lifecycle);
    s.episode = out.episode;
    if (out.event) effect.anomalies.push(out.event);
    s.ruleStreak = hit.forPolls; // the next poll still violating keeps it firing
  } else if (cleared && open) {
    const e = { ...s.episode!, closedAt: ts, endedAt: ts };
    s.episode = e;
    effect.anomalies.push({
      anomalyId: e.id, state: 'CLOSE', seriesKey, deviceId, metric, labels, startedAt: e.startedAt, ts, endedAt: ts, severity: e.severity,
      score: 0, observed: sample.value, expected: sample.value, lower: sample.value, upper: sample.value, detector: e.detector, reason: `${cleared}; lasted ${formatDuration(ts - e.startedAt)}`,
    });
    s.ruleStreak = 0;
  }
  if (noPoint) return;
  if (metric === config.rules.interfaceDown.metric) s.seenUp = true; // a link trap: it was up, or is
  s.ts = ts;
  s.value = sample.value;
}
