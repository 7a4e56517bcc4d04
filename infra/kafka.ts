// Starts a local KRaft cluster of 1 or 3 combined broker+controller nodes from the jars that
// infra/install.ts fetched, and waits until clients can really use it: all nodes registered,
// the group coordinator answering (__consumer_offsets exists) and transactions initialising.
// With `secure`, every node also has a SASL_SSL and a mutual-TLS listener (kafka-config.ts).

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KafkaJS } from '@confluentinc/kafka-javascript';
import { clusterBrokerIds, kafkaLogger } from '../common/kafka.js';
import type { Logger } from '../common/log.js';
import { InfraError } from './errors.js';
import { SAFE_CREDENTIAL, kafkaNodePorts, renderLog4j2Properties, renderServerProperties, type KafkaNodePorts, type SecureListenerConfig } from './kafka-config.js';
import { assertPortsFree, fileSize, isPortOpen, startProcess, stopProcess, tailFile, waitUntil, type ManagedProcess } from './proc.js';

export const KAFKA_DEFAULTS = {
  heap: '512m', // per node
  // Fixed so a restarted folder and its config always agree; base64url of 16 bytes "OpsConductorTele".
  clusterId: 'T3BzQ29uZHVjdG9yVGVsZQ',
  startTimeoutMs: 120_000,
  stopGraceMs: 30_000, // controlled shutdown, then SIGKILL
  formatTimeoutMs: 60_000,
};

export interface KafkaOptions {
  dataDir: string;
  libsDir: string;
  brokers: 1 | 3;
  basePort: number;
  logger: Logger;
  heap?: string;
  clusterId?: string;
  startTimeoutMs?: number;
  /** Extra server.properties entries, applied to every node. */
  config?: Record<string, string>;
  /** SASL_SSL and SSL (client certificate required) listeners beside the plaintext one: node n's on
   * secure.basePort + 2(n-1) and the port after it. */
  secure?: SecureListeners;
  /** Called as soon as a node's process exists, so a pid file can list it before it is healthy. */
  onSpawn?: (p: ManagedProcess) => void;
}

export interface ScramUser {
  mechanism: 'SCRAM-SHA-512' | 'SCRAM-SHA-256';
  name: string;
  password: string;
}

export interface SecureListeners extends SecureListenerConfig {
  basePort: number;
  /** Created when the storage is formatted (kafka-storage format --add-scram): a change of users
   * re-formats the data folder. */
  scramUsers?: ScramUser[];
}

export interface KafkaNode extends KafkaNodePorts {
  logFile: string;
  /** Size of logFile before this start: error messages show only what this run wrote. */
  logOffset: number;
  process: ManagedProcess;
}

export interface KafkaCluster {
  brokers: string[];
  /** with `secure`: the SASL_SSL listeners */
  saslSslBrokers?: string[];
  /** with `secure`: the mutual-TLS listeners */
  sslBrokers?: string[];
  nodes: KafkaNode[];
  stop(): Promise<void>;
}

