// Runs Debian's PostgreSQL server on a project data folder: initdb once (as the `postgres` OS
// user when we are root: the server refuses to run as root), our settings on every start, the
// postmaster as a direct child (not daemonised by pg_ctl) so the stack owns its pid.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import type { Logger } from '../common/log.js';
import { InfraError } from './errors.js';
import { assertPortsFree, settlesWithin, startProcess, stopProcess, tailFile, waitUntil, type ManagedProcess } from './proc.js';

export const POSTGRES_DEFAULTS = {
  database: 'opsconductor',
  startTimeoutMs: 60_000,
  stopTimeoutMs: 30_000,
  socketPathMax: 100, // bytes; a unix socket path longer than ~107 cannot be bound
};

/** Sized for this machine: 2 cores, 24 GiB shared with Kafka JVMs and the pipeline's processes. */
export const POSTGRES_SETTINGS: Record<string, string> = {
  max_connections: '200',
  shared_buffers: "'1GB'",
  effective_cache_size: "'8GB'", // planner hint only: what the OS page cache likely holds for us
  work_mem: "'32MB'",
  maintenance_work_mem: "'512MB'", // index builds, compression, VACUUM
  wal_buffers: "'16MB'",
  max_wal_size: "'4GB'", // the sinks COPY in bursts; fewer forced checkpoints
  min_wal_size: "'512MB'",
  checkpoint_timeout: "'15min'",
  checkpoint_completion_target: '0.9',
  random_page_cost: '1.1', // SSD
  effective_io_concurrency: '200',
  max_worker_processes: '8',
  max_parallel_workers: '2',
  max_parallel_workers_per_gather: '1',
  max_parallel_maintenance_workers: '1',
  max_locks_per_transaction: '256', // hypertables and partitions lock one relation per chunk
  jit: 'off', // compiling costs more than it saves on dashboard-sized queries
  timezone: "'UTC'",
  log_timezone: "'UTC'",
  log_line_prefix: "'%m [%p] %q%u@%d '",
  log_min_duration_statement: "'2s'",
  logging_collector: 'off', // stderr goes to the log file the stack opened
};

export interface PostgresOptions {
  dataDir: string;
  port: number;
  logger: Logger;
  database?: string;
  settings?: Record<string, string>;
  startTimeoutMs?: number;
  onSpawn?: (p: ManagedProcess) => void;
}

