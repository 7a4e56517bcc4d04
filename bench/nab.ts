// `npm run bench -- nab [--data DIR] [--windows FILE] [--out DIR] [--cv]`: runs the production
// detector (processors/detect), unchanged, over every series of a NAB-layout corpus as a stream,
// scores it with the project's NAB scorer (threshold optimised per profile over the corpus, as NAB
// does) and prints it next to NAB's windowed-Gaussian detector scored by the same scorer on the
// same files. --cv adds leave-one-category-out cross-validation (nab/cross-validate.ts): the
// figure for data the parameters and threshold were not chosen on.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { BenchContext } from './run.js';
import { listSeries, readSeries, readWindows, windowsToIndices, type NabSeries } from './nab/corpus.js';
import { nabDefaults } from './nab/paths.js';
import { runDetector } from './nab/run-detector.js';
import { optimiseThresholds, readProfiles, scoreAtThreshold, type CostMatrix, type ProfileResult, type ScorableFile } from './nab/scorer.js';
import { lifecycleDefaults } from '../processors/anomaly/settings.js';
import { crossValidate, type CrossValidation } from './nab/cross-validate.js';
import { cvCandidates } from './nab/cv-candidates.js';
import { windowedGaussianScores } from './nab/windowed-gaussian.js';
import { OpsError } from '../common/errors.js';

export const needsStack = false;

interface NabOptions {
  data: string;
  windows: string;
  out?: string;
  cv: boolean;
}

function parseArgs(args: string[]): NabOptions {
  const opts: NabOptions = { data: nabDefaults.data, windows: nabDefaults.windows, cv: false };
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1];
    const need = () => {
      if (value === undefined) throw new OpsError('CONFIG_INVALID', `bench nab: ${args[i]} needs a value`);
      i++;
      return resolve(value);
    };
    if (args[i] === '--data') opts.data = need();
    else if (args[i] === '--windows') opts.windows = need();
    else if (args[i] === '--out') opts.out = need();
    else if (args[i] === '--cv') opts.cv = true;
    else throw new OpsError('CONFIG_UNKNOWN_KEY', `bench nab: unknown option ${args[i]} (use --data DIR, --windows FILE, --out DIR, --cv)`);
  }
  return opts;
}

/** NAB reads detector outputs back from CSVs written with 12 significant digits; so do we. */
function asNabWrote(x: number): number {
  return Number(x.toPrecision(12));
}

