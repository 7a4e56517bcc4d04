// Per-series scoring step: one sample through the streaming detector (which runs the baseline,
// processors/detect + processors/baseline), giving the score and the expected value and band, plus
// a Baseline record for telemetry.baselines when the band changed (baseline-emission.ts).
import type { Baseline, MetricSample } from '../../schemas/types.js';
import { detectInto, newDetectOutput, type DetectorSettings, type DetectorState } from '../detect/detect.js';
import { packDetectorState, unpackDetectorState } from './detector-codec.js';
import { baselineDue, emitBaseline, type EmittedBaseline } from './baseline-emission.js';
import type { ScoringSettings } from './settings.js';

/**
 * The detector state of a series as it lives in memory: unpacked, so a sample costs no packing.
 * JSON.stringify (the v1 changelog codec) calls toJSON, which packs it (detector-codec.ts); a state
 * restored from a v1 checkpoint holds the packed string until its next sample unpacks it.
 *
 * It also remembers what changed since its last checkpoint, for the block changelog
 * (processors/chain-codec.ts): a sample only moves the profile buckets around its time, so the
 * event-time span of the samples since the checkpoint says which buckets may differ.
 */
export class LiveDetector {
  /** Event time of the first and last samples since the last checkpoint (null: none). */
  touchedFrom: number | null = null;
  touchedTo = 0;
  /**
   * @param wholeDirty every bucket must be written at the next checkpoint (a state upgraded from
   *   a v1 checkpoint: the block changelog holds nothing of it yet).
   */
  constructor(
    public state: DetectorState,
    public wholeDirty = false,
  ) {}
  touch(ts: number): void {
    if (this.touchedFrom === null) this.touchedFrom = ts;
    this.touchedTo = ts;
  }
  /** After a checkpoint was written: nothing differs from it. */
  clean(): void {
    this.touchedFrom = null;
    this.wholeDirty = false;
  }
  toJSON(): string {
    return packDetectorState(this.state);
  }
}

/**
 * The in-memory detector of a series' `det`: itself, or unpacked from a format 1 checkpoint, or
 * rebuilt from a structured clone (which keeps the fields but not the class). The last two are
 * wholly dirty: the block changelog may hold nothing of them.
 */
export function liveDetector(det: LiveDetector | string): LiveDetector {
  if (det instanceof LiveDetector) return det;
  if (typeof det === 'string') return new LiveDetector(unpackDetectorState(det), true);
  return new LiveDetector((det as { state: DetectorState }).state, true);
}

export interface ScoringState extends EmittedBaseline {
  /** Detector state: live in memory, packed (detector-codec.ts) after a restore; null until the first scored sample. */
  det: LiveDetector | string | null;
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
  return !settings.excludeMetrics.includes(metric) && !settings.operationalMetrics.includes(metric);
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

/** The domain of a non-negative quantity: the band (and expected value) stated never goes below 0. */
function clipAtZero(out: Scored): void {
  if (out.expected < 0) out.expected = 0;
  if (out.lower < 0) out.lower = 0;
  if (out.upper < 0) out.upper = 0;
}

// The detector's output of the sample being scored (see scoreSample).
const scratch = newDetectOutput();

/**
 * Scores `value` at `ts`, updating `state` in place, and appends the Baseline record to
 * `baselines` when one is due. The Scored returned is shared scratch, valid until the next call:
 * read it (or copy what you keep) before scoring another sample.
 */
export function scoreSample(
  state: ScoringState,
  deviceId: string,
  sample: Pick<MetricSample, 'seriesKey' | 'metric' | 'unit' | 'value'>,
  ts: number,
  settings: ScoringSettings,
  baselines: Baseline[],
): Scored {
  const fresh = state.det === null;
  // A new series: its first sample creates the detector state.
  const live = fresh ? new LiveDetector(undefined as unknown as DetectorState) : liveDetector(state.det!);
  // Marked before the detector runs: whatever it changes in place is covered even if it throws.
  live.touch(ts);
  const out = detectInto(fresh ? undefined : live.state, { ts, value: sample.value }, detectorSettingsFor(sample, settings), scratch);
  live.state = out.state;
  state.det = live;
  if (settings.nonNegativeUnits.includes(sample.unit)) clipAtZero(out);
  if (baselineDue(state, out, ts, settings)) baselines.push(emitBaseline(state, deviceId, sample, out, ts, out.state.baseline.sampleCount));
  return out; // the detector's output carries every field of Scored
}
