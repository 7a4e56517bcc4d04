// Crashes and restarts of the cluster profile's services (a Kafka node, PostgreSQL, Redis) for
// fault tests. infra/stack.ts starts them and lists their pids in .run/cluster/stack.json; a
// service is restarted here from what /proc says about its process (command line, folder, user,
// environment), so it comes back exactly as the stack started it, on the same data.
//
// The new process is detached and not tied to this process's life: a stack held by another
// process (hold-cluster.ts) stays whole after a test. When this process owns the stack, stopAll()
// stops the replacements (the stack's own stop() only knows the processes it started); after a
// crash, the next startStack() finds them by their folders and stops them.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findOnPath, isAlive, isPortOpen, signalGroup } from '../../infra/proc.js';
import { REDIS_DEFAULTS } from '../../infra/redis.js';

export type ServiceName = 'postgresql' | 'redis' | 'kafka-1' | 'kafka-2' | 'kafka-3';

interface ServiceProcess {
  pid: number;
  logFile: string;
  stopSignal: NodeJS.Signals;
}

interface Launch {
  argv: string[];
  cwd: string;
  uid: number;
  gid: number;
  env: NodeJS.ProcessEnv;
}

export const SERVICE_DEFAULTS = {
  exitWaitMs: 30_000, // a clean stop of PostgreSQL or a broker
  portWaitMs: 180_000, // until the restarted service listens again (a broker recovers every log after SIGKILL: 60 s seen on a loaded machine)
};

/** redis-server rewrites its process title, so its command line is rebuilt as infra/redis.ts writes it. */
function redisArgv(port: number, dir: string): string[] {
  return [
    findOnPath('redis-server') ?? '/usr/bin/redis-server',
    ...['--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'yes', '--daemonize', 'no', '--dir', dir, '--logfile', ''],
    ...['--save', '', '--appendonly', 'no', '--maxmemory', REDIS_DEFAULTS.maxMemory, '--maxmemory-policy', 'allkeys-lru'],
  ];
}

function readLaunch(pid: number, redisPort?: number): Launch {
  const cwd = readlinkSync(`/proc/${pid}/cwd`);
  const argv = redisPort ? redisArgv(redisPort, cwd) : readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((s) => s.length > 0);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const uid = Number(/^Uid:\s+(\d+)/m.exec(status)![1]);
  const gid = Number(/^Gid:\s+(\d+)/m.exec(status)![1]);
  const env: NodeJS.ProcessEnv = {};
  for (const kv of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const i = kv.indexOf('=');
    if (i > 0) env[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return { argv, cwd, uid, gid, env };
}

/** The process listening on a loopback port: the service as it runs now, whoever restarted it. */
function pidListeningOn(port: number): number | undefined {
  try {
    const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
    const m = /pid=(\d+)/.exec(out);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function waitExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

export class ClusterServices {
  private readonly services = new Map<string, ServiceProcess>();
  private readonly replaced = new Set<string>();
  private readonly ports: Record<string, number>;

  constructor(root: string, endpoints: { kafkaBrokers: string[]; databaseUrl: string; redisUrl: string }) {
    const file = JSON.parse(readFileSync(join(root, '.run', 'cluster', 'stack.json'), 'utf8')) as { pids: Record<string, ServiceProcess> };
    for (const [name, p] of Object.entries(file.pids)) this.services.set(name, { ...p });
    this.ports = {
      postgresql: Number(new URL(endpoints.databaseUrl).port),
      redis: Number(new URL(endpoints.redisUrl).port),
      ...Object.fromEntries(endpoints.kafkaBrokers.map((b, i) => [`kafka-${i + 1}`, Number(b.split(':')[1])])),
    };
  }

  pid(name: ServiceName): number {
    const s = this.services.get(name);
    if (!s) throw new Error(`cluster: no service "${name}" in stack.json (have ${[...this.services.keys()].join(', ')})`);
    // stack.json names the processes the stack started; an earlier run may have replaced one.
    if (!isAlive(s.pid)) s.pid = pidListeningOn(this.ports[name]) ?? s.pid;
    return s.pid;
  }

  /** Stops a service with `signal` (SIGKILL: a crash; otherwise its clean stop) and waits for the exit. */
  async down(name: ServiceName, signal: NodeJS.Signals | 'clean'): Promise<Launch> {
    const s = this.services.get(name)!;
    const pid = this.pid(name);
    if (!isAlive(pid)) throw new Error(`cluster: ${name} (pid ${pid}) is not running`);
    const launch = readLaunch(pid, name === 'redis' ? this.ports.redis : undefined);
    signalGroup(pid, signal === 'clean' ? s.stopSignal : signal);
    if (!(await waitExit(pid, SERVICE_DEFAULTS.exitWaitMs))) {
      signalGroup(pid, 'SIGKILL');
      await waitExit(pid, 5_000);
    }
    return launch;
  }

  /** Starts a service again as it ran before `down`, and waits until its port answers. */
  async up(name: ServiceName, launch: Launch): Promise<void> {
    const s = this.services.get(name)!;
    const fd = openSync(s.logFile, 'a');
    let pid: number | undefined;
    try {
      const child = spawn(launch.argv[0], launch.argv.slice(1), { cwd: launch.cwd, env: launch.env, uid: launch.uid, gid: launch.gid, stdio: ['ignore', fd, fd], detached: true });
      child.on('error', () => undefined); // reported below: the port never opens
      child.unref();
      pid = child.pid;
    } finally {
      closeSync(fd);
    }
    if (pid === undefined) throw new Error(`cluster: could not start ${name} again (${launch.argv[0]})`);
    s.pid = pid;
    this.replaced.add(name);
    const deadline = Date.now() + SERVICE_DEFAULTS.portWaitMs;
    while (!(await isPortOpen(this.ports[name]))) {
      if (!isAlive(pid)) throw new Error(`cluster: ${name} exited right after its restart; see ${s.logFile}`);
      if (Date.now() > deadline) throw new Error(`cluster: ${name} does not listen on ${this.ports[name]} ${SERVICE_DEFAULTS.portWaitMs} ms after its restart`);
      await sleep(100);
    }
  }

  /** Stops the processes this class started (the stack's own stop() cannot reach them). */
  async stopReplacements(): Promise<void> {
    for (const name of this.replaced) {
      const s = this.services.get(name)!;
      if (!isAlive(s.pid)) continue;
      signalGroup(s.pid, s.stopSignal);
      if (!(await waitExit(s.pid, SERVICE_DEFAULTS.exitWaitMs))) signalGroup(s.pid, 'SIGKILL');
    }
    this.replaced.clear();
  }
}
