// Per-series streaming baseline: a deterministic function (state | undefined, point) → (state,
// expected value and band); the state is plain JSON (numbers and arrays of numbers). Event time only: every decay is computed from the gap between the points'
// timestamps, so irregular polls and replays give the same result as live processing.
//
// The models run side by side and the best one (smallest recent squared error) is reported:
// - rolling: exponentially weighted mean and variance (time constant rollingTauMs);
// - seasonal: a long level plus a daily (half-hour) profile once 2 days of history exist, or a
//   weekly (hourly) one once 2 weeks exist, used only when it predicts clearly better.
// Robustness: a point further than clipSpreads spreads from a model's prediction updates that
// model as if it lay at clipSpreads (winsorising), so a spike or an outage barely moves the
// baseline, while a lasting level shift is still followed as the clipped residuals widen the band.
import { baselineDefaults, type BaselineSettings } from './settings.js';
import { learnAt, newProfile, positionInto, predict, predictInto, type Position, type SeasonalPrediction, type SeasonalProfile } from './seasonal.js';
import { DAY_MS, WEEK_MS } from '../../common/time-units.js';

export interface Point {
  ts: number; // ms, event time
  value: number;
}

export interface BaselineState {
  version: 1;
  firstTs: number;
  lastTs: number;
  sampleCount: number;
  intervalMs: number; // typical gap between points
  mean: number;
  variance: number;
  level: number;
  daily: SeasonalProfile;
  weekly: SeasonalProfile;
  /** EW mean square of (clipped) one-step-ahead errors per model, to choose the model reported. */
  errRolling: number;
  errDaily: number;
  errWeekly: number;
}

export type BaselineModel = 'rolling' | 'daily' | 'weekly';

export interface BaselineOutput {
  state: BaselineState;
  /** The prediction for this point, made before the point was learnt. */
  expected: number;
  spread: number;
  lower: number;
  upper: number;
  seasonal: boolean;
  model: BaselineModel;
  sampleCount: number;
}

const warmupSamples = 10; // no clipping before this many points: the spread is not known yet

export function decayRate(dtMs: number, tauMs: number): number {
  return 1 - Math.exp(-dtMs / tauMs);
}

/** The smallest spread a model of `samples` points may state around `expected` (see BaselineSettings). */
function spreadFloor(s: BaselineSettings, expected: number, samples: number): number {
  const young = s.youngRelativeSpread * Math.sqrt(s.youngSamples / (s.youngSamples + samples));
  return Math.max(s.absoluteSpreadFloor, Math.max(s.relativeSpreadFloor, young) * Math.abs(expected));
}

function clip(x: number, center: number, spread: number, c: number): number {
  const lim = c * spread;
  return x > center + lim ? center + lim : x < center - lim ? center - lim : x;
}

export function newBaselineState(p: Point, s: BaselineSettings = baselineDefaults): BaselineState {
  return {
    version: 1,
    firstTs: p.ts,
    lastTs: p.ts,
    sampleCount: 1,
    intervalMs: 0,
    mean: p.value,
    variance: 0,
    level: p.value,
    daily: newProfile(DAY_MS, s.dailyBuckets),
    weekly: newProfile(WEEK_MS, 168),
    errRolling: 0,
    errDaily: Number.POSITIVE_INFINITY,
    errWeekly: Number.POSITIVE_INFINITY,
  };
}

interface Prediction {
  expected: number;
  spread: number;
  model: BaselineModel;
}

/** The baseline's prediction at `ts` from the state alone (no update). */
export function predictAt(state: BaselineState, ts: number, s: BaselineSettings = baselineDefaults): Prediction {
  const history = ts - state.firstTs;
  const rolling = { expected: state.mean, spread: Math.sqrt(state.variance), model: 'rolling' as BaselineModel };
  let best = rolling;
  let bestErr = state.errRolling;
  const candidates: Array<[BaselineModel, SeasonalProfile, number, boolean]> = [
    ['daily', state.daily, state.errDaily, history >= s.dailyAfterMs],
    ['weekly', state.weekly, state.errWeekly, history >= s.weeklyAfterMs],
  ];
  for (const [model, profile, err, ready] of candidates) {
    if (!ready || !(err < s.seasonalGain * bestErr)) continue;
    const p = predict(profile, ts);
    best = { expected: state.level + p.offset, spread: p.spread, model };
    bestErr = err;
  }
  const floor = spreadFloor(s, best.expected, state.sampleCount);
  return { ...best, spread: Math.max(best.spread, floor) };
}

