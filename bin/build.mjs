#!/usr/bin/env node
// `npm run build [-- --out DIR]`: the compiled build. tsc (tsconfig.build.json) writes the
// JavaScript of every role into DIR (default dist/), mirroring the repository's folders, then the
// files the roles read at run time are copied beside it, so DIR runs on its own with `node
// DIR/bin/main.js ROLE` given a node_modules above it (the Docker image: DIR's content and the
// production packages in /app). No tests, benches or TypeScript go in. Plain JavaScript: it runs
// before anything is compiled.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What the roles read at run time besides their modules: folders copied whole, single files. */
export const BUILD_ASSETS = [
  'package.json', // the version, the module type, and how the code finds its root (common/project-root.ts)
  'schemas', // *.avsc, read beside schemas/index.js
  'devices/snmp-profiles', // the built-in SNMP profiles
  'devices/rules', // the built-in anomaly rules
  'infra/lab/icmp/tun_responder.py', // the lab's ICMP path responder
  'infra/python-requirements.txt', // the lab's snmpsim venv (its marker compares this file)
];

const { values } = parseArgs({ options: { out: { type: 'string', default: join(root, 'dist') } }, strict: true });
const out = resolve(values.out);
const started = Date.now();
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', out], { cwd: root, stdio: 'inherit' });
for (const asset of BUILD_ASSETS) {
  const from = join(root, asset);
  // Folders of modules (schemas) take only their non-TypeScript files: the modules are compiled.
  cpSync(from, join(out, asset), { recursive: true, filter: (f) => !f.endsWith('.ts') });
}
// The dashboard, when built (the Docker build stage builds it first; API_UI_DIR points at it).
if (existsSync(join(root, 'ui', 'dist', 'index.html'))) cpSync(join(root, 'ui', 'dist'), join(out, 'ui', 'dist'), { recursive: true });
const files = readdirSync(out, { recursive: true }).length;
process.stderr.write(`build: ${out} (${files} files) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
