// NAB-compatible scoring, written from NAB's published description (see ../../../shared/nab/README.md):
// probationary period, anomaly windows, sigmoid-weighted true positives (earlier is worth more,
// one per window), sigmoid-weighted false positives (cheap just after a window, full cost far
// from it), missed windows, normalisation against the null and perfect detectors, and a corpus-wide
// threshold chosen per profile by an exact sweep over every distinct anomaly score.
import { probationRows, type IndexWindow } from './corpus.js';

export interface CostMatrix {
  tpWeight: number;
  fnWeight: number;
  fpWeight: number;
  tnWeight: number;
}

export interface ScorableFile {
  name: string;
  scores: ArrayLike<number>; // anomaly score per row
  windows: IndexWindow[]; // sorted, non-overlapping
}

export interface FileResult {
  name: string;
  threshold: number;
  score: number;
  tp: number;
  tn: number;
  fp: number;
  fn: number;
  total: number;
}

/** f(y) = 2·sigmoid(-5y) - 1, taken as -1 beyond 3 (NAB's "scaled sigmoid"). */
export function scaledSigmoid(y: number): number {
  if (y > 3) return -1;
  return 2 / (1 + Math.exp(5 * y)) - 1;
}

const leftEdgeWorth = scaledSigmoid(-1);

/**
 * Per-row facts that do not depend on threshold or profile: which window a row is in (-1 when
 * outside), what a detection there is worth per unit of A_tp (inside) or of A_fp (outside).
 */
export interface RowGeometry {
  probation: number;
  windowOf: Int32Array;
  unitWorth: Float64Array;
}

export function rowGeometry(rows: number, windows: IndexWindow[]): RowGeometry {
  const probation = probationRows(rows);
  const windowOf = new Int32Array(rows).fill(-1);
  const unitWorth = new Float64Array(rows);
  let previous: IndexWindow | undefined;
  let next = 0;
  for (let i = 0; i < rows; i++) {
    while (next < windows.length && windows[next].right < i) previous = windows[next++];
    const w = next < windows.length && windows[next].left <= i ? windows[next] : undefined;
    if (w) {
      const width = w.right - w.left + 1;
      windowOf[i] = next;
      unitWorth[i] = scaledSigmoid(-(w.right - i + 1) / width) / leftEdgeWorth;
    } else if (previous) {
      const width = previous.right - previous.left + 1;
      unitWorth[i] = scaledSigmoid(Math.abs(i - previous.right) / (width - 1));
    } else {
      unitWorth[i] = -1;
    }
  }
  return { probation, windowOf, unitWorth };
}

/** The score of one file at one threshold, with NAB's row counts (TP/TN/FP/FN are rows, not windows). */
export function scoreFile(file: ScorableFile, threshold: number, costs: CostMatrix, geometry = rowGeometry(file.scores.length, file.windows)): FileResult {
  const { probation, windowOf, unitWorth } = geometry;
  const best = new Float64Array(file.windows.length).fill(Number.NaN);
  let tp = 0, tn = 0, fp = 0, fn = 0, fpSum = 0;
  for (let i = probation; i < file.scores.length; i++) {
    const detected = file.scores[i] >= threshold;
    const w = windowOf[i];
    if (w >= 0) {
      if (!detected) { fn++; continue; }
      tp++;
      if (Number.isNaN(best[w])) best[w] = unitWorth[i];
    } else if (detected) {
      fp++;
      fpSum += costs.fpWeight * unitWorth[i];
    } else tn++;
  }
  let score = fpSum;
  for (let w = 0; w < best.length; w++) {
    // A window wholly inside the probationary period is not scored at all.
    if (file.windows[w].right < probation) continue;
    score += Number.isNaN(best[w]) ? -costs.fnWeight : costs.tpWeight * best[w];
  }
  return { name: file.name, threshold, score, tp, tn, fp, fn, total: file.scores.length };
}

export interface ProfileResult {
  profile: string;
  threshold: number;
  raw: number;
  nullRaw: number;
  perfectRaw: number;
  normalised: number;
}

export function normalise(raw: number, nullRaw: number, perfectRaw: number): number {
  return (100 * (raw - nullRaw)) / (perfectRaw - nullRaw);
}

