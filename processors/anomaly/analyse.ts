// The analysis stage of the processor chain: one device's MetricBatch → baselines, anomaly events
// and a health score. A pure function of (device state, batch, config): event time only, no clock,
// no randomness, so a replay of telemetry.metrics produces the same records and anomaly ids.
// The state is plain data with Maps, changed in place; each scored series keeps its detector in a
// LiveDetector, which the changelog codec (processors/chain-codec.ts) checkpoints by the buckets
// it touched (format 2) and the JSON codec (streams/state-codec.ts, format 1) as one packed string.
import type { AnomalyEvent, Baseline, HealthScore, MetricBatch, MetricSample } from '../../schemas/types.js';
import { computeHealth, healthDue, rememberHealth, type HealthMemory, type HealthSeries } from '../health/health.js';
import { seriesKey } from '../normalize/series-key.js';
import { RX_THRESHOLD_KINDS, type RxThresholds } from '../../devices/optical-thresholds.js';
import { OPTICAL_RX_THRESHOLDS } from '../normalize/optical-family.js';
import { evaluateRules, isOpticalRx, NO_RULE_CONTEXT, rememberSample, type RuleContext } from '../rules/rules.js';
import { evaluateUserRules, forgetRuleClocks, type RuleClock } from '../rules/user-rules.js';
import { analysisDefaults, type AnalysisConfig } from './config.js';
import { formatDuration, formatValue } from './format.js';
import { severityRank, stepAnomaly, type Episode } from './lifecycle.js';
import { isScored, scoreSample, type ScoringState } from './score-series.js';

export interface SeriesAnalysisState extends ScoringState {
  metric: string;
  labels: Record<string, string>;
  unit: string;
  /** Event time and value of the last sample taken; samples not newer are ignored (duplicates, replays). */
  ts: number;
  value: number;
  /** Baseline for that sample (scored series only). */
  expected: number | null;
  upper: number | null;
  seenUp: boolean;
  /** Consecutive samples violating a rule (rules fire after their forPolls). */
  ruleStreak: number;
  /** The open anomaly, or the last closed one during its flap cool-down. */
  episode: Episode | null;
}

export interface DeviceAnalysisState extends RuleClock {
  version: 1;
  series: Map<string, SeriesAnalysisState>;
  health: HealthMemory;
}

export interface AnalysisOutput {
  deviceState: DeviceAnalysisState;
  baselines: Baseline[];
  anomalies: AnomalyEvent[];
  health: HealthScore | null;
}

const never = -8.64e15; // the earliest Date: a finite "no time yet" that survives JSON

export function newDeviceAnalysisState(): DeviceAnalysisState {
  return { version: 1, series: new Map(), health: { at: -1, score: 0, components: {} } };
}

export function newSeries(s: MetricSample): SeriesAnalysisState {
  return { det: null, baselineAt: -1, baselineExpected: undefined, baselineSpread: undefined, baselineSeasonal: undefined, metric: s.metric, labels: s.labels, unit: s.unit, ts: never, value: 0, expected: null, upper: null, seenUp: false, ruleStreak: 0, episode: null };
}

/**
 * Analyses one MetricBatch of a device. `state` is consumed (updated in place and returned as
 * deviceState), like the detector's: the processor runtime hands each record a clone.
 */
export function analyseBatch(state: DeviceAnalysisState | undefined, batch: MetricBatch, config: AnalysisConfig = analysisDefaults): AnalysisOutput {
  const st = state ?? newDeviceAnalysisState();
  const baselines: Baseline[] = [];
  const anomalies: AnomalyEvent[] = [];
  const { deviceId, ts } = batch;

  for (const sample of batch.samples) {
    if (!Number.isFinite(sample.value)) continue; // no score, no JSON for NaN/Infinity
    let s = st.series.get(sample.seriesKey);
    if (!s) st.series.set(sample.seriesKey, (s = newSeries(sample)));
    if (ts <= s.ts) continue; // a duplicate or late reading: its effect is already in the state

    // Scratch of scoreSample: read within this iteration only.
    const scored = isScored(sample.metric, config.scoring) ? scoreSample(s, deviceId, sample, ts, config.scoring, baselines) : null;
    const hit = evaluateRules(sample, s, config.rules, ruleContext(st, deviceId, sample, config));
    s.ruleStreak = hit ? s.ruleStreak + 1 : 0;
    let rule = hit && s.ruleStreak >= hit.forPolls ? hit : null;
    if (config.userRules) {
      // The rules of files beside the built-in ones: the more severe of the two fires.
      const user = evaluateUserRules(config.userRules, deviceId, sample, ts, s.ts === never ? null : s, st);
      if (user && (rule === null || severityRank(user.severity) > severityRank(rule.severity))) rule = user;
    }
    s.seenUp = rememberSample(s, sample).seenUp;

    // Most samples of a quiet series have nothing to step: no episode, no rule, no trigger (the
    // lifecycle's first branch would return the same null episode and no event).
    if (s.episode !== null || rule !== null || (scored !== null && scored.score >= config.lifecycle.openScore)) {
      const id = { seriesKey: sample.seriesKey, metric: sample.metric, labels: sample.labels, unit: sample.unit, deviceId };
      const step = stepAnomaly(s.episode, id, { ts, value: sample.value, scored, rule }, config.lifecycle);
      s.episode = step.episode;
      if (step.event) anomalies.push(step.event);
    }
    s.ts = ts;
    s.value = sample.value;
    s.expected = scored?.expected ?? null;
    s.upper = scored?.upper ?? null;
  }

  forgetIdleSeries(st, deviceId, ts, config, anomalies);

  const views = healthViews(st);
  let health: HealthScore | null = computeHealth(deviceId, ts, views, config.health, config.rules);
  if (healthDue(st.health, health, config.health)) st.health = rememberHealth(health);
  else health = null;

  return { deviceState: st, baselines, anomalies, health };
}

