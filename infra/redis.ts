// Runs Debian's redis-server on loopback with its own port. The stack keeps only last values in
// Redis (rebuilt from Kafka), so persistence is off unless asked for.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from '../common/log.js';
import { InfraError } from './errors.js';
import { assertPortsFree, findOnPath, startProcess, stopProcess, tailFile, waitUntil, type ManagedProcess } from './proc.js';

export const REDIS_DEFAULTS = {
  startTimeoutMs: 20_000,
  stopGraceMs: 10_000,
  maxMemory: '1gb', // last values only; evict rather than grow without bound
};

export interface RedisOptions {
  dataDir: string;
  port: number;
  logger: Logger;
  /** Append-only file in dataDir; off by default. */
  persistent?: boolean;
  startTimeoutMs?: number;
  onSpawn?: (p: ManagedProcess) => void;
}

export interface RedisServer {
  port: number;
  redisUrl: string;
  logFile: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export async function startRedis(opts: RedisOptions): Promise<RedisServer> {
  const logger = opts.logger.child({ service: 'redis' });
  const binary = findOnPath('redis-server') ?? '/usr/bin/redis-server';
  await assertPortsFree('redis', [opts.port]);
  mkdirSync(opts.dataDir, { recursive: true });
  const logFile = join(opts.dataDir, 'redis.log');
  const started = Date.now();
  const proc = startProcess({
    name: 'redis',
    command: binary,
    // redis-server takes config directives as --name value arguments.
    args: [
      '--port', String(opts.port),
      '--bind', '127.0.0.1',
      '--protected-mode', 'yes',
      '--daemonize', 'no',
      '--dir', opts.dataDir,
      '--logfile', '', // stdout, which is our log file
      '--save', '',
      '--appendonly', opts.persistent ? 'yes' : 'no',
      '--maxmemory', REDIS_DEFAULTS.maxMemory,
      '--maxmemory-policy', 'allkeys-lru',
    ],
    cwd: opts.dataDir,
    logFile,
  });
  opts.onSpawn?.(proc);
  const server: RedisServer = {
    port: opts.port,
    redisUrl: `redis://127.0.0.1:${opts.port}`,
    logFile,
    process: proc,
    stop: async () => {
      const t = Date.now();
      await stopProcess(proc, REDIS_DEFAULTS.stopGraceMs, logger);
      logger.info('redis: stopped', { ms: Date.now() - t });
    },
  };
  const timeoutMs = opts.startTimeoutMs ?? REDIS_DEFAULTS.startTimeoutMs;
  const ok = await waitUntil({
    deadline: Date.now() + timeoutMs,
    intervalMs: 100,
    probe: () => ping(opts.port),
    failFast: () =>
      proc.isRunning() ? undefined : new InfraError('SERVICE_EXITED', `redis exited during start (log: ${logFile}):\n${tailFile(logFile, 15, proc.logOffset)}`),
  }).catch(async (err) => {
    await server.stop();
    throw err;
  });
  if (!ok) {
    await server.stop();
    throw new InfraError('SERVICE_UNHEALTHY', `redis not answering PING within ${timeoutMs / 1000} s (log: ${logFile}):\n${tailFile(logFile, 15, proc.logOffset)}`, { canRetry: true });
  }
  logger.info('redis: healthy', { redisUrl: server.redisUrl, ms: Date.now() - started });
  return server;
}

export async function ping(port: number): Promise<boolean> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined); // refused while starting: the probe's answer is false
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } finally {
    client.disconnect();
  }
}
