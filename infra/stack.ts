// The local single-machine stack: Kafka (1 or 3 KRaft nodes), PostgreSQL and Redis for one
// profile, each profile on its own ports and under .run/<profile>/, so `npm start` (dev) and
// `npm test` (test) and fault tests (cluster) can run side by side.
//
// Ownership: the process that starts a profile owns it and writes .run/<profile>/stack.json
// (endpoints, pids, owner pid). Another process asking for the same profile while the owner is
// alive and the services answer gets the running stack back (`reused: true`, stop() does
// nothing). A stack.json whose owner is dead is a crashed run: its processes are stopped and
// the profile is started afresh on the same data.

import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../common/log.js';
import { InfraError } from './errors.js';
import { kafkaLibsDir, kafkaLibsReady } from './install.js';
import { startKafka, type KafkaCluster } from './kafka.js';
import { startPostgres, type PostgresServer } from './postgres.js';
import { withFileLock } from './file-lock.js';
import { descendsFrom, isAlive, killAllTracked, processBelongsTo, processesUnder, signalGroup, stopForeignProcess, type ManagedProcess } from './proc.js';
import { startRedis, type RedisServer } from './redis.js';
import { checkEndpoints } from './stack-health.js';

export type StackProfile = 'dev' | 'test' | 'cluster';

export const PROFILE_PORTS: Record<StackProfile, { kafka: number; postgres: number; redis: number }> = {
  dev: { kafka: 19092, postgres: 15432, redis: 16379 },
  test: { kafka: 29092, postgres: 25432, redis: 26379 },
  // All below 32768: Linux hands out 32768-60999 as ephemeral source ports, which could take
  // a fixed port before the service binds it.
  cluster: { kafka: 31092, postgres: 31432, redis: 31379 },
};

/** Moves every port of every profile by OC_PORT_OFFSET (an integer, default 0), so two checkouts on
 * one machine (a second worktree, a colleague's copy) run their stacks side by side. */
export function portOffset(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.OC_PORT_OFFSET;
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  // Ports stay within 1024..32767 for every profile: below that needs root, above it is the
  // ephemeral range (see PROFILE_PORTS).
  if (!Number.isInteger(n) || n < -14000 || n > 600) throw new InfraError('BAD_ARGUMENT', `OC_PORT_OFFSET="${raw}" must be an integer from -14000 to 600 (it moves every stack port)`);
  return n;
}

export function profilePorts(profile: StackProfile, env: NodeJS.ProcessEnv = process.env): { kafka: number; postgres: number; redis: number } {
  const off = portOffset(env);
  const p = PROFILE_PORTS[profile];
  return { kafka: p.kafka + off, postgres: p.postgres + off, redis: p.redis + off };
}

export const STACK_DEFAULTS = {
  startLockTimeoutMs: 240_000, // another process may be starting the same profile: wait for it
  reuseProbeTimeoutMs: 5_000,
  staleStopGraceMs: 20_000,
};

export interface StackEndpoints {
  kafkaBrokers: string[];
  databaseUrl: string;
  redisUrl: string;
}

export interface Stack {
  profile: StackProfile;
  endpoints: StackEndpoints;
  /** True when another process owns this profile's services; stop() then does nothing. */
  reused: boolean;
  stop(): Promise<void>;
}

export interface StartStackOptions {
  root: string;
  profile: StackProfile;
  brokers?: 1 | 3; // default: 3 for the cluster profile, else 1
  logger: Logger;
  /** Kafka jars; default .cache/kafka-<version>/libs as infra/install.ts leaves it. */
  kafkaLibs?: string;
  kafkaHeap?: string; // per node, default 512m
  /** Delete the profile's data first (topics, tables, everything). */
  fresh?: boolean;
}

interface StackFile {
  profile: StackProfile;
  brokers: number;
  ownerPid: number;
  status: 'starting' | 'running';
  startedAt: string;
  endpoints: StackEndpoints;
  pids: Record<string, { pid: number; stopSignal: NodeJS.Signals; logFile: string }>;
}

export function runDir(root: string, profile: StackProfile): string {
  return join(root, '.run', profile);
}

export async function startStack(opts: StartStackOptions): Promise<Stack> {
  const { root, profile } = opts;
  if (!(profile in PROFILE_PORTS)) throw new InfraError('BAD_ARGUMENT', `stack: unknown profile "${profile}" (dev, test or cluster)`);
  const brokers = opts.brokers ?? (profile === 'cluster' ? 3 : 1);
  const logger = opts.logger.child({ component: 'stack', profile });
  const dir = runDir(root, profile);
  mkdirSync(dir, { recursive: true });
  // The postgres OS user must be able to walk down to its data folder.
  for (const d of [join(root, '.run'), dir]) chmodSync(d, 0o755);

  return withFileLock(join(root, '.run', `${profile}.lock`), `stack profile ${profile}`, STACK_DEFAULTS.startLockTimeoutMs, async () => {
    const reused = await reuseOrCleanUp(dir, profile, brokers, logger);
    if (reused) return reused;
    if (opts.fresh) {
      logger.info('stack: fresh start, deleting profile data', { dir });
      const targets = [...postgresHomes(dir), ...['kafka', 'postgres', 'redis'].map((sub) => join(dir, sub))];
      for (const target of targets) rmSync(target, { recursive: true, force: true });
    }
    return startOwned({ ...opts, brokers }, dir, logger);
  });
}

