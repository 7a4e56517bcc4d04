// Anomaly lifecycle of one series: a pure step (episode, observation) → (episode, event | null).
//
// - OPEN when the detector's score reaches openScore or a static rule fires.
// - While open, the series is "abnormal" when a rule fires, the score stays at or above closeScore,
//   or (when the detector took part) the value stays outside the baseline band on the side it
//   left it. The detector announces an episode once (its later points score ~0), so the band, not
//   the score, tells whether the anomaly lasts.
// - UPDATE when the severity changes or the extreme value grows materially: at most once per
//   updateMinIntervalMs, except a rise above the anomaly's peak severity, which is immediate.
// - CLOSE with hysteresis: closeQuietPolls consecutive normal samples spanning closeQuietMs.
// - Flap suppression: a trigger within flapCooldownMs of the CLOSE re-opens the same anomaly (an
//   UPDATE with the same anomalyId and "flapping" in the reason: no second page) and the anomaly
//   then needs flapQuietMs of quiet to close. A CLOSE is therefore final once flapCooldownMs of
//   event time has passed without a re-open.
// Event time only; the id is derived from seriesKey and startedAt, so a replay repeats every event.
import { createHash } from 'node:crypto';
import type { AnomalyEvent, AnomalySeverity, MetricSample } from '../../schemas/types.js';
import type { RuleHit } from '../rules/rules.js';
import { formatDuration, formatValue } from './format.js';
import type { Scored } from './score-series.js';
import type { LifecycleSettings } from './settings.js';

export interface Observation {
  ts: number;
  value: number;
  /** The detector's view of this sample; null when the series is not scored. */
  scored: Scored | null;
  /** A rule firing on this sample (its forPolls already satisfied), or null. */
  rule: RuleHit | null;
}

export type SeriesIdentity = Pick<MetricSample, 'seriesKey' | 'metric' | 'labels' | 'unit'> & { deviceId: string };

export interface Episode {
  id: string;
  startedAt: number;
  /** Event time of the CLOSE while the episode is kept for flap suppression; null while open. */
  closedAt: number | null;
  endedAt: number | null;
  /** As last emitted. */
  severity: AnomalySeverity;
  detector: string;
  peakRank: number;
  /** Highest detector score that triggered in this episode; 0 when only rules did. */
  detectorPeak: number;
  /** Side of expected the anomaly is on (+1 above, -1 below). */
  direction: number;
  extreme: number;
  extremeDev: number;
  /** extremeDev as of the last event. */
  emittedDev: number;
  lastEventTs: number;
  quietSince: number | null;
  quietPolls: number;
  flaps: number;
}

export const severities: readonly AnomalySeverity[] = ['INFO', 'WARNING', 'MINOR', 'MAJOR', 'CRITICAL'];
export const severityRank = (s: AnomalySeverity): number => severities.indexOf(s);
const ruleStrength: Record<AnomalySeverity, number> = { INFO: 0.3, WARNING: 0.5, MINOR: 0.75, MAJOR: 0.9, CRITICAL: 1 };
export const baselineDetector = 'baseline-zscore';

export function anomalyId(seriesKey: string, startedAt: number): string {
  return createHash('sha1').update(`${seriesKey}|${startedAt}`).digest('hex').slice(0, 32);
}

function detectorSeverity(peak: number, cfg: LifecycleSettings): AnomalySeverity {
  return peak >= cfg.majorScore ? 'MAJOR' : peak >= cfg.minorScore ? 'MINOR' : 'WARNING';
}

function bandOf(obs: Observation): { expected: number; lower: number; upper: number } {
  if (obs.scored) return obs.scored;
  if (obs.rule) return obs.rule;
  return { expected: obs.value, lower: obs.value, upper: obs.value };
}

function where(id: SeriesIdentity): string {
  const at = id.labels.ifName ?? id.labels.port ?? id.labels.target ?? id.labels.path;
  return at ? `${id.metric} on ${at}` : id.metric;
}

