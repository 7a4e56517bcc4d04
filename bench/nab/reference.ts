// The published windowed-Gaussian outputs shipped with the corpus (six files) and its per-file
// standard-profile rows, used to prove the scorer and our windowed-Gaussian implementation.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNabTime, readCsvColumns } from './corpus.js';
import type { FileResult } from './scorer.js';

/** A row of NAB's published per-file scores: the same fields as the scorer's own result. */
export type ReferenceRow = FileResult;

export function readReferenceRows(referenceDir: string): ReferenceRow[] {
  const lines = readFileSync(join(referenceDir, 'windowedGaussian_standard_scores.csv'), 'utf8').trim().split(/\r?\n/);
  return lines.slice(1).map((line) => {
    const c = line.split(',');
    return { name: c[2], threshold: +c[3], score: +c[4], tp: +c[5], tn: +c[6], fp: +c[7], fn: +c[8], total: +c[9] };
  });
}

export interface ReferenceOutput {
  name: string;
  timestamps: Float64Array;
  values: Float64Array;
  scores: Float64Array;
}

/** Reads `<category>/windowedGaussian_<file>.csv` when it is one of the published ones. */
export function readReferenceOutput(referenceDir: string, name: string): ReferenceOutput | undefined {
  const [category, file] = name.split('/');
  const path = join(referenceDir, category, `windowedGaussian_${file}`);
  if (!existsSync(path)) return undefined;
  const { timestampsText, columns } = readCsvColumns(readFileSync(path, 'utf8'), ['value', 'anomaly_score']);
  return { name, timestamps: Float64Array.from(timestampsText, parseNabTime), values: columns[0], scores: columns[1] };
}
