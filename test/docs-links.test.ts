// The user documentation holds together: README.md is short and lists every docs/ page in its
// Documentation table, and every relative link in README.md, docs/*.md and bench/README.md points
// at a file that exists (sections move between pages; a link left behind would send users nowhere).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { projectRoot } from '../infra/supervisor.js';

const docPages = readdirSync(join(projectRoot, 'docs')).filter((f) => f.endsWith('.md'));
const checkedFiles = ['README.md', 'bench/README.md', ...docPages.map((f) => `docs/${f}`)];

/** Link targets `](target)` outside fenced code blocks, without their `#anchor`. */
function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1] ?? '')
    .filter((target) => !/^[a-z]+:/i.test(target) && !target.startsWith('#'))
    .map((target) => target.replace(/#.*$/, ''));
}

test('every relative link in README.md, docs/ and bench/README.md names an existing file', () => {
  const broken: string[] = [];
  for (const file of checkedFiles) {
    for (const target of relativeLinks(readFileSync(join(projectRoot, file), 'utf8'))) {
      if (!existsSync(join(projectRoot, dirname(file), target))) broken.push(`${file} → ${target}`);
    }
  }
  assert.deepEqual(broken, []);
});

test("README.md's Documentation table links every docs/ page", () => {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  const table = readme.split(/^## Documentation$/m)[1] ?? '';
  const missing = docPages.filter((page) => !table.includes(`](docs/${page})`));
  assert.deepEqual(missing, []);
});

test('README.md stays a short page for users (deeper text belongs under docs/)', () => {
  const lines = readFileSync(join(projectRoot, 'README.md'), 'utf8').split('\n').length;
  assert.ok(lines <= 300, `README.md has ${lines} lines; move detail to a docs/ page`);
});
