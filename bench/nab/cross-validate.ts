// Leave-one-category-out cross-validation of the detector on a NAB corpus: for each of the
// corpus's categories, the detector's parameters (one of a few candidate sets) AND the alarm
// threshold are chosen on the other categories by their standard score, then the held-out
// category is scored with that choice. So each fold's figure is on data the choice never saw.
//
// A category without anomaly windows (artificialNoAnomaly) has no normalised score of its own
// (null and perfect detectors tie at 0): its fold reports the false-positive cost. The pooled
// figure, cv_standard, scores the held-out outputs of all folds together as one corpus (same
// normalisation as `standard`), so those false positives count too.
import { probationRows, type IndexWindow } from './corpus.js';
import { normalise, optimiseThresholds, rowGeometry, scoreFile, type CostMatrix, type ScorableFile } from './scorer.js';

export interface Candidate {
  name: string;
  /** Score per file, in corpus order (the same files for every candidate). */
  scores: Float64Array[];
}

export interface FoldResult {
  category: string;
  files: number;
  windows: number;
  /** Chosen on the other categories. */
  candidate: string;
  threshold: number;
  raw: number;
  /** Normalised standard score of the held-out category; null when it has no window. */
  normalised: number | null;
  fp: number;
}

export interface CrossValidation {
  folds: FoldResult[];
  /** Mean of the folds' normalised scores (folds with windows). */
  foldMean: number;
  /** All folds' held-out outputs scored as one corpus. */
  pooled: number;
  /** What the same choice makes on all categories: the parameters a product trained on the whole corpus would ship. */
  chosenOnAll: { candidate: string; threshold: number };
}

export interface CorpusFile {
  name: string; // <category>/<file>.csv
  windows: IndexWindow[];
  rows: number;
}

const categoryOf = (name: string) => name.slice(0, name.indexOf('/'));

function scoredWindows(f: CorpusFile): number {
  const probation = probationRows(f.rows);
  return f.windows.filter((w) => w.right >= probation).length;
}

export function crossValidate(files: CorpusFile[], candidates: Candidate[], costs: CostMatrix): CrossValidation {
  const categories = [...new Set(files.map((f) => categoryOf(f.name)))].sort();
  const geometries = files.map((f) => rowGeometry(f.rows, f.windows));
  const profile = { standard: costs };
  const folds: FoldResult[] = [];
  let pooledRaw = 0;
  let pooledWindows = 0;
  for (const category of categories) {
    const held = files.map((f, k) => (categoryOf(f.name) === category ? k : -1)).filter((k) => k >= 0);
    const train = files.map((_f, k) => k).filter((k) => !held.includes(k));
    const best = choose(files, train, candidates, profile);
    let raw = 0;
    let windows = 0;
    let fp = 0;
    for (const k of held) {
      const r = scoreFile({ name: files[k].name, scores: best.candidate.scores[k], windows: files[k].windows }, best.threshold, costs, geometries[k]);
      raw += r.score;
      fp += r.fp;
      windows += scoredWindows(files[k]);
    }
    const nullRaw = -costs.fnWeight * windows;
    const perfectRaw = costs.tpWeight * windows;
    folds.push({ category, files: held.length, windows, candidate: best.candidate.name, threshold: best.threshold, raw, normalised: windows > 0 ? normalise(raw, nullRaw, perfectRaw) : null, fp });
    pooledRaw += raw;
    pooledWindows += windows;
  }
  const onAll = choose(files, files.map((_f, k) => k), candidates, profile);
  const scored = folds.filter((f) => f.normalised !== null);
  return {
    folds,
    foldMean: scored.reduce((s, f) => s + f.normalised!, 0) / scored.length,
    pooled: normalise(pooledRaw, -costs.fnWeight * pooledWindows, costs.tpWeight * pooledWindows),
    chosenOnAll: { candidate: onAll.candidate.name, threshold: onAll.threshold },
  };
}

/** The candidate and threshold that score best on the `train` files (the first candidate on a tie). */
function choose(files: CorpusFile[], train: number[], candidates: Candidate[], profile: Record<string, CostMatrix>): { candidate: Candidate; threshold: number } {
  let best = { candidate: candidates[0], threshold: Infinity, score: -Infinity };
  for (const c of candidates) {
    const trainFiles: ScorableFile[] = train.map((k) => ({ name: files[k].name, scores: c.scores[k], windows: files[k].windows }));
    const [r] = optimiseThresholds(trainFiles, profile);
    if (r.normalised > best.score) best = { candidate: c, threshold: r.threshold, score: r.normalised };
  }
  return best;
}