function detectorReason(id: SeriesIdentity, obs: Observation, peak: number): string {
  const s = obs.scored!;
  const side = obs.value >= s.expected ? 'above' : 'below';
  const u = id.unit;
  return `${where(id)} ${formatValue(obs.value, u)} ${side} expected ${formatValue(s.expected, u)} (band ${formatValue(s.lower, u)} to ${formatValue(s.upper, u)}, ${Math.abs(s.pointZ).toFixed(1)} spreads${s.seasonal ? ', seasonal baseline' : ''}), score ${peak.toFixed(2)}`;
}

const lasted = (e: Episode, end: number, unit: string) => `lasted ${formatDuration(end - e.startedAt)}, extreme ${formatValue(e.extreme, unit)}`;

type Band = { expected: number; lower: number; upper: number };
type Firing = { severity: AnomalySeverity; detector: string; reason: string; score: number };

// Module-level rather than closures inside stepAnomaly: a closure per sample (and tsx's name
// helper on each) showed in the processor's profile although most samples emit nothing.
function eventOf(id: SeriesIdentity, obs: Observation, band: Band, state: AnomalyEvent['state'], e: Episode, reason: string, detector: string, eventScore: number): AnomalyEvent {
  return {
    anomalyId: e.id, state, seriesKey: id.seriesKey, deviceId: id.deviceId, metric: id.metric, labels: id.labels,
    startedAt: e.startedAt, ts: obs.ts, endedAt: state === 'CLOSE' ? e.endedAt : null, severity: e.severity,
    score: eventScore, observed: obs.value, expected: band.expected, lower: band.lower, upper: band.upper, detector, reason,
  };
}

/** What fires now: severity, detector name and reason of the stronger of rule and detector. */
function firing(id: SeriesIdentity, obs: Observation, score: number, e: Episode, detectorActive: boolean, cfg: LifecycleSettings): Firing | null {
  const rule = obs.rule;
  const det = detectorActive && e.detectorPeak > 0 ? detectorSeverity(e.detectorPeak, cfg) : null;
  const useRule = rule !== null && (det === null || severityRank(rule.severity) >= severityRank(det));
  if (!useRule && det === null) return null;
  const detText = det !== null && obs.scored ? detectorReason(id, obs, e.detectorPeak) : null;
  return useRule
    ? { severity: rule.severity, detector: `rule:${rule.rule}`, reason: detText ? `${rule.reason}; ${detText}` : rule.reason, score: Math.max(score, ruleStrength[rule.severity]) }
    : { severity: det!, detector: baselineDetector, reason: rule ? `${detText}; ${rule.reason}` : detText!, score: Math.max(score, e.detectorPeak) };
}

