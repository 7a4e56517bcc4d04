import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossValidate, type CorpusFile } from './cross-validate.js';

const standard = { tpWeight: 1, fnWeight: 1, fpWeight: 0.11, tnWeight: 1 };
const rows = 200;
const window = { left: 100, right: 120 };

/** Scores that hit the window at its first row, or that never alarm. */
const hit = () => Float64Array.from({ length: rows }, (_, i) => (i === window.left ? 1 : 0));
const silent = () => new Float64Array(rows);

test('each held-out category is scored with the choice made on the others, never on itself', () => {
  const files: CorpusFile[] = ['a/1.csv', 'b/1.csv', 'c/1.csv', 'c/2.csv'].map((name) => ({ name, windows: [window], rows }));
  // X finds the anomalies of a and b, Y only those of c: a choice made on c would pick Y for c.
  const candidates = [
    { name: 'X', scores: [hit(), hit(), silent(), silent()] },
    { name: 'Y', scores: [silent(), silent(), hit(), hit()] },
  ];
  const cv = crossValidate(files, candidates, standard);
  const fold = Object.fromEntries(cv.folds.map((f) => [f.category, f]));
  assert.equal(fold.c.candidate, 'X', 'chosen on a and b');
  assert.equal(fold.c.normalised, 0, 'X misses both windows of c: the null score');
  assert.equal(fold.a.candidate, 'Y', 'chosen on b and c (Y finds two windows there, X one)');
  assert.equal(fold.a.normalised, 0);
  // Pooled: 4 windows, all missed by the choice made without them.
  assert.equal(cv.pooled, 0);
  assert.equal(cv.chosenOnAll.candidate, 'X', 'on all files each finds two windows: the first on a tie');
});