function writeResults(dir: string, series: NabSeries, scores: Float64Array): void {
  const path = join(dir, series.name);
  mkdirSync(dirname(path), { recursive: true });
  const lines = ['timestamp,value,anomaly_score'];
  for (let i = 0; i < scores.length; i++) lines.push(`${series.timestampsText[i]},${series.values[i]},${asNabWrote(scores[i])}`);
  writeFileSync(path, lines.join('\n') + '\n');
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const opts = parseArgs(ctx.args);
  const profiles = readProfiles(JSON.parse(readFileSync(nabDefaults.profiles, 'utf8')));
  const windows = readWindows(opts.windows);
  const ours: ScorableFile[] = [];
  const reference: ScorableFile[] = [];
  let points = 0;
  let cpuMicros = 0;
  const names = listSeries(opts.data);
  const corpus: NabSeries[] = [];
  for (const name of names) {
    const series = readSeries(opts.data, name);
    corpus.push(series);
    const fileWindows = windowsToIndices(series.timestamps, windows[name] ?? []);
    const result = runDetector(series);
    points += series.values.length;
    cpuMicros += result.cpuMicros;
    ours.push({ name, scores: result.scores, windows: fileWindows });
    reference.push({ name, scores: windowedGaussianScores(series.values).map(asNabWrote), windows: fileWindows });
    if (opts.out) writeResults(opts.out, series, result.scores);
  }
  const oursBy = byProfile(optimiseThresholds(ours, profiles));
  const refBy = byProfile(optimiseThresholds(reference, profiles));
  const windowCount = ours.reduce((n, f) => n + f.windows.length, 0);
  const pointsPerCpuSecond = Math.round(points / (cpuMicros / 1e6));

  ctx.say(`NAB: ${names.length} files, ${windowCount} windows, ${points} points (${opts.data})`);
  ctx.say('profile              ours   threshold   windowed Gaussian   threshold');
  for (const profile of Object.keys(profiles)) {
    const o = oursBy[profile];
    const r = refBy[profile];
    ctx.say(`${profile.padEnd(20)} ${o.normalised.toFixed(1).padStart(5)}   ${o.threshold.toFixed(4).padStart(9)}   ${r.normalised.toFixed(1).padStart(17)}   ${r.threshold.toFixed(4).padStart(9)}`);
  }
  // NAB optimises the threshold per profile; the product opens an anomaly at one fixed score.
  // What the shipped threshold scores, beside what the optimised one does, says what it costs.
  const shipped = lifecycleDefaults.openScore;
  const atShipped = Object.fromEntries(Object.keys(profiles).map((p) => [p, scoreAtThreshold(ours, shipped, profiles[p])]));
  const atBest = scoreAtThreshold(ours, oursBy.standard.threshold, profiles.standard);
  const s = atShipped.standard;
  ctx.say(`at the product's openScore ${shipped}: standard ${s.normalised.toFixed(1)}, low FP ${atShipped.reward_low_FP_rate.normalised.toFixed(1)}, low FN ${atShipped.reward_low_FN_rate.normalised.toFixed(1)}; windows detected ${s.detected}/${s.windows}, false-positive rows ${s.fpRows}`);
  ctx.say(`at the standard profile's optimised ${oursBy.standard.threshold.toFixed(4)}: windows detected ${atBest.detected}/${atBest.windows}, false-positive rows ${atBest.fpRows}`);
  ctx.say(`detector: ${pointsPerCpuSecond} points/s per core (CPU time of the detector loop)`);
  if (opts.out) ctx.say(`scores written under ${opts.out}/<category>/<file>.csv`);
  const round = (x: number) => Math.round(x * 100) / 100;
  const cv = opts.cv ? crossValidation(ctx, corpus, ours, profiles.standard) : undefined;
  return {
    standard: round(oursBy.standard.normalised),
    ...(cv ? { cv_standard: round(cv.pooled), cv_fold_mean: round(cv.foldMean) } : {}),
    low_fp: round(oursBy.reward_low_FP_rate.normalised),
    low_fn: round(oursBy.reward_low_FN_rate.normalised),
    reference_standard: round(refBy.standard.normalised),
    open_score: shipped,
    standard_at_open_score: round(s.normalised),
    low_fp_at_open_score: round(atShipped.reward_low_FP_rate.normalised),
    fp_rows_at_open_score: s.fpRows,
    fp_rows_at_optimised: atBest.fpRows,
    points_s_per_core: pointsPerCpuSecond,
  };
}

function crossValidation(ctx: BenchContext, corpus: NabSeries[], files: ScorableFile[], costs: CostMatrix): CrossValidation {
  const candidates = cvCandidates().map((c) => ({ name: c.name, scores: corpus.map((series) => runDetector(series, c.settings).scores) }));
  const cv = crossValidate(files.map((f, k) => ({ name: f.name, windows: f.windows, rows: corpus[k].values.length })), candidates, costs);
  ctx.say(`leave-one-category-out cross-validation (standard profile), ${candidates.length} candidate parameter sets:`);
  ctx.say('held-out category        files windows   score    FP rows  threshold  parameters chosen on the other four');
  for (const f of cv.folds) {
    const score = f.normalised === null ? `raw ${f.raw.toFixed(2)}` : f.normalised.toFixed(1);
    ctx.say(`${f.category.padEnd(24)} ${String(f.files).padStart(5)} ${String(f.windows).padStart(7)} ${score.padStart(9)} ${String(f.fp).padStart(8)}  ${f.threshold.toFixed(4).padStart(9)}  ${f.candidate}`);
  }
  ctx.say(`cv mean of the folds with windows ${cv.foldMean.toFixed(1)}; pooled (every held-out output as one corpus, as standard) ${cv.pooled.toFixed(1)}`);
  ctx.say(`the same choice on all five categories: ${cv.chosenOnAll.candidate}, threshold ${cv.chosenOnAll.threshold.toFixed(4)} (the product ships "shipped")`);
  return cv;
}

function byProfile(results: ProfileResult[]): Record<string, ProfileResult> {
  return Object.fromEntries(results.map((r) => [r.profile, r]));
}
