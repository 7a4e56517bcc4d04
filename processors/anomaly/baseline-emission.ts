// When a series' baseline is worth a record on telemetry.baselines: when it changed, not on a clock.
//
// Why: the topic is compacted per series and its consumers (the sink's `baselines` table, the
// API's bands, the wall) keep only the latest record, so a record that repeats the previous band
// tells them nothing. A steady series' expected value and spread barely move from one poll to the
// next; emitting every minute made baselines ~3 of the ~5 records a reading cost the processor
// (Avro encoding, producing, and the sink's upserts), for no information.
//
// The rule (settings in ./settings.ts, event time only, so a replay emits the same records):
// - the first sample of a series emits at once;
// - then at most one record per baselineIntervalMs, and only when the band moved materially since
//   the last record: expected moved by more than baselineMoveSpreads of that record's spread, the
//   spread changed by more than baselineSpreadChange (relative), or the model switched between
//   rolling and seasonal;
// - otherwise a heartbeat every baselineHeartbeatMs, so the latest record is never older than that
//   while the series reports (and its sampleCount stays roughly current).
import type { Baseline, MetricSample } from '../../schemas/types.js';
import type { ScoringSettings } from './settings.js';

/** What a series remembers of the last Baseline record it emitted. */
export interface EmittedBaseline {
  /** Event time of the last Baseline record emitted; -1 when none. */
  baselineAt: number;
  /**
   * Its expected value, spread and model. Absent in a state checkpointed before emission became
   * change-driven: the series then emits at its next due time (once), which records them.
   */
  baselineExpected?: number;
  baselineSpread?: number;
  baselineSeasonal?: boolean;
}

/** The band of one scored sample, as the detector reported it. */
export interface Band {
  expected: number;
  spread: number;
  lower: number;
  upper: number;
  seasonal: boolean;
}

/** True when the band at `ts` should be emitted (see the rule above). */
export function baselineDue(sent: EmittedBaseline, band: Band, ts: number, settings: ScoringSettings): boolean {
  if (sent.baselineAt < 0) return true;
  const since = ts - sent.baselineAt;
  if (since >= settings.baselineHeartbeatMs) return true;
  if (since < settings.baselineIntervalMs) return false;
  const expected = sent.baselineExpected;
  const spread = sent.baselineSpread;
  if (expected === undefined || spread === undefined) return true; // restored from an older checkpoint
  if (band.seasonal !== sent.baselineSeasonal) return true;
  if (Math.abs(band.expected - expected) > settings.baselineMoveSpreads * spread) return true;
  return Math.abs(band.spread - spread) > settings.baselineSpreadChange * spread;
}

/** Records `band` as emitted at `ts` in `sent`, and returns its Baseline record. */
export function emitBaseline(
  sent: EmittedBaseline,
  deviceId: string,
  sample: Pick<MetricSample, 'seriesKey' | 'metric'>,
  band: Band,
  ts: number,
  sampleCount: number,
): Baseline {
  sent.baselineAt = ts;
  sent.baselineExpected = band.expected;
  sent.baselineSpread = band.spread;
  sent.baselineSeasonal = band.seasonal;
  return {
    seriesKey: sample.seriesKey,
    deviceId,
    metric: sample.metric,
    ts,
    expected: band.expected,
    spread: band.spread,
    lower: band.lower,
    upper: band.upper,
    seasonal: band.seasonal,
    sampleCount,
  };
}