export function stepAnomaly(prev: Episode | null, id: SeriesIdentity, obs: Observation, cfg: LifecycleSettings): { episode: Episode | null; event: AnomalyEvent | null } {
  let ep = prev;
  const score = obs.scored?.score ?? 0;
  const band = bandOf(obs);
  const dev = obs.value - band.expected;
  const detectorTrigger = score >= cfg.openScore;
  const rule = obs.rule;

  if (ep && ep.closedAt !== null && obs.ts - ep.closedAt >= cfg.flapCooldownMs) ep = null;

  if (ep === null || ep.closedAt !== null) {
    if (!detectorTrigger && rule === null) return { episode: ep, event: null };
    const reopen = ep !== null;
    const e: Episode = reopen
      ? { ...ep!, closedAt: null, endedAt: null, flaps: ep!.flaps + 1, quietSince: null, quietPolls: 0 }
      : { id: anomalyId(id.seriesKey, obs.ts), startedAt: obs.ts, closedAt: null, endedAt: null, severity: 'INFO', detector: baselineDetector, peakRank: 0, detectorPeak: 0, direction: 0, extreme: obs.value, extremeDev: 0, emittedDev: 0, lastEventTs: obs.ts, quietSince: null, quietPolls: 0, flaps: 0 };
    e.detectorPeak = detectorTrigger ? score : 0; // a re-open starts over: the band counts only if the detector fires again
    e.direction = dev >= 0 ? 1 : -1;
    e.extreme = obs.value;
    e.extremeDev = e.emittedDev = Math.abs(dev);
    const now = firing(id, obs, score, e, true, cfg)!;
    e.severity = now.severity;
    e.detector = now.detector;
    e.peakRank = Math.max(reopen ? e.peakRank : 0, severityRank(now.severity));
    e.lastEventTs = obs.ts;
    const reason = reopen ? `re-opened ${formatDuration(obs.ts - ep!.closedAt!)} after it closed (flapping, re-open ${e.flaps}): ${now.reason}` : now.reason;
    return { episode: e, event: eventOf(id, obs, band, reopen ? 'UPDATE' : 'OPEN', e, reason, now.detector, now.score) };
  }

  // Open: does the anomaly last?
  const e: Episode = { ...ep };
  if (detectorTrigger) e.detectorPeak = Math.max(e.detectorPeak, score);
  const outside = obs.scored !== null && (obs.value < obs.scored.lower || obs.value > obs.scored.upper);
  const bandAbnormal = e.detectorPeak > 0 && outside && Math.sign(dev) === e.direction;
  const abnormal = rule !== null || score >= cfg.closeScore || bandAbnormal;
  if (abnormal && Math.sign(dev) === e.direction && Math.abs(dev) > e.extremeDev) {
    e.extreme = obs.value;
    e.extremeDev = Math.abs(dev);
  }
  if (abnormal) {
    e.quietSince = null;
    e.quietPolls = 0;
  } else {
    e.quietSince ??= obs.ts;
    e.quietPolls++;
  }

  if (abnormal && rule === null && cfg.detectorMaxOpenMs > 0 && obs.ts - e.startedAt >= cfg.detectorMaxOpenMs) {
    Object.assign(e, { closedAt: obs.ts, endedAt: obs.ts });
    const reason = `sustained for ${formatDuration(obs.ts - e.startedAt)}: taken as the new normal the baseline will learn (${where(id)} ${formatValue(obs.value, id.unit)}, extreme ${formatValue(e.extreme, id.unit)})`;
    return { episode: e, event: eventOf(id, obs, band, 'CLOSE', e, reason, baselineDetector, score) };
  }
  const quietNeeded = e.flaps > 0 ? cfg.flapQuietMs : cfg.closeQuietMs;
  if (!abnormal && e.quietPolls >= cfg.closeQuietPolls && obs.ts - e.quietSince! >= quietNeeded) {
    Object.assign(e, { closedAt: obs.ts, endedAt: e.quietSince });
    const inBand = obs.scored ? ` (band ${formatValue(band.lower, id.unit)} to ${formatValue(band.upper, id.unit)})` : '';
    const reason = `back to normal for ${e.quietPolls} samples / ${formatDuration(obs.ts - e.quietSince!)}: ${where(id)} ${formatValue(obs.value, id.unit)}${inBand}; ${lasted(e, e.endedAt!, id.unit)}${e.flaps > 0 ? `, re-opened ${e.flaps} times (flapping)` : ''}`;
    return { episode: e, event: eventOf(id, obs, band, 'CLOSE', e, reason, e.detector, score) };
  }
  if (!abnormal) return { episode: e, event: null };

  const now = firing(id, obs, score, e, bandAbnormal || score >= cfg.closeScore, cfg);
  if (now === null) return { episode: e, event: null };
  const grew = e.extremeDev >= (1 + cfg.extremeGrowth) * e.emittedDev && e.extremeDev > e.emittedDev;
  const changed = now.severity !== e.severity || grew;
  const escalation = severityRank(now.severity) > e.peakRank;
  if (!changed || (!escalation && obs.ts - e.lastEventTs < cfg.updateMinIntervalMs)) return { episode: e, event: null };
  e.severity = now.severity;
  e.detector = now.detector;
  e.peakRank = Math.max(e.peakRank, severityRank(now.severity));
  e.emittedDev = e.extremeDev;
  e.lastEventTs = obs.ts;
  return { episode: e, event: eventOf(id, obs, band, 'UPDATE', e, `${now.reason}; ${lasted(e, obs.ts, id.unit)}`, now.detector, now.score) };
}
