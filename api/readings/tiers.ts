// Which storage tier serves a readings request. Buckets are bucketMs = ceil((to - from) /
// maxPoints) wide; a rollup can feed them when its own width fits in one, so the coarsest such
// tier is read (fewest rows for the same answer). Below 5 minutes per bucket only raw points can.

export const TIERS = ['raw', '5m', '1h', '1d'] as const;
export type Tier = (typeof TIERS)[number];
export type RollupTier = Exclude<Tier, 'raw'>;

export const TIER_WIDTH_MS: Record<RollupTier, number> = { '5m': 300_000, '1h': 3_600_000, '1d': 86_400_000 };
export const TIER_TABLE: Record<RollupTier, string> = { '5m': 'metric_points_5m', '1h': 'metric_points_1h', '1d': 'metric_points_1d' };

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

/** The coarsest rollup whose width fits in a bucket, or raw. */
export function chooseTier(fromMs: number, toMs: number, maxPoints: number): Tier {
  const { bucketMs } = bucketPlan(fromMs, toMs, maxPoints);
  let best: Tier = 'raw';
  for (const tier of ['5m', '1h', '1d'] as const) if (TIER_WIDTH_MS[tier] <= bucketMs) best = tier;
  return best;
}
