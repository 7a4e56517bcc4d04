// Defaults of the per-series baseline. Time constants are event-time durations; each is floored
// at a number of typical poll intervals so that a slowly polled series (hourly) still averages
// over enough samples for its estimates to mean something.
import { DAY_MS, WEEK_MS } from '../../common/time-units.js';

export interface BaselineSettings {
  /** Rolling (non-seasonal) mean/variance time constant. */
  rollingTauMs: number;
  rollingMinSamples: number;
  /** Horizon of the models' recent squared errors (the basis of the choice between them). */
  errTauMs: number;
  errMinSamples: number;
  /** Long level the seasonal offsets are measured from. */
  levelTauMs: number;
  levelMinSamples: number;
  /** Per-bucket memory of the seasonal profiles, in visits of the bucket. */
  seasonalBucketVisits: number;
  /** History needed before a profile is used (event time since the first point). */
  dailyAfterMs: number;
  weeklyAfterMs: number;
  /** Buckets per day of the daily profile (48 = half hours); the weekly one is hourly (168). */
  dailyBuckets: number;
  /** Residuals beyond this many spreads update the baseline as if they were at this distance. */
  clipSpreads: number;
  /** Band half-width, in spreads, of `lower`/`upper`. */
  bandSpreads: number;
  /** A profile is used only if its residuals are this much smaller (mean square) than the rolling one's. */
  seasonalGain: number;
  /** Floor of the spread relative to |expected|, and absolute, so a flat series is not infinitely sensitive. */
  relativeSpreadFloor: number;
  absoluteSpreadFloor: number;
  /**
   * A young model's spread floor, relative to |expected|, fading as sqrt(youngSamples / (youngSamples
   * + n)) after n samples: a few minutes of a smooth series (traffic between two polls) give a
   * spread far narrower than the same series shows over a day, and a band learnt from them alarmed
   * at the first ordinary wiggle. After youngSamples points it is at 71 %, after 100× at 10 %.
   */
  youngRelativeSpread: number;
  youngSamples: number;
}

export const baselineDefaults: BaselineSettings = {
  rollingTauMs: DAY_MS,
  rollingMinSamples: 100,
  errTauMs: DAY_MS,
  errMinSamples: 100,
  levelTauMs: 3 * DAY_MS,
  levelMinSamples: 200,
  seasonalBucketVisits: 6, // ~6 days (daily) / 6 weeks (weekly) of memory per bucket
  dailyAfterMs: 2 * DAY_MS,
  weeklyAfterMs: 2 * WEEK_MS,
  dailyBuckets: 48,
  clipSpreads: 4,
  bandSpreads: 3,
  seasonalGain: 0.7,
  relativeSpreadFloor: 1e-3,
  absoluteSpreadFloor: 1e-9,
  youngRelativeSpread: 0.02,
  youngSamples: 30,
};
