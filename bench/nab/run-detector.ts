// Runs a streaming detector over a series point by point, as the processor would, and measures
// the CPU time of that loop alone.
import { detect, detectorDefaults, type DetectorSettings, type DetectorState } from '../../processors/detect/detect.js';
import type { NabSeries } from './corpus.js';

export interface DetectorRun {
  scores: Float64Array;
  cpuMicros: number;
}

export function runDetector(series: NabSeries, settings: DetectorSettings = detectorDefaults): DetectorRun {
  const scores = new Float64Array(series.values.length);
  const before = process.cpuUsage();
  let state: DetectorState | undefined;
  for (let i = 0; i < scores.length; i++) {
    const out = detect(state, { ts: series.timestamps[i], value: series.values[i] }, settings);
    state = out.state;
    scores[i] = out.score;
  }
  const used = process.cpuUsage(before);
  return { scores, cpuMicros: used.user + used.system };
}