/** The corpus score at one fixed threshold (the product's openScore), normalised like optimiseThresholds'. */
export function scoreAtThreshold(files: ScorableFile[], threshold: number, costs: CostMatrix): { normalised: number; windows: number; detected: number; fpRows: number } {
  let raw = 0;
  let windows = 0;
  let detected = 0;
  let fpRows = 0;
  for (const f of files) {
    const geometry = rowGeometry(f.scores.length, f.windows);
    const r = scoreFile(f, threshold, costs, geometry);
    raw += r.score;
    fpRows += r.fp;
    for (let w = 0; w < f.windows.length; w++) {
      const win = f.windows[w];
      if (win.right < geometry.probation) continue;
      windows++;
      for (let i = Math.max(win.left, geometry.probation); i <= win.right; i++) {
        if (f.scores[i] >= threshold) {
          detected++;
          break;
        }
      }
    }
  }
  return { normalised: normalise(raw, -costs.fnWeight * windows, costs.tpWeight * windows), windows, detected, fpRows };
}

/**
 * Exact threshold sweep: rows of every file are taken in decreasing score order (ties together),
 * and the corpus score is updated incrementally, so every distinct score is tried as a threshold
 * in O(N log N). Returns, per profile, the threshold with the highest corpus score (the highest
 * such threshold when several tie).
 */
export function optimiseThresholds(files: ScorableFile[], profiles: Record<string, CostMatrix>): ProfileResult[] {
  const names = Object.keys(profiles);
  const costs = names.map((n) => profiles[n]);
  let rows = 0;
  let windowCount = 0;
  const geometries = files.map((f) => rowGeometry(f.scores.length, f.windows));
  const windowBase: number[] = [];
  files.forEach((f, k) => {
    rows += f.scores.length - geometries[k].probation;
    windowBase.push(windowCount);
    windowCount += f.windows.filter((w) => w.right >= geometries[k].probation).length;
  });
  const scoreOf = new Float64Array(rows);
  const fileOf = new Int32Array(rows);
  const rowOf = new Int32Array(rows);
  let n = 0;
  files.forEach((f, k) => {
    for (let i = geometries[k].probation; i < f.scores.length; i++) {
      scoreOf[n] = f.scores[i]; fileOf[n] = k; rowOf[n] = i; n++;
    }
  });
  const order = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  order.sort((a, b) => scoreOf[b] - scoreOf[a]);

  const nullRaw = costs.map((c) => -c.fnWeight * windowCount);
  const perfectRaw = costs.map((c) => c.tpWeight * windowCount);
  const totals = nullRaw.slice();
  const best = names.map((_, p) => ({ raw: nullRaw[p], threshold: Number.POSITIVE_INFINITY }));
  const earliest = new Float64Array(windowCount).fill(Number.NaN); // worth of the window's best detection
  for (let g = 0; g < rows; ) {
    const threshold = scoreOf[order[g]];
    while (g < rows && scoreOf[order[g]] === threshold) {
      const k = fileOf[order[g]];
      const i = rowOf[order[g]];
      const geo = geometries[k];
      const w = geo.windowOf[i];
      const worth = geo.unitWorth[i];
      if (w >= 0) {
        const slot = windowBase[k] + w;
        const before = earliest[slot];
        if (Number.isNaN(before)) {
          earliest[slot] = worth;
          for (let p = 0; p < costs.length; p++) totals[p] += costs[p].tpWeight * worth + costs[p].fnWeight;
        } else if (worth > before) {
          earliest[slot] = worth;
          for (let p = 0; p < costs.length; p++) totals[p] += costs[p].tpWeight * (worth - before);
        }
      } else {
        for (let p = 0; p < costs.length; p++) totals[p] += costs[p].fpWeight * worth;
      }
      g++;
    }
    for (let p = 0; p < costs.length; p++) {
      if (totals[p] > best[p].raw) best[p] = { raw: totals[p], threshold };
    }
  }
  return names.map((profile, p) => ({
    profile,
    threshold: best[p].threshold,
    raw: best[p].raw,
    nullRaw: nullRaw[p],
    perfectRaw: perfectRaw[p],
    normalised: normalise(best[p].raw, nullRaw[p], perfectRaw[p]),
  }));
}

/** NAB's profiles.json: `{ name: { CostMatrix: {...} } }` → `{ name: CostMatrix }`. */
export function readProfiles(json: Record<string, { CostMatrix: CostMatrix }>): Record<string, CostMatrix> {
  const out: Record<string, CostMatrix> = {};
  for (const [name, p] of Object.entries(json)) out[name] = p.CostMatrix;
  return out;
}
