// Starts pipeline roles as child processes of a local orchestration (demo, tests, benches),
// each with its own environment and log file, waits until each reports ready, and stops them
// in reverse order. A child that dies before it is ready fails the start with its log's tail.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { withParentDeathSignal } from './proc.js';
import { servesMetrics } from '../common/settings.js';
import { COMPILED, projectRoot } from '../common/project-root.js';
import type { ScrapeTargets } from './scrape-targets.js';

export { projectRoot };
// The entry that runs here: the checkout's (installs packages, registers tsx) or the compiled build's.
const cli = COMPILED ? join(projectRoot, 'bin', 'main.js') : join(projectRoot, 'bin', 'opsconductor.mjs');
export const PROCESSOR_V8_FLAG = '--max-semi-space-size=32';

export interface RoleProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  opsPort: number;
  /** Sends SIGTERM and waits for exit (SIGKILL after the grace period). */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL, for crash tests. */
  kill(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** `port` when nothing listens on it, else any free port: a documented default where possible. */
export async function preferredPort(port: number): Promise<number> {
  const free = await new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
  return free ? port : freePort();
}

export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

/** Spawns `opsconductor <role> args…`; resolves once `ready` (default: its /readyz) answers. */
export async function startRole(opts: {
  name: string;
  role: string;
  args?: string[];
  env: Record<string, string>;
  logDir: string;
  ready?: (p: RoleProcess) => Promise<boolean>;
  timeoutMs?: number;
  /** Lists the role (when it serves /metrics) once it is ready, until it is stopped. A role that
   * dies (crash, kill) stays listed: Prometheus then sees it down, which is what it is. */
  scrapeTargets?: ScrapeTargets;
}): Promise<RoleProcess> {
  mkdirSync(opts.logDir, { recursive: true });
  const logFile = join(opts.logDir, `${opts.name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const opsPort = Number(opts.env.OPS_PORT ?? (await freePort()));
  // A role dies with the process that started it (a bench or test stopped by a signal, or killed,
  // left the lab running: it needs neither Kafka nor its parent, so nothing else ended it).
  // The processor allocates a decoded poll, ~35 samples and their outputs per reading: a 32 MiB
  // young generation cuts its CPU by ~10 % (bench/README.md, "processor").
  const v8Flags = opts.role === 'processor' ? [PROCESSOR_V8_FLAG] : [];
  const [command, args] = withParentDeathSignal(process.execPath, [...v8Flags, cli, opts.role, ...(opts.args ?? [])]);
  const child = spawn(command, args, {
    cwd: projectRoot,
    env: { ...process.env, ...opts.env, OPS_PORT: String(opsPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const proc: RoleProcess = {
    name: opts.name,
    child,
    logFile,
    opsPort,
    async stop(graceMs = 15_000) {
      opts.scrapeTargets?.delete(opts.name);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited(child);
      clearTimeout(timer);
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited(child);
    },
  };
  const ready = opts.ready ?? (async (p: RoleProcess) => (await fetch(`http://127.0.0.1:${p.opsPort}/readyz`).catch(() => null))?.ok === true);
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (await ready(proc).catch(() => false)) {
      if (servesMetrics(opts.role)) opts.scrapeTargets?.set(opts.name, opts.role, opts.env.OPS_HOST ?? process.env.OPS_HOST ?? '127.0.0.1', opsPort);
      return proc;
    }
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${opts.name} exited (${child.exitCode ?? child.signalCode}) before it was ready; log ${logFile}:\n${tail(logFile)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  await proc.stop(2_000);
  throw new Error(`${opts.name} was not ready within ${opts.timeoutMs ?? 60_000} ms; log ${logFile}:\n${tail(logFile)}`);
}

export async function stopAll(procs: RoleProcess[]): Promise<void> {
  for (const p of [...procs].reverse()) await p.stop();
}