/**
 * Learns one point and returns the prediction that was made for it. Deterministic: the output
 * depends only on the state and the point. The state passed in is consumed (updated in place and
 * returned) so that a series costs no allocation per point; a caller that needs the old state
 * keeps its own copy (`structuredClone`, or the JSON it checkpointed).
 */
export function updateBaseline(prev: BaselineState | undefined, point: Point, s: BaselineSettings = baselineDefaults): BaselineOutput {
  return updateBaselineInto(prev, point, s, newBaselineOutput());
}

/** An output object for updateBaselineInto (its fields in the order every writer uses). */
export function newBaselineOutput(): BaselineOutput {
  return { state: undefined as unknown as BaselineState, expected: 0.5, spread: 0.5, lower: 0.5, upper: 0.5, seasonal: false, model: 'rolling', sampleCount: 0 };
}

function setOutput(out: BaselineOutput, state: BaselineState, expected: number, spread: number, lower: number, upper: number, model: BaselineModel): BaselineOutput {
  out.state = state;
  out.expected = expected;
  out.spread = spread;
  out.lower = lower;
  out.upper = upper;
  out.seasonal = model !== 'rolling';
  out.model = model;
  out.sampleCount = state.sampleCount;
  return out;
}

/**
 * updateBaseline writing its output into `out` (returned): the detector's per-point path reuses one
 * object instead of allocating an output (and boxing its numbers) per point of every series.
 */
export function updateBaselineInto(prev: BaselineState | undefined, point: Point, s: BaselineSettings, out: BaselineOutput): BaselineOutput {
  if (!prev) {
    const state = newBaselineState(point, s);
    const spread = spreadFloor(s, point.value, 0);
    return setOutput(out, state, point.value, spread, point.value - s.bandSpreads * spread, point.value + s.bandSpreads * spread, 'rolling');
  }
  const st = prev;
  const prevCount = prev.sampleCount;
  const prevLastTs = prev.lastTs;
  // Each profile's position and prediction at this point, computed once: the model choice and the
  // profile's own learning both read the profile before it learns the point (same numbers as
  // predictAt and a predict per learnProfile, without their allocations).
  const daily = predictInto(st.daily, positionInto(st.daily, point.ts, atDaily), beforeDaily);
  const weekly = predictInto(st.weekly, positionInto(st.weekly, point.ts, atWeekly), beforeWeekly);
  const pred = choosePrediction(st, point.ts, s, daily, weekly);
  const x = point.value;
  const gap = point.ts - st.lastTs;
  // Duplicates and late points count as one typical interval: they still carry information.
  const dt = gap > 0 ? gap : st.intervalMs > 0 ? st.intervalMs : 1;
  st.intervalMs = st.intervalMs === 0 ? dt : st.intervalMs + 0.05 * (Math.min(dt, 10 * st.intervalMs) - st.intervalMs);
  st.sampleCount = prevCount + 1;
  st.lastTs = Math.max(prevLastTs, point.ts);
  const warm = st.sampleCount > warmupSamples;

  // Rolling model.
  const rollingTau = Math.max(s.rollingTauMs, s.rollingMinSamples * st.intervalMs);
  const aRoll = Math.max(decayRate(dt, rollingTau), 1 / st.sampleCount);
  const rollSpread = Math.max(Math.sqrt(st.variance), spreadFloor(s, st.mean, prevCount));
  const xr = warm ? clip(x, st.mean, rollSpread, s.clipSpreads) : x;
  const dr = xr - st.mean;
  const aErr = Math.max(decayRate(dt, Math.max(s.errTauMs, s.errMinSamples * st.intervalMs)), 1 / st.sampleCount);
  st.errRolling = warm ? st.errRolling + aErr * (dr * dr - st.errRolling) : 0;
  st.mean += aRoll * dr;
  st.variance = (1 - aRoll) * (st.variance + aRoll * dr * dr);

  // Seasonal models share a long level; offsets are learnt against it.
  const levelTau = Math.max(s.levelTauMs, s.levelMinSamples * st.intervalMs);
  const aLevel = Math.max(decayRate(dt, levelTau), 1 / st.sampleCount);
  st.level += aLevel * (xr - st.level);
  learnProfile(st, 'daily', st.daily, atDaily, daily, x, dt, warm, s);
  learnProfile(st, 'weekly', st.weekly, atWeekly, weekly, x, dt, warm, s);

  const lower = pred.expected - s.bandSpreads * pred.spread;
  const upper = pred.expected + s.bandSpreads * pred.spread;
  return setOutput(out, st, pred.expected, pred.spread, lower, upper, pred.model);
}

