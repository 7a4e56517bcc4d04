// Streaming anomaly detector, one state per series: (state | undefined, point) → (state, score).
// The production scoring function: the processor and the NAB bench run this same code.
//
// Per point:
// 1. the baseline (processors/baseline) predicts the value and its spread before learning it;
// 2. evidence, in spreads: the larger of the point's own z-score and the z-score of a short EW
//    mean of residuals (a level shift shows there within a few points even in a noisy series);
// 3. the evidence is compared with a reference, the largest of: the biggest evidence the series
//    produced lately (a maximum decaying over about a day), the biggest seen around this time of
//    day on previous days (times a margin), a high quantile of the series' own evidence learnt
//    online (its distribution of prediction errors, rather than a Gaussian's), and minEvidence.
//    Only what is clearly bigger than the series' own "unusual" is surprising: a jumpy series
//    needs a bigger jump, and a burst that recurs daily at the same hour and size (a backup, a
//    batch job) scores once, not daily;
// 4. episodes: once a point has alarmed, the following points of the same episode score only by
//    beating it, so an anomaly is announced once rather than at every point it lasts.
// Deterministic (event time only, no randomness, no clock) and cheap: O(1) per point, no
// allocation besides the output object (none with detectInto).
import { decayRate, newBaselineOutput, updateBaselineInto, type BaselineState, type Point } from '../baseline/baseline.js';
import { baselineDefaults, type BaselineSettings } from '../baseline/settings.js';
import { detectDefaults, type DetectSettings } from './settings.js';
import { DAY_MS } from '../../common/time-units.js';

export interface DetectorState {
  version: 1;
  baseline: BaselineState;
  /** EW mean of residuals, in spreads. */
  shortResidual: number;
  /** Decaying maximum of the evidence, as of the last point. */
  recentMax: number;
  /** Event time of the last alarm; `noAlarm` when none (a finite number survives JSON). */
  lastAlarmTs: number;
  lastAlarmSurprise: number;
  /** Largest evidence per time-of-day bucket (and when it was seen): recurring daily bursts. */
  dailyMax: number[];
  dailyMaxTs: number[];
  /** ln of the online estimate of the evidence's tailQuantile quantile. */
  tailLog: number;
}

export interface DetectOutput {
  state: DetectorState;
  score: number; // 0..1
  /** ln(evidence / reference): > 0 when the point is beyond anything seen lately. */
  surprise: number;
  evidence: number;
  pointZ: number;
  shortZ: number;
  expected: number;
  spread: number;
  lower: number;
  upper: number;
  seasonal: boolean;
}

export interface DetectorSettings {
  detect: DetectSettings;
  baseline: BaselineSettings;
}

export const detectorDefaults: DetectorSettings = { detect: detectDefaults, baseline: baselineDefaults };

export const noAlarm = -8.64e15; // the earliest Date

/**
 * Scores one point of a series. The state passed in is consumed (updated in place and returned),
 * as in updateBaseline; checkpoint it with encodeDetectorState (checkpoint.ts) or JSON.stringify.
 */
export function detect(prev: DetectorState | undefined, point: Point, settings: DetectorSettings = detectorDefaults): DetectOutput {
  return detectInto(prev, point, settings, newDetectOutput());
}

/** An output object for detectInto (its fields in the order detectInto writes them). */
export function newDetectOutput(): DetectOutput {
  return { state: undefined as unknown as DetectorState, score: 0.5, surprise: 0.5, evidence: 0.5, pointZ: 0.5, shortZ: 0.5, expected: 0.5, spread: 0.5, lower: 0.5, upper: 0.5, seasonal: false };
}

// The baseline's output, read within each detectInto call only.
const baselineScratch = newBaselineOutput();

/**
 * detect writing its output into `out` (returned), for a caller that reads it before its next call
 * (the processor scores ~17 series a poll: an output object per point, with its numbers boxed, was
 * a good part of what the chain allocated). Same arithmetic as detect: scores are identical.
 */