async function startOwned(opts: StartStackOptions & { brokers: 1 | 3 }, dir: string, logger: Logger): Promise<Stack> {
  const ports = profilePorts(opts.profile);
  const libs = opts.kafkaLibs ?? kafkaLibsDir(opts.root);
  if (!opts.kafkaLibs && !kafkaLibsReady(opts.root)) {
    throw new InfraError('SERVICE_START_FAILED', `stack: Kafka jars missing or outdated at ${libs}; run ensureInstalled() (the stack role does) first`);
  }
  const started = Date.now();
  const file: StackFile = {
    profile: opts.profile,
    brokers: opts.brokers,
    ownerPid: process.pid,
    status: 'starting',
    startedAt: new Date().toISOString(),
    endpoints: {
      kafkaBrokers: Array.from({ length: opts.brokers }, (_, i) => `127.0.0.1:${ports.kafka + 2 * i}`),
      databaseUrl: `postgres://postgres@127.0.0.1:${ports.postgres}/opsconductor`,
      redisUrl: `redis://127.0.0.1:${ports.redis}`,
    },
    pids: {},
  };
  const stackFile = join(dir, 'stack.json');
  const save = () => writeFileSync(stackFile, JSON.stringify(file, null, 2) + '\n');
  // Listed the moment it exists, so a crash during start still leaves a complete pid file.
  const onSpawn = (p: ManagedProcess) => {
    file.pids[p.name] = { pid: p.pid, stopSignal: p.stopSignal, logFile: p.logFile };
    save();
  };
  save();

  const services: Array<{ stop(): Promise<void> }> = [];
  const track = <T extends { stop(): Promise<void> }>(s: T) => (services.push(s), s);
  const stopAll = () => Promise.allSettled(services.map((s) => s.stop())).then(() => undefined);
  const starts = await Promise.allSettled([
    startPostgres({ dataDir: join(dir, 'postgres'), port: ports.postgres, logger, onSpawn }).then(track),
    startRedis({ dataDir: join(dir, 'redis'), port: ports.redis, logger, onSpawn }).then(track),
    startKafka({ dataDir: join(dir, 'kafka'), libsDir: libs, brokers: opts.brokers, basePort: ports.kafka, heap: opts.kafkaHeap, logger, onSpawn }).then(track),
  ]);
  const failed = starts.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stopAll();
    rmSync(stackFile, { force: true });
    throw failed.reason;
  }
  const [pgServer, redisServer, kafka] = starts.map((s) => (s as PromiseFulfilledResult<unknown>).value) as [PostgresServer, RedisServer, KafkaCluster];
  file.status = 'running';
  file.endpoints = { kafkaBrokers: kafka.brokers, databaseUrl: pgServer.databaseUrl, redisUrl: redisServer.redisUrl };
  save();
  logger.info('stack: running', { ...file.endpoints, brokers: opts.brokers, ms: Date.now() - started });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const t = Date.now();
      try {
        // Alongside its own children, whatever else runs on the services' data: a broker or
        // PostgreSQL a fault test restarted (not our child, so stopAll cannot reach it). Stopped
        // together, so no broker is left waiting for a controller quorum that is already gone.
        const own = new Set(Object.values(file.pids).map((p) => p.pid));
        // (Not the children of its own: PostgreSQL's workers also work in its data folder.)
        const strays = serviceFolders(dir).flatMap((f) => processesUnder(f)).filter((pid) => !own.has(pid) && !descendsFrom(pid, own));
        if (strays.length > 0) logger.info('stack: also stopping processes restarted on its data', { pids: strays });
        await Promise.all([stopAll(), ...strays.map((pid) => stopForeignProcess(pid, 'SIGTERM', STACK_DEFAULTS.staleStopGraceMs))]);
        rmSync(stackFile, { force: true });
        logger.info('stack: stopped', { ms: Date.now() - t });
      } finally {
        removeSignalHandlers(); // only now: a second Ctrl-C during the stop must still reach us
      }
    })());
  const removeSignalHandlers = installSignalHandlers(stop, () => stopping !== undefined, logger);
  return { profile: opts.profile, endpoints: file.endpoints, reused: false, stop };
}

