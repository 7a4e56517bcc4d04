// Builds the dashboard with Vite when ui/dist is missing or older than its sources, so a second
// `npm start` does not pay for a rebuild.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './supervisor.js';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export function ensureUiBuilt(log: (msg: string) => void): string {
  const ui = join(projectRoot, 'ui');
  const index = join(ui, 'dist', 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(ui)) return join(ui, 'dist');
  log('building the dashboard (vite build)');
  execFileSync(process.execPath, [join(projectRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(ui, 'vite.config.ts'), '--logLevel', 'warn'], {
    cwd: projectRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return join(ui, 'dist');
}
