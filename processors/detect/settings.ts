// Defaults of the streaming detector. Durations are event time, each floored at a number of
// typical poll intervals (a slowly polled series still needs a few samples per estimate).
// Chosen on the NAB development corpus as one global set (no per-series tuning), with values that
// read sensibly for NOC series polled every 10 s to 1 h.
import { HOUR_MS, DAY_MS } from '../../common/time-units.js';

export interface DetectSettings {
  /** Short EW mean of residuals: a level shift shows there within a few points, even when noisy. */
  shortTauMs: number;
  shortMinSamples: number;
  /** Memory of the largest evidence seen lately (the series' own idea of "unusual"). */
  recentMaxTauMs: number;
  recentMaxMinSamples: number;
  /** Evidence (in spreads) below which nothing is surprising, however quiet the series was. */
  minEvidence: number;
  /**
   * Warm-up: a series is scored 0 (no anomaly on its baseline) until it has more than
   * warmupSamples points AND warmupMs of event time since its first one. Samples alone are not
   * enough: a fast-polled series reaches 30 samples within its first minute, which is the
   * start-up of the monitoring itself (connections, first walks, JIT), not the network's normal.
   * Static rules (no light, loss, interface or device down) do not wait: they alarm at once.
   */
  warmupSamples: number;
  warmupMs: number;
  /** An episode: after an alarm, later points only score by beating the alarm's surprise. */
  episodeMs: number;
  episodeMinSamples: number;
  /** A score at or above this opens (or extends) an episode. */
  alarmScore: number;
  /** Within an episode, ln-growth of the surprise needed beyond the alarm's before scoring again. */
  episodeEscalation: number;
  /**
   * Recurring daily bursts (backups, batch jobs): the largest evidence seen at this time of day
   * (dailyMaxBuckets per day, ±dailyMaxSpread buckets) on previous days (older than
   * dailyMaxMinAgeMs), held for dailyMaxHoldMs then decaying with dailyMaxTauMs, times dailyMargin,
   * is a reference too: a burst that came yesterday at this hour must be bigger to be news.
   */
  dailyMaxBuckets: number;
  dailyMaxSpread: number;
  dailyMaxMinAgeMs: number;
  dailyMaxHoldMs: number;
  dailyMaxTauMs: number;
  dailyMargin: number;
  /**
   * The series' learnt distribution of evidence: an online estimate of its tailQuantile quantile
   * (each warm point above it raises its logarithm by tailRate·tailQuantile, each below lowers it
   * by tailRate·(1 - tailQuantile)), starting at tailInitial spreads. Evidence below it is not
   * news: a series with heavy-tailed errors (bursty counts) needs a bigger jump than a Gaussian
   * band implies, while a quiet series keeps minEvidence. Unlike the recent maximum it does not
   * forget in a day, and unlike a long maximum one past anomaly does not deafen it.
   */
  tailQuantile: number;
  tailRate: number;
  tailInitial: number;
  /** score = 1 - exp(-scoreGain * ln(evidence / reference)) = 1 - (reference / evidence)^scoreGain. */
  scoreGain: number;
}

export const detectDefaults: DetectSettings = {
  shortTauMs: HOUR_MS, // chosen by cross-validation on NAB (was 30 min)
  shortMinSamples: 4,
  recentMaxTauMs: DAY_MS,
  recentMaxMinSamples: 100,
  minEvidence: 7, // spreads
  warmupSamples: 30,
  // 30 min: 180 polls at 10 s, 30 at 1 min; far past a collector's start-up transient. NAB's
  // 5-minute series reach it before their 30th sample, so the corpus score does not move.
  warmupMs: 30 * 60_000,
  episodeMs: 12 * HOUR_MS,
  episodeMinSamples: 12,
  alarmScore: 0.2,
  episodeEscalation: 0.1, // ln units: ~10 % more evidence
  dailyMaxBuckets: 48, // half hours
  dailyMaxSpread: 3, // ±1.5 h: batch jobs drift
  dailyMaxMinAgeMs: 12 * HOUR_MS, // only earlier days
  dailyMaxHoldMs: DAY_MS,
  dailyMaxTauMs: 3 * DAY_MS,
  dailyMargin: 1.1,
  // One point in 500 (under two a day at 5 min) may exceed it; at a rate of 0.02, about 35
  // exceedances in a row double it. Chosen by cross-validation over NAB's categories (bench/README.md).
  tailQuantile: 0.998,
  tailRate: 0.02,
  tailInitial: 1, // spread
  scoreGain: 5,
};