/** Ctrl-C / SIGTERM / SIGHUP stop the children and wait for them, then the signal is raised
 *  again so the process ends the way it would have. When the program has its own handler for
 *  the signal, that handler owns the order of shutdown (pipeline first, then stack.stop()), and
 *  this one stays out of the way; the exit hook and the parent death signal remain the net.
 *  A second signal while stopping kills every child at once. Handlers of other stacks of the same
 *  process (a bench holds the test and the cluster profiles) are not "the program's own": counting
 *  them, each stack left the signal to the other and Ctrl-C stopped nothing. */
const stackSignalHandlers = new Set<(...args: never[]) => unknown>();
const programHandles = (signal: NodeJS.Signals) => process.listeners(signal).some((l) => !stackSignalHandlers.has(l));

function installSignalHandlers(stop: () => Promise<void>, isStopping: () => boolean, logger: Logger): () => void {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const handler = (signal: NodeJS.Signals) => {
    if (isStopping()) {
      logger.warn('stack: second signal while stopping, killing every child', { signal });
      killAllTracked();
      return;
    }
    if (programHandles(signal)) return;
    logger.info('stack: signal received, stopping', { signal });
    void stop().finally(() => {
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };
  stackSignalHandlers.add(handler);
  for (const s of signals) process.on(s, handler);
  return () => {
    for (const s of signals) process.off(s, handler);
    stackSignalHandlers.delete(handler);
  };
}

async function reuseOrCleanUp(dir: string, profile: StackProfile, brokers: number, logger: Logger): Promise<Stack | undefined> {
  const stackFile = join(dir, 'stack.json');
  const file = readStackFile(stackFile);
  if (file && isAlive(file.ownerPid)) {
    if (file.brokers !== brokers) {
      throw new InfraError('STACK_MISMATCH', `stack profile ${profile} is running with ${file.brokers} broker(s) (owner pid ${file.ownerPid}); ${brokers} requested`);
    }
    const problem = file.status === 'running' ? await checkEndpoints(file.endpoints, STACK_DEFAULTS.reuseProbeTimeoutMs) : 'still starting';
    if (problem) {
      throw new InfraError('STACK_BUSY', `stack profile ${profile} is owned by live pid ${file.ownerPid} but not usable (${problem}); stop that process or wait`, { canRetry: true });
    }
    logger.info('stack: profile already running in another process, reusing it', { ownerPid: file.ownerPid, ...file.endpoints });
    return { profile, endpoints: file.endpoints, reused: true, stop: async () => undefined };
  }
  // Crashed run: stop whatever still works in the services' folders, then start afresh. Only
  // those: other programs keep their own files under .run/<profile> too (role logs, the lab).
  const folders = serviceFolders(dir);
  const belongs = (pid: number) => folders.some((f) => processBelongsTo(pid, f));
  const stale = new Map<number, NodeJS.Signals>();
  for (const entry of Object.values(file?.pids ?? {})) {
    if (isAlive(entry.pid) && belongs(entry.pid)) stale.set(entry.pid, entry.stopSignal);
  }
  for (const pid of folders.flatMap((f) => processesUnder(f))) if (!stale.has(pid)) stale.set(pid, 'SIGTERM');
  if (stale.size > 0) {
    logger.warn('stack: stopping processes left by an earlier run', { pids: [...stale.keys()], ownerPid: file?.ownerPid });
    await Promise.all([...stale].map(([pid, sig]) => stopForeignProcess(pid, sig, STACK_DEFAULTS.staleStopGraceMs)));
    // Nothing runs on the data any more; a lock naming a recycled pid would stop the postmaster.
    for (const home of postgresHomes(dir)) rmSync(join(home, 'pgdata', 'postmaster.pid'), { force: true });
  }
  if (file) rmSync(stackFile, { force: true });
  return undefined;
}

/** Last resort of a test that owns a profile and ran out of time: SIGKILL every process on the
 *  profile's service data, its own children and any restarted by a fault test alike. */
export function killProfileServices(root: string, profile: StackProfile): number[] {
  const pids = serviceFolders(runDir(root, profile)).flatMap((f) => processesUnder(f));
  for (const pid of pids) signalGroup(pid, 'SIGKILL');
  return pids;
}

/** The folders of a profile's services (its other folders hold role logs and the lab). */
function serviceFolders(dir: string): string[] {
  return [join(dir, 'kafka'), join(dir, 'redis'), ...postgresHomes(dir)];
}

/** Where the postgres data of a profile lives: its folder, or the fallback it links to. */
function postgresHomes(dir: string): string[] {
  const link = join(dir, 'postgres', 'server-home');
  const homes = [join(dir, 'postgres')];
  if (existsSync(link)) homes.push(realpathSync(link));
  return homes;
}

function readStackFile(path: string): StackFile | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as StackFile;
  } catch {
    return undefined;
  }
}
