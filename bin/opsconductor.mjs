#!/usr/bin/env node
// Entry point of every role. Plain JavaScript on purpose: on a fresh clone it runs before any
// npm package exists, installs them (the versions in package-lock.json), then hands over to the
// TypeScript CLI through tsx.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function ensureNodeModules() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(join(root, 'node_modules', 'tsx')) && existsSync(marker)) return;
  process.stderr.write('opsconductor: installing npm packages…\n');
  // Not `npm ci`: npm 11 rejects its own lock file there when platform-specific optional packages
  // (rollup's, esbuild's) are filtered out. `npm install --no-save` installs the locked versions
  // and leaves package.json and the lock file untouched.
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}

ensureNodeModules();
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('./cli.ts');
await main(process.argv.slice(2));
