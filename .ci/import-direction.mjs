#!/usr/bin/env node
// The import-direction check: dependencies flow one way. The stages (collectors, processors,
// sinks, api, ui) never import one another; what two of them share lives in a neutral module
// (streams, schemas, storage, devices, credentials, common) that imports no stage. Tooling (bin,
// infra, test, bench) wires the stages together and may import anything, and a test anywhere may
// import tooling (fixtures, the local stack). Prints each offending import as
// `file:line → target` and exits 1; exits 0 when there is none.
//
// Plain JavaScript with no dependency, so .ci/run can run it before `npm test` installs anything.
// Usage: node .ci/import-direction.mjs [ROOT]   (ROOT: the repository root, by default this one)
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const STAGES = ['collectors', 'processors', 'sinks', 'api', 'ui'];
export const SHARED = ['streams', 'schemas', 'storage', 'devices', 'credentials', 'common', 'alarms'];
const TOOLING = ['bin', 'infra', 'test', 'bench'];
const SOURCE = /\.(ts|tsx|mts|mjs|js)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist']);

// Static imports and re-exports (`from '…'`, possibly after a multi-line list), side-effect
// imports (`import '…'`) and dynamic imports with a literal (`import('…')`); relative ones only:
// the project has no path aliases, so a folder of it is only reached through `./` or `../`.
const SPECIFIER = /\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]|\bimport\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)|^\s*import\s*['"](\.{1,2}\/[^'"]+)['"]/gm;

function sourceFiles(dir, out = []) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out; // a folder this tree does not have
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) sourceFiles(p, out);
    } else if (SOURCE.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const topFolder = (rel) => rel.split(sep)[0];
const isTest = (file) => /\.test\.(ts|tsx|mts|mjs|js)$/.test(file);

/** Why `from` (a top folder) may not import `to`, or null when it may. */
function refusal(from, to, test) {
  if (from === to || SHARED.includes(to)) return null;
  if (test && TOOLING.includes(to)) return null;
  if (STAGES.includes(to)) return STAGES.includes(from) ? 'a stage imports another stage' : 'a shared module imports a stage';
  if (TOOLING.includes(to)) return 'production code imports tooling';
  return null; // outside the folders the rules name (a file at the root, package.json)
}

/** Every import that crosses the allowed directions under `root`, in file and line order. */
export function findViolations(root) {
  const found = [];
  for (const folder of [...STAGES, ...SHARED]) {
    for (const file of sourceFiles(join(root, folder))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(SPECIFIER)) {
        const spec = m[1] ?? m[2] ?? m[3];
        const target = relative(root, resolve(dirname(file), spec));
        if (target.startsWith('..')) continue; // outside the repository (bench data in ../shared)
        const why = refusal(folder, topFolder(target), isTest(file));
        if (!why) continue;
        const line = text.slice(0, m.index + m[0].indexOf(spec)).split('\n').length;
        found.push({ file: relative(root, file), line, target, why });
      }
    }
  }
  return found;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const found = findViolations(root);
  for (const v of found) process.stdout.write(`${v.file}:${v.line} → ${v.target} (${v.why})\n`);
  if (found.length > 0) {
    process.stdout.write(`import-direction: ${found.length} import(s) against the flow. Stages (${STAGES.join(', ')}) import only themselves and ${SHARED.join(', ')}; those import no stage. Move what two stages share into a shared module, test support under test/\n`);
    process.exit(1);
  }
  process.stdout.write('import-direction: every import flows one way\n');
}
