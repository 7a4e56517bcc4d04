// The parameter sets cross-validation chooses among (bench/nab/cross-validate.ts): the shipped
// defaults and a small grid around them on the settings the score is most sensitive to (how much
// evidence is news, how fast the short mean reacts, how long the series' own "unusual" is
// remembered). Small on purpose: a larger grid chosen on four categories overfits them.
import { detectorDefaults, type DetectorSettings } from '../../processors/detect/detect.js';
import type { DetectSettings } from '../../processors/detect/settings.js';

export interface NamedSettings {
  name: string;
  settings: DetectorSettings;
}

const minute = 60_000;
const day = 86_400_000;

function variant(detect: Partial<DetectSettings>): NamedSettings {
  const name = Object.entries(detect).map(([k, v]) => `${k}=${v}`).join(',') || 'shipped';
  return { name, settings: { ...detectorDefaults, detect: { ...detectorDefaults.detect, ...detect } } };
}

export function cvCandidates(): NamedSettings[] {
  const out: NamedSettings[] = [variant({})];
  for (const minEvidence of [5, 7, 9])
    for (const shortTauMs of [15 * minute, 30 * minute, 60 * minute])
      for (const recentMaxTauMs of [day / 2, day, 2 * day]) {
        const d = detectorDefaults.detect;
        if (minEvidence === d.minEvidence && shortTauMs === d.shortTauMs && recentMaxTauMs === d.recentMaxTauMs) continue; // = shipped
        out.push(variant({ minEvidence, shortTauMs, recentMaxTauMs }));
      }
  return out;
}
