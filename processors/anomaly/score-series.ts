// Per-series scoring step: one sample through the streaming detector (which runs the baseline,
// processors/detect + processors/baseline), giving the score and the expected value and band, plus
// a Baseline record for telemetry.baselines at most once per baselineIntervalMs of event time.
import type { Baseline, MetricSample } from '../../schemas/types.js';
import { detect, type DetectorSettings, type DetectorState } from '../detect/detect.js';
import { packDetectorState, unpackDetectorState } from './detector-codec.js';
import type { ScoringSettings } from './settings.js';

/**
 * The detector state of a series as it lives in memory: unpacked, so a sample costs no packing.
 * JSON.stringify (the changelog codec) calls toJSON, which packs it (detector-codec.ts); a state
 * restored from the changelog holds the packed string until its next sample unpacks it.
 */
export class LiveDetector {
  constructor(public state: DetectorState) {}
  toJSON(): string {
    return packDetectorState(this.state);
  }
}

export interface ScoringState {
  /** Detector state: live in memory, packed (detector-codec.ts) after a restore; null until the first scored sample. */
  det: LiveDetector | string | null;
  /** Event time of the last Baseline record emitted; -1 when none. */
  baselineAt: number;
}

export interface Scored {
  score: number; // 0..1
  expected: number;
  spread: number;
  lower: number;
  upper: number;
  seasonal: boolean;
  /** (value - expected) / spread. */
  pointZ: number;
}

export function isScored(metric: string, settings: ScoringSettings): boolean {
  return !settings.excludeMetrics.includes(metric);
}

// One DetectorSettings per (config, floor), built once: no allocation per sample.
const withFloor = new WeakMap<ScoringSettings, Map<number, DetectorSettings>>();

export function detectorSettingsFor(sample: Pick<MetricSample, 'metric' | 'unit'>, settings: ScoringSettings): DetectorSettings {
  const floor = settings.spreadFloor[sample.metric] ?? settings.spreadFloor[sample.unit];
  if (floor === undefined || floor <= settings.detector.baseline.absoluteSpreadFloor) return settings.detector;
  let byFloor = withFloor.get(settings);
  if (!byFloor) withFloor.set(settings, (byFloor = new Map()));
  let d = byFloor.get(floor);
  if (!d) byFloor.set(floor, (d = { ...settings.detector, baseline: { ...settings.detector.baseline, absoluteSpreadFloor: floor } }));
  return d;
}

/** Scores `value` at `ts`, updating `state` in place; the Baseline record when one is due. */
export function scoreSample(
  state: ScoringState,
  deviceId: string,
  sample: Pick<MetricSample, 'seriesKey' | 'metric' | 'unit' | 'value'>,
  ts: number,
  settings: ScoringSettings,
): { scored: Scored; baseline: Baseline | null } {
  const current = state.det === null ? undefined : typeof state.det === 'string' ? unpackDetectorState(state.det) : state.det.state;
  const out = detect(current, { ts, value: sample.value }, detectorSettingsFor(sample, settings));
  if (state.det instanceof LiveDetector) state.det.state = out.state;
  else state.det = new LiveDetector(out.state);
  const scored: Scored = { score: out.score, expected: out.expected, spread: out.spread, lower: out.lower, upper: out.upper, seasonal: out.seasonal, pointZ: out.pointZ };
  let baseline: Baseline | null = null;
  if (state.baselineAt < 0 || ts - state.baselineAt >= settings.baselineIntervalMs) {
    state.baselineAt = ts;
    baseline = {
      seriesKey: sample.seriesKey,
      deviceId,
      metric: sample.metric,
      ts,
      expected: out.expected,
      spread: out.spread,
      lower: out.lower,
      upper: out.upper,
      seasonal: out.seasonal,
      sampleCount: out.state.baseline.sampleCount,
    };
  }
  return { scored, baseline };
}
