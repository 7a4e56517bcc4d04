// The parameter sets cross-validation chooses among (bench/nab/cross-validate.ts): the shipped
// defaults and a grid around them on the settings the score is most sensitive to: how much
// evidence is news (minEvidence), how fast the short mean reacts (shortTauMs), and the learnt tail
// of the evidence (tailQuantile, tailRate; tailRate 0 is the detector without it, as before
// 2026-12-07). So the choice of the tail's parameters, and of having one at all, is made without
// the fold being scored too. Small on purpose: a larger grid chosen on four categories overfits them.
import { detectorDefaults, type DetectorSettings } from '../../processors/detect/detect.js';
import type { DetectSettings } from '../../processors/detect/settings.js';
import { MINUTE_MS } from '../../common/time-units.js';

export interface NamedSettings {
  name: string;
  settings: DetectorSettings;
}


function variant(detect: Partial<DetectSettings>): NamedSettings {
  const name = Object.entries(detect).map(([k, v]) => `${k}=${v}`).join(',') || 'shipped';
  return { name, settings: { ...detectorDefaults, detect: { ...detectorDefaults.detect, ...detect } } };
}

export function cvCandidates(): NamedSettings[] {
  const d = detectorDefaults.detect;
  const out: NamedSettings[] = [variant({})];
  const tails: Array<[number, number]> = [[0.998, 0], [0.995, 0.02], [0.998, 0.01], [0.998, 0.02], [0.998, 0.05], [0.999, 0.02]];
  for (const minEvidence of [5, 7, 9])
    for (const shortTauMs of [15 * MINUTE_MS, 30 * MINUTE_MS, 60 * MINUTE_MS])
      for (const [tailQuantile, tailRate] of tails) {
        if (minEvidence === d.minEvidence && shortTauMs === d.shortTauMs && tailQuantile === d.tailQuantile && tailRate === d.tailRate) continue; // = shipped
        out.push(variant({ minEvidence, shortTauMs, tailQuantile, tailRate }));
      }
  return out;
}