export function detectInto(prev: DetectorState | undefined, point: Point, settings: DetectorSettings, out: DetectOutput): DetectOutput {
  const d = settings.detect;
  const prevTs = prev?.baseline.lastTs;
  const b = updateBaselineInto(prev?.baseline, point, settings.baseline, baselineScratch);
  const st: DetectorState = prev ?? { version: 1, baseline: b.state, shortResidual: 0, recentMax: 0, lastAlarmTs: noAlarm, lastAlarmSurprise: 0, dailyMax: new Array(d.dailyMaxBuckets).fill(0), dailyMaxTs: new Array(d.dailyMaxBuckets).fill(0), tailLog: Math.log(d.tailInitial) };
  st.baseline = b.state;
  const interval = b.state.intervalMs > 0 ? b.state.intervalMs : 1;
  const dt = prevTs === undefined ? interval : Math.max(point.ts - prevTs, 0) || interval;
  const warm = b.sampleCount > d.warmupSamples && point.ts - b.state.firstTs >= d.warmupMs;

  const pointZ = (point.value - b.expected) / b.spread;
  const aShort = decayRate(dt, Math.max(d.shortTauMs, d.shortMinSamples * interval));
  // Like the recent maximum below, the short mean starts when the warm-up ends: residuals against
  // a spread still being learnt are huge, and 30 min later a third of them would still be in it.
  st.shortResidual = warm ? st.shortResidual + aShort * (Math.max(-10, Math.min(10, pointZ)) - st.shortResidual) : 0;
  // Standard error of an EW mean of unit-variance residuals is sqrt(a / (2 - a)).
  const shortZ = st.shortResidual / Math.sqrt(aShort / (2 - aShort));
  const evidence = Math.max(Math.abs(pointZ), Math.abs(shortZ));

  const recentMax = st.recentMax * Math.exp(-dt / Math.max(d.recentMaxTauMs, d.recentMaxMinSamples * interval));
  // Warm-up evidence is not trusted (the spread is still being learnt) and is not remembered.
  st.recentMax = warm ? Math.max(recentMax, evidence) : 0;
  const daily = dailyReference(st, point.ts, evidence, warm, d);
  // Stochastic-approximation quantile in log space: settles where a fraction 1 - tailQuantile of
  // the (warm) points exceed it; O(1) and one number of state.
  const tail = Math.exp(st.tailLog);
  if (warm) st.tailLog += d.tailRate * (evidence > tail ? d.tailQuantile : d.tailQuantile - 1);
  const surprise = Math.log(evidence / Math.max(recentMax, daily, d.minEvidence, tail));

  const inEpisode = point.ts - st.lastAlarmTs < Math.max(d.episodeMs, d.episodeMinSamples * interval);
  const effective = inEpisode ? surprise - st.lastAlarmSurprise - d.episodeEscalation : surprise;
  // Only a point outside the band the baseline states can alarm: the band is what an anomaly's
  // reason and the wall show, so an alarm on a value inside it would contradict its own text
  // (the short mean's evidence still counts, for a point beyond the band).
  const outside = point.value < b.lower || point.value > b.upper;
  let score = warm && outside && effective > 0 ? 1 - Math.exp(-d.scoreGain * effective) : 0;
  if (!Number.isFinite(score)) score = 0;
  if (score >= d.alarmScore) {
    st.lastAlarmSurprise = inEpisode ? Math.max(surprise, st.lastAlarmSurprise) : surprise;
    st.lastAlarmTs = point.ts;
  }
  out.state = st;
  out.score = score;
  out.surprise = surprise;
  out.evidence = evidence;
  out.pointZ = pointZ;
  out.shortZ = shortZ;
  out.expected = b.expected;
  out.spread = b.spread;
  out.lower = b.lower;
  out.upper = b.upper;
  out.seasonal = b.seasonal;
  return out;
}


/** The time-of-day bucket of `ts` among `n` (the only dailyMax bucket a point at `ts` writes). */
export function dailyMaxBucket(ts: number, n: number): number {
  return Math.floor((((ts % DAY_MS) + DAY_MS) % DAY_MS) / (DAY_MS / n));
}

/** The largest decayed evidence seen at this time of day (this bucket and its neighbours); then learns this point. */
function dailyReference(st: DetectorState, ts: number, evidence: number, warm: boolean, d: DetectSettings): number {
  const n = st.dailyMax.length;
  const bucket = dailyMaxBucket(ts, n);
  let ref = 0;
  for (let k = -d.dailyMaxSpread; k <= d.dailyMaxSpread; k++) {
    const j = (bucket + k + n) % n;
    const age = ts - st.dailyMaxTs[j];
    // Only other days count: within the same day the recent maximum already covers it.
    if (age < d.dailyMaxMinAgeMs) continue;
    ref = Math.max(ref, st.dailyMax[j] * held(age, d));
  }
  if (warm) {
    const kept = st.dailyMax[bucket] * held(ts - st.dailyMaxTs[bucket], d);
    if (evidence >= kept) {
      st.dailyMax[bucket] = evidence;
      st.dailyMaxTs[bucket] = ts;
    }
  }
  return ref * d.dailyMargin;
}

/** A daily maximum is held in full for dailyMaxHoldMs, then decays. */
function held(age: number, d: DetectSettings): number {
  return age <= d.dailyMaxHoldMs ? 1 : Math.exp(-(age - d.dailyMaxHoldMs) / d.dailyMaxTauMs);
}