// Scratch of the per-point path (single-threaded, used within one call, never retained).
const atDaily: Position = { lo: 0, hi: 0, frac: 0.5 };
const atWeekly: Position = { lo: 0, hi: 0, frac: 0.5 };
const beforeDaily: SeasonalPrediction = { offset: 0.5, spread: 0.5, weight: 0.5 };
const beforeWeekly: SeasonalPrediction = { offset: 0.5, spread: 0.5, weight: 0.5 };
const chosen: Prediction = { expected: 0.5, spread: 0.5, model: 'rolling' };

/** predictAt, given the profiles' predictions at ts; the result is scratch (read it before the next call). */
function choosePrediction(state: BaselineState, ts: number, s: BaselineSettings, daily: SeasonalPrediction, weekly: SeasonalPrediction): Prediction {
  const history = ts - state.firstTs;
  let expected = state.mean;
  let spread = Math.sqrt(state.variance);
  let model: BaselineModel = 'rolling';
  let bestErr = state.errRolling;
  if (history >= s.dailyAfterMs && state.errDaily < s.seasonalGain * bestErr) {
    expected = state.level + daily.offset;
    spread = daily.spread;
    model = 'daily';
    bestErr = state.errDaily;
  }
  if (history >= s.weeklyAfterMs && state.errWeekly < s.seasonalGain * bestErr) {
    expected = state.level + weekly.offset;
    spread = weekly.spread;
    model = 'weekly';
    bestErr = state.errWeekly;
  }
  const floor = spreadFloor(s, expected, state.sampleCount);
  chosen.expected = expected;
  chosen.spread = Math.max(spread, floor);
  chosen.model = model;
  return chosen;
}

function learnProfile(st: BaselineState, which: 'daily' | 'weekly', prevProfile: SeasonalProfile, at: Position, before: SeasonalPrediction, x: number, dt: number, warm: boolean, s: BaselineSettings): void {
  // Updated in place (see updateBaseline: the state passed in is consumed).
  const p = prevProfile;
  const expected = st.level + before.offset;
  const spread = Math.max(before.spread, spreadFloor(s, expected, st.sampleCount));
  const young = before.weight < 1;
  const xc = warm && !young ? clip(x, expected, spread, s.clipSpreads) : x;
  const rate = Math.min(1, (dt * p.offset.length) / (s.seasonalBucketVisits * p.periodMs));
  if (!young) {
    const e = xc - expected;
    const errKey = which === 'daily' ? 'errDaily' : 'errWeekly';
    const prevErr = st[errKey];
    const aErr = Math.max(decayRate(dt, Math.max(s.errTauMs, s.errMinSamples * st.intervalMs)), 1e-9);
    st[errKey] = Number.isFinite(prevErr) ? prevErr + aErr * (e * e - prevErr) : e * e;
  }
  learnAt(p, at, xc - st.level, rate);
}