// A sample's companion series (an interface's admin status, a transceiver's limits) have its labels
// under another metric, and normalisers emit them before it in the same batch. Their keys are
// built once per labels object (SNMP interfaces share one labels object per interface).
const companionKeys = new WeakMap<Record<string, string>, Map<string, string>>();

function companion(st: DeviceAnalysisState, deviceId: string, sample: MetricSample, metric: string): number | null {
  let keys = companionKeys.get(sample.labels);
  if (!keys) companionKeys.set(sample.labels, (keys = new Map()));
  let key = keys.get(metric);
  if (key === undefined || !key.startsWith(deviceId + '/')) keys.set(metric, (key = seriesKey(deviceId, metric, sample.labels)));
  const s = st.series.get(key);
  return s === undefined || s.ts === never ? null : s.value;
}

// One context object, rewritten per sample that needs one: evaluateRules reads it before the next.
const scratch: RuleContext = { adminUp: null, rxThresholds: null };
const scratchLimits: RxThresholds = { lowAlarm: null, lowWarn: null, highWarn: null, highAlarm: null };

function ruleContext(st: DeviceAnalysisState, deviceId: string, sample: MetricSample, config: AnalysisConfig): Readonly<RuleContext> {
  if (sample.metric === config.rules.interfaceDown.metric) {
    const admin = companion(st, deviceId, sample, config.rules.interfaceDown.adminMetric);
    scratch.adminUp = admin === null ? null : admin >= 0.5;
    scratch.rxThresholds = null;
    return scratch;
  }
  if (sample.unit === 'dBm' && isOpticalRx(sample)) {
    let any = false;
    for (const kind of RX_THRESHOLD_KINDS) {
      scratchLimits[kind] = companion(st, deviceId, sample, OPTICAL_RX_THRESHOLDS[kind]);
      if (scratchLimits[kind] !== null) any = true;
    }
    scratch.adminUp = null;
    scratch.rxThresholds = any ? scratchLimits : null;
    return scratch;
  }
  return NO_RULE_CONTEXT;
}

// The health views of a device, rewritten in place every batch (computeHealth keeps none of them):
// a device's 35 series would otherwise cost 35 objects a poll.
const viewsOf = new WeakMap<DeviceAnalysisState, HealthSeries[]>();

function healthViews(st: DeviceAnalysisState): HealthSeries[] {
  let views = viewsOf.get(st);
  if (!views) viewsOf.set(st, (views = []));
  views.length = st.series.size;
  let i = 0;
  for (const s of st.series.values()) {
    const v = (views[i++] ??= { metric: '', labels: s.labels, unit: '', value: 0, ts: 0, expected: null, upper: null, seenUp: false, openSeverity: null });
    v.metric = s.metric;
    v.labels = s.labels;
    v.unit = s.unit;
    v.value = s.value;
    v.ts = s.ts;
    v.expected = s.expected;
    v.upper = s.upper;
    v.seenUp = s.seenUp;
    v.openSeverity = s.episode && s.episode.closedAt === null ? s.episode.severity : null;
  }
  return views;
}

/** Series gone quiet for seriesIdleMs (an interface removed): forgotten, closing an open anomaly. */
function forgetIdleSeries(st: DeviceAnalysisState, deviceId: string, ts: number, config: AnalysisConfig, anomalies: AnomalyEvent[]): void {
  // forEach rather than for-of over entries: no [key, value] array per series per batch. A Map
  // may delete the entry being visited.
  st.series.forEach((s, key) => {
    if (ts - s.ts < config.seriesIdleMs) return;
    const e = s.episode;
    if (e && e.closedAt === null) {
      anomalies.push({
        anomalyId: e.id, state: 'CLOSE', seriesKey: key, deviceId, metric: s.metric, labels: s.labels, startedAt: e.startedAt, ts, endedAt: s.ts,
        severity: e.severity, score: 0, observed: s.value, expected: s.expected ?? s.value, lower: s.value, upper: s.upper ?? s.value, detector: e.detector,
        reason: `series stopped reporting ${formatDuration(ts - s.ts)} ago (last ${formatValue(s.value, s.unit)}): closed unresolved`,
      });
    }
    st.series.delete(key);
    forgetRuleClocks(st, key);
  });
}
