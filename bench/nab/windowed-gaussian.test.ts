// Our windowed-Gaussian implementation against NAB's published outputs (six files).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corpusMissing, nabDefaults, profilesFixture } from './paths.js';
import { readReferenceOutput, readReferenceRows } from './reference.js';
import { erfc, windowedGaussianScores } from './windowed-gaussian.js';
import { readFileSync } from 'node:fs';
import { readWindows, windowsToIndices } from './corpus.js';
import { readProfiles, scoreFile } from './scorer.js';

const profiles = readProfiles(JSON.parse(readFileSync(profilesFixture, 'utf8')));

test('erfc matches known values', () => {
  assert.ok(Math.abs(erfc(0) - 1) < 1e-15);
  assert.ok(Math.abs(erfc(1) - 0.157299207050285) < 1e-14);
  assert.ok(Math.abs(erfc(3) / 2.20904969985854e-5 - 1) < 1e-12);
  assert.ok(Math.abs(erfc(6) / 2.15197367124989e-17 - 1) < 1e-12);
});

test('reproduces the published anomaly scores to their printed precision', { timeout: 20_000, skip: corpusMissing }, () => {
  const windows = readWindows(nabDefaults.windows);
  let files = 0;
  for (const row of readReferenceRows(nabDefaults.reference)) {
    const ref = readReferenceOutput(nabDefaults.reference, row.name);
    if (!ref) continue;
    const ours = windowedGaussianScores(ref.values);
    let worst = 0;
    // NAB printed 12 significant digits: every row agrees to that precision (|Δ| < 5e-13 plus
    // float noise: a handful of rows sit exactly on a rounding boundary).
    for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - ref.scores[i]));
    assert.ok(worst < 6e-13, `${row.name}: max |Δ| ${worst}`);
    // Rounded as NAB wrote them, our scores give the published per-file row.
    const rounded = ours.map((x) => Number(x.toPrecision(12)));
    const result = scoreFile({ name: row.name, scores: rounded, windows: windowsToIndices(ref.timestamps, windows[row.name]) }, row.threshold, profiles.standard);
    assert.deepEqual([result.tp, result.tn, result.fp, result.fn], [row.tp, row.tn, row.fp, row.fn], row.name);
    assert.ok(Math.abs(result.score - row.score) < 1e-9, row.name);
    files++;
  }
  assert.equal(files, 6);
});
