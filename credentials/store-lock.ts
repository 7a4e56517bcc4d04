// The credential store's write lock: <store>.lock, created with O_CREAT|O_EXCL, held for the few
// milliseconds a write takes (read the file, change entries, write a temporary file, rename). Every
// writer (the `credentials` CLI, the API's admin mutations, the lab, `credentials import-labels`)
// takes it, so no writer rewrites the file from a snapshot another one has already replaced.
//
// The lock file holds { host, pid, token, at }. A lock is stale when its holder is a dead process
// of this host, or when it is older than staleMs: a write takes milliseconds, so a lock that old
// belongs to a writer that died on another host or container sharing the volume (where its pid
// means nothing here). infra/file-lock.ts does not fit: it judges only by pid (a live writer in
// another pid namespace would look dead and lose its lock) and unlinks whatever lock is there
// when it breaks one. Here a stale lock is first renamed away, then checked to be the one judged
// stale; a fresh lock moved by mistake (another writer broke the stale one and took the lock in
// between) is linked back.

import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { CredentialError } from './credential-types.js';

export const STORE_LOCK_DEFAULTS = {
  timeoutMs: 10_000, // longest wait for another writer
  staleMs: 30_000, // a lock older than this is a dead writer's
  retryMs: 5, // first wait between attempts, doubled up to 100 ms, with jitter
};

interface LockOwner {
  host: string;
  pid: number;
  token: string;
  at: number;
}

function readOwner(file: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
    return typeof o?.token === 'string' && typeof o.at === 'number' ? o : null;
  } catch {
    return null; // gone, or between create and write
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function stale(owner: LockOwner, now: number, staleMs: number): boolean {
  if (now - owner.at > staleMs) return true;
  return owner.host === hostname() && owner.pid !== process.pid && !alive(owner.pid);
}

function tryCreate(lockFile: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(lockFile, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, JSON.stringify(owner));
  } finally {
    closeSync(fd);
  }
  return true;
}

/** A lock file left empty (its writer died between create and write) for longer than staleMs. */
function emptyAndOld(lockFile: string, staleMs: number): boolean {
  try {
    return Date.now() - statSync(lockFile).mtimeMs > staleMs;
  } catch {
    return false; // gone: the next attempt creates it
  }
}

/** Moves a lock judged stale out of the way, unless it turns out to be a fresh one. */
function breakStale(lockFile: string, judged: LockOwner): void {
  const aside = `${lockFile}.${randomBytes(6).toString('hex')}.stale`;
  try {
    renameSync(lockFile, aside);
  } catch {
    return; // someone else broke it first
  }
  const moved = readOwner(aside);
  if (moved && moved.token !== judged.token) {
    try {
      linkSync(aside, lockFile); // a live writer's lock: put it back
    } catch {
      // another writer made a lock meanwhile; the live one we moved finishes its write unaware
    }
  }
  rmSync(aside, { force: true });
}

/** Runs fn holding the store's lock; CREDENTIAL_STORE_LOCKED (canRetry) after timeoutMs. */
export async function withStoreLock<T>(storeFile: string, fn: () => T, opts: Partial<typeof STORE_LOCK_DEFAULTS> = {}): Promise<T> {
  const { timeoutMs, staleMs, retryMs } = { ...STORE_LOCK_DEFAULTS, ...opts };
  const lockFile = `${storeFile}.lock`;
  const me: LockOwner = { host: hostname(), pid: process.pid, token: randomBytes(12).toString('hex'), at: Date.now() };
  const deadline = Date.now() + timeoutMs;
  let wait = retryMs;
  for (;;) {
    me.at = Date.now();
    if (tryCreate(lockFile, me)) break;
    const owner = readOwner(lockFile);
    if (owner ? stale(owner, Date.now(), staleMs) : emptyAndOld(lockFile, staleMs)) {
      breakStale(lockFile, owner ?? { host: '', pid: 0, token: '', at: 0 });
      continue;
    }
    if (Date.now() > deadline) {
      const holder = owner ? `pid ${owner.pid} on ${owner.host}` : 'a writer';
      throw new CredentialError('CREDENTIAL_STORE_LOCKED', `credential store ${storeFile} is locked by ${holder} for more than ${timeoutMs} ms (${lockFile})`, true);
    }
    await sleep(wait * (0.5 + Math.random()));
    wait = Math.min(wait * 2, 100);
  }
  try {
    return fn();
  } finally {
    if (readOwner(lockFile)?.token === me.token) rmSync(lockFile, { force: true });
  }
}
