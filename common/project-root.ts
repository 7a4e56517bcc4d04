// Where the project's files are, found rather than assumed. In a checkout the code runs as
// TypeScript (through tsx) from the repository; in the compiled build (bin/build.mjs) it runs as
// JavaScript from the folder the build was written to, which holds its own package.json and the
// assets beside the modules. Nothing counts how many folders deep a module sits.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'opsconductor-telemetry';

/** True when this code runs as the compiled build's JavaScript, not as TypeScript through tsx. */
export const COMPILED = import.meta.url.endsWith('.js');

/** The nearest folder at or above `from` whose package.json is this project's. */
export function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
    } catch {
      // no package.json here, or not ours: look further up
    }
    if (dirname(dir) === dir) throw new Error(`no package.json named ${PACKAGE_NAME} in ${from} or any folder above it: run from a checkout or a complete build (bin/build.mjs)`);
  }
}

export const projectRoot = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

/** A module next to `base` (an import.meta.url), named without extension, in the form that runs
 * here: `.js` in the compiled build, `.ts` in a checkout (for worker threads and child processes,
 * which take a file, not an import). */
export function siblingModule(name: string, base: string): URL {
  return new URL(`./${name}${COMPILED ? '.js' : '.ts'}`, base);
}
