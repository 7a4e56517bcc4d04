// Which storage tier serves a readings request. Buckets are bucketMs = ceil((to - from) /
// maxPoints) wide; a rollup can feed them when its own width fits in one, so the coarsest such
// tier is read (fewest rows for the same answer). Below 5 minutes per bucket only raw points can.
// Each tier may serve ranges up to a length of its own (ApiLimits.range*Days): a longer range
// moves on to the next coarser tier that allows it (then fewer, wider buckets than maxPoints),
// and a forced tier, or a range past every tier's, is refused with LIMIT_RANGE.

import type { ApiLimits } from '../defaults.js';
import { ApiError } from '../errors.js';
import { HOUR_MS, DAY_MS } from '../../common/time-units.js';

export const TIERS = ['raw', '5m', '1h', '1d'] as const;
export type Tier = (typeof TIERS)[number];
export type RollupTier = Exclude<Tier, 'raw'>;

export const TIER_WIDTH_MS: Record<RollupTier, number> = { '5m': 300_000, '1h': HOUR_MS, '1d': DAY_MS };
export const TIER_TABLE: Record<RollupTier, string> = { '5m': 'metric_points_5m', '1h': 'metric_points_1h', '1d': 'metric_points_1d' };


/** The longest from..to each tier may serve, ms, from the limits. */
export function tierRanges(limits: Pick<ApiLimits, 'rangeRawDays' | 'range5mDays' | 'range1hDays' | 'range1dDays'>): Record<Tier, number> {
  return { raw: limits.rangeRawDays * DAY_MS, '5m': limits.range5mDays * DAY_MS, '1h': limits.range1hDays * DAY_MS, '1d': limits.range1dDays * DAY_MS };
}

function rangeRefused(rangeMs: number, tier: Tier, ranges: Record<Tier, number>, forced: boolean): ApiError {
  const limitDays = ranges[tier] / DAY_MS;
  const days = Math.round((rangeMs / DAY_MS) * 10) / 10;
  return new ApiError(
    'LIMIT_RANGE',
    forced
      ? `tier ${tier} serves ranges of at most ${limitDays} days; this one is ${days} days: ask for a shorter range or a coarser tier`
      : `ranges are at most ${limitDays} days (the coarsest tier, ${tier}); this one is ${days} days`,
    { detail: { tier, limitDays } },
  );
}

export function isTier(value: unknown): value is Tier {
  return typeof value === 'string' && (TIERS as readonly string[]).includes(value);
}

export function bucketPlan(fromMs: number, toMs: number, maxPoints: number, tier: Tier = 'raw'): { bucketMs: number; bucketCount: number } {
  const rangeMs = toMs - fromMs;
  // A forced rollup tier never gets buckets narrower than its rows.
  const floor = tier === 'raw' ? 1 : TIER_WIDTH_MS[tier];
  const bucketMs = Math.max(floor, Math.ceil(rangeMs / maxPoints));
  return { bucketMs, bucketCount: Math.max(1, Math.ceil(rangeMs / bucketMs)) };
}

/**
 * The coarsest rollup whose width fits in a bucket, or raw; with `ranges`, then the next coarser
 * tier while the range is longer than the tier may serve (LIMIT_RANGE past the coarsest).
 */
export function chooseTier(fromMs: number, toMs: number, maxPoints: number, ranges?: Record<Tier, number>): Tier {
  const { bucketMs } = bucketPlan(fromMs, toMs, maxPoints);
  let best = 0;
  TIERS.forEach((tier, i) => {
    if (tier !== 'raw' && TIER_WIDTH_MS[tier] <= bucketMs) best = i;
  });
  if (!ranges) return TIERS[best];
  const rangeMs = toMs - fromMs;
  while (best < TIERS.length - 1 && rangeMs > ranges[TIERS[best]]) best++;
  const tier = TIERS[best];
  if (rangeMs > ranges[tier]) throw rangeRefused(rangeMs, tier, ranges, false);
  return tier;
}

/** Refuses a forced tier asked for a range longer than it may serve. */
export function checkForcedTier(fromMs: number, toMs: number, tier: Tier, ranges: Record<Tier, number>): void {
  if (toMs - fromMs > ranges[tier]) throw rangeRefused(toMs - fromMs, tier, ranges, true);
}
