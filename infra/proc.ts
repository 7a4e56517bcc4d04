// Child processes of the local stack: each service runs in its own process group (so a stop
// reaches the postmaster's backends too), writes stdout/stderr to a log file, and gets a parent
// death signal through util-linux `setpriv` so that even a SIGKILLed parent (a test runner's
// timeout) does not leave servers behind. Stale runs are detected by the folder a process
// works in (cwd) or names on its command line, so a recycled pid is never killed by mistake.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../common/log.js';
import { InfraError } from './errors.js';

export interface ManagedProcess {
  name: string;
  pid: number;
  logFile: string;
  /** Size of logFile before this process started: what comes after is this run's output. */
  logOffset: number;
  child: ChildProcess;
  /** Signal that asks this service for a clean, quick shutdown (postgres: SIGINT = fast). */
  stopSignal: NodeJS.Signals;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isRunning(): boolean;
}

export interface StartProcessOptions {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  logFile: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  stopSignal?: NodeJS.Signals;
}

export function findOnPath(program: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter)) {
    const candidate = join(dir, program);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this folder
    }
  }
  return null;
}

const setprivPath = findOnPath('setpriv');

/** The command line that runs `command` with a parent death signal (util-linux setpriv, when
 * present): the process gets `signal` when the process that spawned it dies, however it died. */
export function withParentDeathSignal(command: string, args: string[], signal: NodeJS.Signals = 'SIGTERM'): [string, string[]] {
  return setprivPath ? [setprivPath, ['--pdeathsig', signal.replace(/^SIG/, ''), '--', command, ...args]] : [command, args];
}

export function startProcess(opts: StartProcessOptions): ManagedProcess {
  const stopSignal = opts.stopSignal ?? 'SIGTERM';
  const logOffset = fileSize(opts.logFile);
  const fd = openSync(opts.logFile, 'a');
  // setpriv runs after the uid switch (done by libuv before exec), so the death signal survives.
  const [command, args] = withParentDeathSignal(opts.command, opts.args, stopSignal);
  let child: ChildProcess;
  try {
    child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', fd, fd],
      detached: true, // own session and process group: Ctrl-C reaches the parent only, which stops us in order
      uid: opts.uid,
      gid: opts.gid,
    });
  } finally {
    closeSync(fd);
  }
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
    child.once('error', () => {
      done = true;
      resolve({ code: null, signal: null });
    });
  });
  if (child.pid === undefined) throw new InfraError('SERVICE_START_FAILED', `${opts.name}: could not spawn ${opts.command}`);
  trackProcess(child.pid, stopSignal);
  void exited.then(() => untrackProcess(child.pid!));
  return { name: opts.name, pid: child.pid, logFile: opts.logFile, logOffset, child, stopSignal, exited, isRunning: () => !done };
}

// Last resort when the parent exits without stop(): ask every live child to shut down.
const tracked = new Map<number, NodeJS.Signals>();
let exitHookInstalled = false;
function trackProcess(pid: number, signal: NodeJS.Signals): void {
  tracked.set(pid, signal);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [p, sig] of tracked) signalGroup(p, sig);
  });
}
function untrackProcess(pid: number): void {
  tracked.delete(pid);
}

/** Kills every tracked child group at once with SIGKILL (a second Ctrl-C while stopping). */
export function killAllTracked(): void {
  for (const pid of tracked.keys()) signalGroup(pid, 'SIGKILL');
}

export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal); // not a group leader (started by someone else)
      return true;
    } catch {
      return false;
    }
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie still answers kill(0); it has exited for our purposes.
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** Stops one child: its stop signal to the group, then SIGKILL after graceMs. */
export async function stopProcess(p: ManagedProcess, graceMs: number, logger: Logger): Promise<void> {
  if (!p.isRunning()) return;
  signalGroup(p.pid, p.stopSignal);
  if (!(await settlesWithin(p.exited, graceMs))) {
    logger.warn('process did not stop in time, killing its group', { service: p.name, pid: p.pid, graceMs });
    signalGroup(p.pid, 'SIGKILL');
    await p.exited;
  }
  // Backends of the group may outlive the leader by a moment; make sure they are gone too
  // (the group only: the leader's pid itself may already belong to someone else).
  try {
    process.kill(-p.pid, 'SIGKILL');
  } catch {
    // no member left
  }
}

/** True when the promise settles within ms; the timer never keeps the process alive. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Stops a process we did not start (stale run): same as stopProcess, polling /proc. */
export async function stopForeignProcess(pid: number, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  signalGroup(pid, signal);
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) signalGroup(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(50);
}

/** True when pid works in, or names on its command line, a path under `dir`. */
export function processBelongsTo(pid: number, dir: string): boolean {
  try {
    const cwd = readlinkSync(`/proc/${pid}/cwd`);
    if (cwd === dir || cwd.startsWith(dir + '/')) return true;
  } catch {
    // gone, or not ours to read
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((a) => a.includes(dir + '/') || a === dir);
  } catch {
    return false;
  }
}

/** True when one of `ancestors` is `pid`'s parent, grandparent, … (a service's own worker processes). */
export function descendsFrom(pid: number, ancestors: Set<number>): boolean {
  for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
    const m = /^PPid:\s+(\d+)/m.exec(safeRead(`/proc/${p}/status`));
    p = m ? Number(m[1]) : 0;
    if (ancestors.has(p)) return true;
  }
  return false;
}

/** Pids of live processes that belong to `dir`, leaving out this process and its ancestors. */
export function processesUnder(dir: string): number[] {
  const spared = new Set<number>([process.pid]);
  for (let pid = process.ppid; pid > 1 && !spared.has(pid); ) {
    spared.add(pid);
    const m = /^PPid:\s+(\d+)/m.exec(safeRead(`/proc/${pid}/status`));
    pid = m ? Number(m[1]) : 0;
  }
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (!spared.has(pid) && processBelongsTo(pid, dir) && isAlive(pid)) found.push(pid);
  }
  return found;
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export function isPortOpen(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const finish = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

export async function assertPortsFree(service: string, ports: number[]): Promise<void> {
  for (const port of ports) {
    if (await isPortOpen(port)) {
      throw new InfraError('PORT_IN_USE', `${service}: port 127.0.0.1:${port} is already in use by another process`, {
        canRetry: true,
      });
    }
  }
}

/** Last lines of a log file written after byte `since` (the size before this run), for errors. */
export function tailFile(path: string, lines = 15, since = 0): string {
  if (!existsSync(path)) return `(no log at ${path})`;
  const text = readFileSync(path).subarray(since).toString('utf8');
  const kept = text.split('\n').filter((l) => l.trim() !== '').slice(-lines);
  return kept.length > 0 ? kept.join('\n') : `(nothing new in ${path})`;
}

export function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Polls probe until it returns true; fails fast when failFast returns an error. */
export async function waitUntil(opts: {
  deadline: number;
  intervalMs: number;
  probe: () => Promise<boolean>;
  failFast?: () => Error | undefined;
}): Promise<boolean> {
  for (;;) {
    const fatal = opts.failFast?.();
    if (fatal) throw fatal;
    if (await opts.probe().catch(() => false)) return true;
    if (Date.now() >= opts.deadline) return false;
    await sleep(opts.intervalMs);
  }
}
