// An exclusive lock file holding the owner's pid, for steps that must not run twice at once
// across processes (installing packages, starting a profile). A lock whose pid is dead is stale
// and taken over.

import { readFileSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfraError } from './errors.js';
import { isAlive } from './proc.js';

/** Runs fn while holding an exclusive lock file; a lock left by a dead process is taken over. */
export async function withFileLock<T>(path: string, what: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readOrEmpty(path).trim());
      if (!holder || !isAlive(holder)) {
        // Written-but-empty means the holder is between open and write: give it a moment.
        if (holder || Date.now() - statMtime(path) > 2_000) safeUnlink(path);
      } else if (Date.now() > deadline) {
        throw new InfraError('LOCK_TIMEOUT', `${what}: still locked by pid ${holder} after ${timeoutMs} ms (${path})`, {
          canRetry: true,
        });
      }
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    safeUnlink(path);
  }
}

function statMtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function safeUnlink(path: string): void {
  rmSync(path, { force: true });
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
