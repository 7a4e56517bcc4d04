// The scorer reproduces NAB's published per-file rows of the windowed-Gaussian detector from the
// published anomaly scores (the six files whose outputs ship with the corpus).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readWindows, windowsToIndices } from './corpus.js';
import { corpusMissing, nabDefaults, profilesFixture } from './paths.js';
import { readReferenceOutput, readReferenceRows } from './reference.js';
import { optimiseThresholds, readProfiles, scaledSigmoid, scoreAtThreshold, scoreFile } from './scorer.js';

const profiles = readProfiles(JSON.parse(readFileSync(profilesFixture, 'utf8')));

test('reproduces the reference per-file rows (threshold, score, TP, TN, FP, FN)', { timeout: 20_000, skip: corpusMissing }, () => {
  const windows = readWindows(nabDefaults.windows);
  let checked = 0;
  for (const row of readReferenceRows(nabDefaults.reference)) {
    const out = readReferenceOutput(nabDefaults.reference, row.name);
    if (!out) continue;
    const result = scoreFile({ name: row.name, scores: out.scores, windows: windowsToIndices(out.timestamps, windows[row.name]) }, row.threshold, profiles.standard);
    assert.equal(result.total, row.total, row.name);
    assert.deepEqual([result.tp, result.tn, result.fp, result.fn], [row.tp, row.tn, row.fp, row.fn], row.name);
    assert.ok(Math.abs(result.score - row.score) < 1e-9, `${row.name}: score ${result.score} vs ${row.score}`);
    checked++;
  }
  assert.equal(checked, 6);
});

test('sigmoid weights: left edge worth A_tp, far false positives worth -A_fp', () => {
  assert.ok(Math.abs(scaledSigmoid(0)) < 1e-12);
  assert.equal(scaledSigmoid(3.5), -1);
  const file = { name: 'toy', scores: new Array(100).fill(0), windows: [{ left: 40, right: 49 }] };
  file.scores[40] = 1; // left edge
  assert.ok(Math.abs(scoreFile(file, 1, profiles.standard).score - 1) < 1e-12);
  file.scores[99] = 1; // 50 rows after a 10-row window: beyond 3 widths → full cost
  assert.ok(Math.abs(scoreFile(file, 1, profiles.standard).score - (1 - 0.11)) < 1e-12);
});

test('the sweep finds the threshold a brute-force search finds', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const files = [0, 1, 2].map((k) => {
    const scores = Array.from({ length: 400 }, () => Math.round(rand() * 50) / 50);
    return { name: `f${k}`, scores, windows: [{ left: 100 + k * 30, right: 139 + k * 30 }, { left: 300, right: 339 }] };
  });
  for (const result of optimiseThresholds(files, profiles)) {
    const costs = profiles[result.profile];
    let bestRaw = -Infinity;
    for (const t of new Set(files.flatMap((f) => f.scores))) {
      const raw = files.reduce((s, f) => s + scoreFile(f, t, costs).score, 0);
      bestRaw = Math.max(bestRaw, raw);
    }
    assert.ok(Math.abs(result.raw - bestRaw) < 1e-9, `${result.profile}: ${result.raw} vs ${bestRaw}`);
  }
});

test('a fixed threshold (the product\'s openScore) scores as the sweep does at that threshold, and counts windows found and FP rows', () => {
  let seed = 11;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const files = [0, 1].map((k) => {
    const scores = Array.from({ length: 400 }, () => Math.round(rand() * 50) / 50);
    return { name: `f${k}`, scores, windows: [{ left: 120 + k * 30, right: 159 + k * 30 }] };
  });
  for (const result of optimiseThresholds(files, profiles)) {
    const fixed = scoreAtThreshold(files, result.threshold, profiles[result.profile]);
    assert.ok(Math.abs(fixed.normalised - result.normalised) < 1e-9, `${result.profile}: ${fixed.normalised} vs ${result.normalised}`);
  }
  const quiet = { name: 'q', scores: new Array(400).fill(0), windows: [{ left: 200, right: 239 }] };
  quiet.scores[210] = 0.9;
  quiet.scores[390] = 0.6;
  quiet.scores[391] = 0.4;
  const at = scoreAtThreshold([quiet], 0.5, profiles.standard);
  assert.deepEqual([at.detected, at.windows, at.fpRows], [1, 1, 1]);
  assert.deepEqual([scoreAtThreshold([quiet], 0.95, profiles.standard).detected, scoreAtThreshold([quiet], 0.3, profiles.standard).fpRows], [0, 2]);
});
