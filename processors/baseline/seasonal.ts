// A seasonal profile: the offset of a series from its long level, per position in a period
// (half hour of the day, hour of the week), with the spread of what remains. The offset at a
// time is interpolated linearly between the two nearest bucket centres, and a point updates those
// two buckets in proportion, so a steep daily ramp is not flattened into steps.
// Arrays of plain numbers: the profile is part of the JSON state checkpointed to the changelog.
import { DAY_MS } from '../../common/time-units.js';

export interface SeasonalProfile {
  periodMs: number;
  /** Offset from the level (EW mean per bucket). */
  offset: number[];
  /** Mean square of the residual around the offset. */
  meanSquare: number[];
  /** Total update weight a bucket has seen (bias correction while young). */
  weight: number[];
}

export function newProfile(periodMs: number, buckets: number): SeasonalProfile {
  return { periodMs, offset: new Array(buckets).fill(0), meanSquare: new Array(buckets).fill(0), weight: new Array(buckets).fill(0) };
}

export interface Position {
  lo: number;
  hi: number;
  frac: number; // weight of `hi`
}

// Monday 00:00 UTC is the weekly origin (1970-01-05); a daily period is aligned on midnight UTC either way.
const weekOrigin = 4 * DAY_MS;

/** Where `ts` falls in the profile, written into `out` (the per-sample path allocates nothing). */
export function positionInto(p: SeasonalProfile, ts: number, out: Position): Position {
  const n = p.offset.length;
  const phase = (((ts - weekOrigin) % p.periodMs) + p.periodMs) % p.periodMs;
  const x = (phase / p.periodMs) * n - 0.5;
  const base = Math.floor(x);
  out.frac = x - base;
  out.lo = (base + n) % n;
  out.hi = (base + 1) % n;
  return out;
}

const position = (p: SeasonalProfile, ts: number): Position => positionInto(p, ts, { lo: 0, hi: 0, frac: 0 });

export interface SeasonalPrediction {
  offset: number;
  spread: number; // sqrt of the interpolated mean square
  weight: number; // the smaller bucket weight: how much the prediction rests on
}

export function predict(p: SeasonalProfile, ts: number): SeasonalPrediction {
  return predictInto(p, position(p, ts), { offset: 0, spread: 0, weight: 0 });
}

/** predict() at a position already computed, written into `out`. */
export function predictInto(p: SeasonalProfile, at: Position, out: SeasonalPrediction): SeasonalPrediction {
  const { lo, hi, frac } = at;
  out.offset = (1 - frac) * p.offset[lo] + frac * p.offset[hi];
  out.spread = Math.sqrt((1 - frac) * p.meanSquare[lo] + frac * p.meanSquare[hi]);
  out.weight = Math.min(p.weight[lo], p.weight[hi]);
  return out;
}

/**
 * Moves the two buckets around `ts` toward `offset` (already clipped by the caller). `rate` is the
 * per-point learning rate for a bucket owning the point fully; a young bucket learns as a plain
 * running mean until its weight reaches 1/rate.
 */
export function learn(p: SeasonalProfile, ts: number, offset: number, rate: number): void {
  learnAt(p, position(p, ts), offset, rate);
}

/** learn() at a position already computed. */
export function learnAt(p: SeasonalProfile, at: Position, offset: number, rate: number): void {
  update(p, at.lo, offset, 1 - at.frac, rate);
  update(p, at.hi, offset, at.frac, rate);
}

function update(p: SeasonalProfile, i: number, offset: number, share: number, rate: number): void {
  if (share <= 0) return;
  p.weight[i] += share;
  const a = Math.max(rate * share, share / p.weight[i]);
  const d = offset - p.offset[i];
  p.offset[i] += a * d;
  p.meanSquare[i] = (1 - a) * (p.meanSquare[i] + a * d * d);
}