export interface PostgresServer {
  port: number;
  databaseUrl: string;
  logFile: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/** Newest installed server: /usr/lib/postgresql/<major>/bin. */
export function findPostgresBin(): string {
  const base = '/usr/lib/postgresql';
  const majors = existsSync(base)
    ? readdirSync(base)
        .filter((v) => /^\d+$/.test(v) && existsSync(join(base, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors.length === 0) throw new InfraError('SERVICE_START_FAILED', `postgresql: no server under ${base}/<version>/bin; install the postgresql package`);
  return join(base, majors[0], 'bin');
}

interface RunAs {
  uid: number;
  gid: number;
}

function postgresUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined; // not root: run as ourselves
  const entry = spawnSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' }).stdout.trim().split(':');
  if (entry.length < 4) throw new InfraError('SERVICE_START_FAILED', 'postgresql: running as root but there is no `postgres` OS user to run the server as');
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

/** The folder holding pgdata/ and the socket: the data folder itself, unless the `postgres` user
 *  cannot reach it (a checkout under /root) or the socket path would be too long to bind. */
function serverHome(dataDir: string, port: number, runAs: RunAs | undefined, logger: Logger): string {
  const reachable = !runAs || spawnSync('test', ['-x', dirname(dataDir)], { uid: runAs.uid, gid: runAs.gid }).status === 0;
  const socketPath = join(dataDir, 'socket', `.s.PGSQL.${port}`);
  if (reachable && socketPath.length <= POSTGRES_DEFAULTS.socketPathMax) return dataDir;
  const home = join('/var/tmp', `opsconductor-postgres-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`);
  logger.warn('postgresql: data folder unusable by the server, using another folder', { dataDir, home, reachable, socketPath });
  mkdirSync(home, { recursive: true, mode: 0o700 });
  if (!existsSync(join(dataDir, 'server-home'))) symlinkSync(home, join(dataDir, 'server-home'));
  return home;
}

export async function startPostgres(opts: PostgresOptions): Promise<PostgresServer> {
  const logger = opts.logger.child({ service: 'postgresql' });
  const bin = findPostgresBin();
  const runAs = postgresUser();
  const database = opts.database ?? POSTGRES_DEFAULTS.database;
  await assertPortsFree('postgresql', [opts.port]);
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o755 });
  const home = serverHome(opts.dataDir, opts.port, runAs, logger);
  const pgdata = join(home, 'pgdata');
  const socketDir = join(home, 'socket');
  const logFile = join(opts.dataDir, 'postgresql.log');
  mkdirSync(socketDir, { recursive: true });
  if (runAs) chownSync(home, runAs.uid, runAs.gid);
  if (runAs) chownSync(socketDir, runAs.uid, runAs.gid);
  const started = Date.now();

  if (!existsSync(join(pgdata, 'PG_VERSION'))) {
    rmSync(pgdata, { recursive: true, force: true }); // a half-finished initdb
    await runAsServerUser(join(bin, 'initdb'), ['-D', pgdata, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'], home, runAs, 'initdb');
    logger.info('postgresql: initialised data folder', { pgdata, ms: Date.now() - started });
  }
  writeSettings(pgdata, { ...POSTGRES_SETTINGS, ...timescaleSetting(bin), ...opts.settings }, opts.port, socketDir, runAs);
  // Stale lock from a crash: the postmaster checks the pid itself, but a recycled pid fools it.
  const lock = join(pgdata, 'postmaster.pid');
  if (existsSync(lock)) logger.warn('postgresql: postmaster.pid left by an earlier run', { lock });

  const proc = startProcess({
    name: 'postgresql',
    command: join(bin, 'postgres'),
    args: ['-D', pgdata],
    cwd: home,
    logFile,
    uid: runAs?.uid,
    gid: runAs?.gid,
    env: { PATH: process.env.PATH, LC_ALL: 'C', TZ: 'UTC' },
    stopSignal: 'SIGINT', // fast shutdown: roll back open transactions, then a clean stop
  });
  opts.onSpawn?.(proc);
  const server: PostgresServer = {
    port: opts.port,
    databaseUrl: `postgres://postgres@127.0.0.1:${opts.port}/${database}`,
    logFile,
    process: proc,
    stop: () => stopPostgres(bin, pgdata, home, proc, runAs, logger),
  };
  try {
    await waitReady(server, opts.startTimeoutMs ?? POSTGRES_DEFAULTS.startTimeoutMs);
    await createDatabase(opts.port, database);
  } catch (err) {
    await server.stop();
    throw err;
  }
  logger.info('postgresql: healthy', { databaseUrl: server.databaseUrl, ms: Date.now() - started });
  return server;
}

function timescaleSetting(bin: string): Record<string, string> {
  const lib = join(dirname(bin), 'lib', 'timescaledb.so');
  return existsSync(lib) ? { shared_preload_libraries: "'timescaledb'", 'timescaledb.telemetry_level': 'off' } : {};
}

/** Our settings live in their own file, rewritten on every start; postgresql.conf includes it. */
function writeSettings(pgdata: string, settings: Record<string, string>, port: number, socketDir: string, runAs: RunAs | undefined) {
  const all = { ...settings, listen_addresses: "'127.0.0.1'", port: String(port), unix_socket_directories: `'${socketDir}'` };
  const file = join(pgdata, 'opsconductor.conf');
  writeFileSync(file, '# Written by infra/postgres.ts on every start; edits here are overwritten.\n' + Object.entries(all).map(([k, v]) => `${k} = ${v}`).join('\n') + '\n');
  if (runAs) chownSync(file, runAs.uid, runAs.gid);
  const main = join(pgdata, 'postgresql.conf');
  const include = "include_if_exists = 'opsconductor.conf'";
  const text = readFileSync(main, 'utf8');
  if (!text.includes(include)) writeFileSync(main, text + `\n${include}\n`);
}

function runAsServerUser(command: string, args: string[], cwd: string, runAs: RunAs | undefined, step: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, uid: runAs?.uid, gid: runAs?.gid, env: { PATH: process.env.PATH, LC_ALL: 'C', TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c));
    child.stderr.on('data', (c: Buffer) => (output += c));
    child.once('error', (err) => reject(new InfraError('SERVICE_START_FAILED', `postgresql: ${step} could not run: ${err.message}`)));
    child.once('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new InfraError('SERVICE_START_FAILED', `postgresql: ${step} failed (exit ${code}):\n${output.trim().split('\n').slice(-15).join('\n')}`));
    });
  });
}

async function waitReady(server: PostgresServer, timeoutMs: number): Promise<void> {
  const ok = await waitUntil({
    deadline: Date.now() + timeoutMs,
    intervalMs: 200,
    probe: async () => {
      await query(server.port, 'postgres', 'select 1');
      return true;
    },
    failFast: () =>
      server.process.isRunning()
        ? undefined
        : new InfraError('SERVICE_EXITED', `postgresql exited during start (log: ${server.logFile}):\n${tailFile(server.logFile, 15, server.process.logOffset)}`),
  });
  if (!ok) {
    throw new InfraError('SERVICE_UNHEALTHY', `postgresql not accepting connections within ${timeoutMs / 1000} s (log: ${server.logFile}):\n${tailFile(server.logFile, 15, server.process.logOffset)}`, { canRetry: true });
  }
}

async function createDatabase(port: number, database: string): Promise<void> {
  const exists = await query(port, 'postgres', 'select 1 from pg_database where datname = $1', [database]);
  if (exists.rowCount === 0) await query(port, 'postgres', `create database "${database.replace(/"/g, '""')}"`);
}

async function query(port: number, database: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined); // a server going away mid-probe is an answer, not a crash
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function stopPostgres(bin: string, pgdata: string, home: string, proc: ManagedProcess, runAs: RunAs | undefined, logger: Logger): Promise<void> {
  if (!proc.isRunning()) return;
  const started = Date.now();
  const stopped = await runAsServerUser(join(bin, 'pg_ctl'), ['stop', '-D', pgdata, '-m', 'fast', '-w', '-t', String(POSTGRES_DEFAULTS.stopTimeoutMs / 1000)], home, runAs, 'pg_ctl stop')
    .then(() => true)
    .catch((err: Error) => {
      logger.warn('postgresql: pg_ctl stop failed, signalling the postmaster', { err });
      return false;
    });
  if (!stopped || !(await settlesWithin(proc.exited, 5_000))) await stopProcess(proc, POSTGRES_DEFAULTS.stopTimeoutMs, logger);
  logger.info('postgresql: stopped', { ms: Date.now() - started });
}