export async function startKafka(opts: KafkaOptions): Promise<KafkaCluster> {
  const logger = opts.logger.child({ service: 'kafka' });
  const clusterId = opts.clusterId ?? KAFKA_DEFAULTS.clusterId;
  const ports = kafkaNodePorts(opts.basePort, opts.brokers, opts.secure?.basePort);
  if (!existsSync(opts.libsDir) || !readdirSync(opts.libsDir).some((f) => f.startsWith('kafka_2.13-'))) {
    throw new InfraError('SERVICE_START_FAILED', `kafka: no jars at ${opts.libsDir}; run ensureInstalled() first`);
  }
  checkSecure(opts.secure);
  await assertPortsFree('kafka', ports.flatMap((p) => [p.brokerPort, p.controllerPort, ...(p.saslSslPort === undefined ? [] : [p.saslSslPort, p.sslPort!])]));
  prepareDataDir(opts.dataDir, { clusterId, brokers: opts.brokers, basePort: opts.basePort, ...(opts.secure ? { secure: secureShape(opts.secure) } : {}) }, logger);

  const started = Date.now();
  const layout = ports.map((node) => {
    const nodeDir = join(opts.dataDir, `node-${node.nodeId}`);
    const files = {
      nodeDir,
      properties: join(opts.dataDir, `server-${node.nodeId}.properties`),
      log4j: join(opts.dataDir, `log4j2-${node.nodeId}.properties`),
      logFile: join(opts.dataDir, `kafka-${node.nodeId}.log`),
      outFile: join(opts.dataDir, `kafka-${node.nodeId}.out`), // JVM's own stdout/stderr (crashes, OOM)
    };
    mkdirSync(nodeDir, { recursive: true });
    writeFileSync(files.properties, renderServerProperties({ node, all: ports, logDir: nodeDir, secure: opts.secure, extra: opts.config }));
    writeFileSync(files.log4j, renderLog4j2Properties(files.logFile));
    return { node, ...files };
  });

  const unformatted = layout.filter((l) => !existsSync(join(l.nodeDir, 'meta.properties')));
  if (unformatted.length > 0) {
    await Promise.all(unformatted.map((l) => formatNode(opts.libsDir, clusterId, l.properties, l.log4j, l.node.nodeId, opts.secure?.scramUsers ?? [])));
    logger.info('kafka: formatted storage', { nodes: unformatted.map((l) => l.node.nodeId), ms: Date.now() - started });
  }

  const nodes: KafkaNode[] = layout.map((l) => {
    const logOffset = fileSize(l.logFile);
    const process = startProcess({
      name: `kafka-${l.node.nodeId}`,
      command: 'java',
      args: [...jvmArgs(opts.heap ?? KAFKA_DEFAULTS.heap, l.log4j, opts.libsDir), 'kafka.Kafka', l.properties],
      cwd: l.nodeDir,
      logFile: l.outFile,
    });
    opts.onSpawn?.(process);
    return { ...l.node, logFile: l.logFile, logOffset, process };
  });
  const cluster: KafkaCluster = {
    brokers: ports.map((p) => `127.0.0.1:${p.brokerPort}`),
    ...(opts.secure
      ? { saslSslBrokers: ports.map((p) => `127.0.0.1:${p.saslSslPort}`), sslBrokers: ports.map((p) => `127.0.0.1:${p.sslPort}`) }
      : {}),
    nodes,
    stop: () => stopKafka(nodes, logger),
  };
  try {
    await waitHealthy(cluster, opts.startTimeoutMs ?? KAFKA_DEFAULTS.startTimeoutMs, logger);
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  logger.info('kafka: healthy', { brokers: cluster.brokers, ms: Date.now() - started });
  return cluster;
}

function jvmArgs(heap: string, log4jFile: string, libsDir: string): string[] {
  return [
    `-Xmx${heap}`,
    '-Xms64m',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:+ExitOnOutOfMemoryError', // a half-dead broker is worse than a dead one
    '-Djava.awt.headless=true',
    '-Djava.net.preferIPv4Stack=true',
    `-Dlog4j2.configurationFile=${log4jFile}`,
    '-cp',
    `${libsDir}/*`,
  ];
}

function checkSecure(secure: SecureListeners | undefined): void {
  if (!secure) return;
  for (const f of [secure.keystoreFile, secure.truststoreFile])
    if (!existsSync(f)) throw new InfraError('BAD_ARGUMENT', `kafka: secure listeners need ${f}, which does not exist`);
  const credentials = [...(secure.scramUsers ?? []).flatMap((u) => [u.name, u.password]), ...Object.entries(secure.plainUsers ?? {}).flat()];
  if (credentials.some((c) => !SAFE_CREDENTIAL.test(c)))
    throw new InfraError('BAD_ARGUMENT', `kafka: SASL user names and passwords must match ${SAFE_CREDENTIAL} (they are written into JAAS and StorageTool arguments unquoted)`);
}

/** What of the secure listeners is fixed at format time, without the passwords themselves. */
function secureShape(secure: SecureListeners): { basePort: number; scram: string } {
  const users = (secure.scramUsers ?? []).map((u) => `${u.mechanism}:${u.name}:${u.password}`).sort().join('\n');
  return { basePort: secure.basePort, scram: createHash('sha256').update(users).digest('hex').slice(0, 16) };
}

/** Wipes the folder when it holds a cluster of another shape: the quorum's voters and the SCRAM
 * users are fixed at format. */
function prepareDataDir(dataDir: string, shape: { clusterId: string; brokers: number; basePort: number; secure?: object }, logger: Logger): void {
  const shapeFile = join(dataDir, 'cluster.json');
  const want = JSON.stringify(shape);
  if (existsSync(shapeFile) && readFileSync(shapeFile, 'utf8').trim() !== want) {
    logger.warn('kafka: data folder holds a cluster of another shape, wiping it', { dataDir, was: readFileSync(shapeFile, 'utf8').trim(), now: want });
    rmSync(dataDir, { recursive: true, force: true });
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(shapeFile, want + '\n');
}

function formatNode(libsDir: string, clusterId: string, properties: string, log4j: string, nodeId: number, scramUsers: ScramUser[]): Promise<void> {
  // SCRAM credentials are metadata records: written into the bootstrap metadata at format time,
  // as kafka-storage.sh format --add-scram does.
  const scram = scramUsers.flatMap((u) => ['--add-scram', `${u.mechanism}=[name=${u.name},password=${u.password}]`]);
  return new Promise((resolve, reject) => {
    const child = spawn(
      'java',
      ['-Xmx256m', `-Dlog4j2.configurationFile=${log4j}`, '-cp', `${libsDir}/*`, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', properties, ...scram],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c));
    child.stderr.on('data', (c: Buffer) => (output += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), KAFKA_DEFAULTS.formatTimeoutMs);
    child.once('error', (err) => reject(new InfraError('SERVICE_START_FAILED', `kafka node ${nodeId}: cannot run java to format storage: ${err.message}`)));
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new InfraError('SERVICE_START_FAILED', `kafka node ${nodeId}: storage format failed (exit ${code}):\n${output.trim().split('\n').slice(-15).join('\n')}`));
    });
  });
}

async function waitHealthy(cluster: KafkaCluster, timeoutMs: number, logger: Logger): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const kafka = new KafkaJS.Kafka({
    kafkaJS: {
      clientId: 'oc-stack-health',
      brokers: cluster.brokers,
      logLevel: KafkaJS.logLevel.WARN,
      logger: kafkaLogger(logger, 'debug'), // refused connections are expected while nodes start
      connectionTimeout: 1_000,
      requestTimeout: 10_000,
    },
  });
  const failFast = () => {
    const dead = cluster.nodes.find((n) => !n.process.isRunning());
    if (!dead) return undefined;
    return new InfraError(
      'SERVICE_EXITED',
      `kafka node ${dead.nodeId} exited during start (log: ${dead.logFile}, JVM output: ${dead.process.logFile}):\n` +
        `${tailFile(dead.process.logFile, 8, dead.process.logOffset)}\n${tailFile(dead.logFile, 12, dead.logOffset)}`,
    );
  };
  let registered = new Set<number>();
  const stages: Array<{ name: string; probe: () => Promise<boolean> }> = [
    { name: 'listening', probe: async () => (await Promise.all(cluster.nodes.map((n) => isPortOpen(n.brokerPort)))).every(Boolean) },
    {
      name: 'registered in the cluster',
      probe: async () => {
        registered = new Set(await clusterBrokerIds(cluster.brokers, { clientId: 'oc-stack-health', timeoutMs: 5_000 }));
        return cluster.nodes.every((n) => registered.has(n.nodeId));
      },
    },
    // Finding a group coordinator makes the controller create __consumer_offsets first. Asked by
    // deleting a group nobody uses: "no such group" is the coordinator's answer. Not with
    // describeGroups: @confluentinc/kafka-javascript 1.10.1 dies of SIGSEGV when a description
    // comes back with an error, as it does while there is no coordinator yet.
    {
      name: 'group coordinator',
      probe: async () => {
        try {
          await withAdmin(kafka, (a) => a.deleteGroups(['oc-stack-health'], { timeout: 5_000 }));
          return true;
        } catch (err) {
          return (err as KafkaJS.KafkaJSDeleteGroupsError).groups?.[0]?.errorCode === KafkaJS.ErrorCodes.ERR_GROUP_ID_NOT_FOUND;
        }
      },
    },
    // Same for __transaction_state: initTransactions runs inside connect() of a transactional producer.
    {
      name: 'transaction coordinator',
      probe: async () => {
        const producer = kafka.producer({ kafkaJS: { transactionalId: 'oc-stack-health', idempotent: true, maxInFlightRequests: 1 } });
        try {
          await producer.connect();
          return true;
        } finally {
          await producer.disconnect().catch(() => undefined);
        }
      },
    },
  ];
  for (const stage of stages) {
    const stageStart = Date.now();
    if (!(await waitUntil({ deadline, intervalMs: 250, probe: stage.probe, failFast }))) {
      throw notHealthy(cluster, stage.name, registered, timeoutMs);
    }
    logger.debug('kafka: health stage passed', { stage: stage.name, ms: Date.now() - stageStart });
  }
}

async function withAdmin<T>(kafka: KafkaJS.Kafka, fn: (admin: KafkaJS.Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function notHealthy(cluster: KafkaCluster, stage: string, registered: Set<number>, timeoutMs: number): InfraError {
  // Name the node most likely at fault: one that never registered, else the first one.
  const culprit = cluster.nodes.find((n) => !registered.has(n.nodeId)) ?? cluster.nodes[0];
  return new InfraError(
    'SERVICE_UNHEALTHY',
    `kafka node ${culprit.nodeId} not healthy within ${timeoutMs / 1000} s (stage: ${stage}; log: ${culprit.logFile}):\n${tailFile(culprit.logFile, 15, culprit.logOffset)}`,
    { canRetry: true },
  );
}

async function stopKafka(nodes: KafkaNode[], logger: Logger): Promise<void> {
  const started = Date.now();
  // All at once: stopping one by one makes each remaining node move leadership again.
  await Promise.all(nodes.map((n) => stopProcess(n.process, KAFKA_DEFAULTS.stopGraceMs, logger)));
  logger.info('kafka: stopped', { nodes: nodes.length, ms: Date.now() - started });
}
