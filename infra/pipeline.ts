// The whole pipeline on one machine, as child processes in dependency order: registry, device
// lab, inventory import, processor, sink, collector, api. Used by `demo` (npm start), by the
// end-to-end tests and by the resilience suite, so what the user runs is what the tests prove.
// Each role is started from a remembered spec, so a fault test can SIGKILL one, restart it with
// the same settings, or scale the collectors out and in.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaSecurityEnv, type KafkaSecurityConfig } from '../common/kafka-security.js';
import { ensureKeyFile } from './lab/lab-credentials.js';
import { ScrapeTargets, SCRAPE_TARGETS_FILE } from './scrape-targets.js';
import { freePort, startRole, type RoleProcess } from './supervisor.js';
import { projectRoot } from './supervisor.js';

export interface PipelineEndpoints {
  kafkaBrokers: string[];
  databaseUrl: string;
  redisUrl: string;
}

/** The lab NetBox simulator's token (a fixture, not a secret) and how often `npm start` re-reads the links. */
const LAB_NETBOX_TOKEN = '0123456789abcdef0123456789abcdef01234567'; // 40 hex, as NetBox v1 tokens are
const LINKS_SYNC_EVERY_MS = 60_000;

export interface PipelineOptions {
  endpoints: PipelineEndpoints;
  /** TLS and SASL of every role's Kafka clients. Default plaintext, whatever this process's
   * environment says: the local stacks are plaintext. */
  kafkaSecurity?: Partial<KafkaSecurityConfig>;
  runDir: string; // .run/<profile> or a test's own folder
  jwtSecret: string;
  topicPrefix?: string;
  registryUrl?: string; // an existing registry; otherwise one is started
  registryPort?: number; // of the registry started here (default: any free port)
  apiPort?: number;
  labDevices?: number;
  /** Extra settings of the processor (e.g. ANALYSIS_CONFIG_FILE). */
  processorEnv?: Record<string, string>;
  /** Extra settings of the sink, every collector, the api and the lab. */
  sinkEnv?: Record<string, string>;
  collectorEnv?: Record<string, string>;
  apiEnv?: Record<string, string>;
  labEnv?: Record<string, string>;
  /** Replicas of every topic the roles create (KAFKA_REPLICATION_FACTOR; 3 on the cluster profile). */
  replicationFactor?: number;
  /** Network-namespace ICMP paths in the lab (default: the lab's own, 1 when root). */
  labIcmpPaths?: number;
  pollIntervalMs?: number;
  /** Also run the `traps` role (on a free UDP port; the lab's scenarios send it traps). */
  traps?: boolean;
  /** Run `inventory sync-links` every minute against the lab's LLDP tables and its NetBox
   * simulator's cables, so the weathermap has the lab's topology (`npm start`). */
  links?: boolean;
  /** Extra settings of the traps role. */
  trapsEnv?: Record<string, string>;
  log?: (msg: string) => void;
}

export interface Pipeline {
  registryUrl: string;
  apiUrl: string;
  labUrl: string;
  /** Where the traps role listens (UDP, 127.0.0.1), when it runs. */
  trapPort: number | null;
  env: Record<string, string>;
  /** The running process of each role by name (registry, lab, processor, sink, collector-N, api). */
  roles: Map<string, RoleProcess>;
  /** The Prometheus file_sd file of the run (`scrapeTargets.file`): every running role that serves
   * /metrics; a role started beside the pipeline (startRole) joins it by passing this. */
  scrapeTargets: ScrapeTargets;
  /** SIGKILL, no restart: a crash. */
  killRole(name: string): Promise<void>;
  /** Starts a role again with the settings it had (after a kill, or SIGTERM first if it runs). */
  restartRole(name: string): Promise<RoleProcess>;
  /** Starts or stops (SIGTERM, highest numbers first) collectors until `count` run. */
  scaleCollectors(count: number): Promise<void>;
  stop(): Promise<void>;
}

interface RoleSpec {
  role: string;
  env: Record<string, string>;
  args?: string[];
  ready?: () => Promise<boolean>;
}

/** The lab's MCP simulator, when it runs: the collector gets its URL and account. */
function readMcp(labDir: string): { url: string; username: string; password: string } | null {
  const file = join(labDir, 'mcp.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
}

const httpOk = (url: string) => async () => (await fetch(url).catch(() => null))?.ok === true;
const collectorName = (n: number) => `collector-${n}`;

/** What every role of the run reads: the stack's endpoints, the run's one credential store, prefixes. */
function sharedEnv(o: PipelineOptions, credentialsKeyFile: string): Record<string, string> {
  return {
    KAFKA_BROKERS: o.endpoints.kafkaBrokers.join(','),
    OC_CREDENTIALS_KEY: '', // not this shell's: the file below
    OC_CREDENTIALS_KEY_FILE: credentialsKeyFile,
    OC_CREDENTIALS_FILE: join(o.runDir, 'credentials.enc.json'),
    ...kafkaSecurityEnv(o.kafkaSecurity),
    DATABASE_URL: o.endpoints.databaseUrl,
    REDIS_URL: o.endpoints.redisUrl,
    KAFKA_TOPIC_PREFIX: o.topicPrefix ?? '',
    // Pipelines sharing one Redis (the tests do) keep their cached values and event channels apart
    // as their topics are: a new subscriber must never get another pipeline's last value.
    SINK_REDIS_PREFIX: `${o.topicPrefix ?? ''}oc:`,
    API_REDIS_PREFIX: `${o.topicPrefix ?? ''}oc:api:`,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    ...(o.replicationFactor === undefined ? {} : { KAFKA_REPLICATION_FACTOR: String(o.replicationFactor) }),
  };
}

/** The settings of collector number n: the run's poll interval, the lab's MCP when it runs. */
function collectorEnvOf(o: PipelineOptions, mcp: ReturnType<typeof readMcp>): (n: number) => Record<string, string> {
  return (n) => ({
    COLLECTOR_ID: collectorName(n),
    POLL_INTERVAL_MS: String(o.pollIntervalMs ?? 5_000),
    ICMP_INTERVAL_MS: String(o.pollIntervalMs ?? 5_000),
    SSH_INTERVAL_MS: String(Math.max(5_000, (o.pollIntervalMs ?? 5_000) * 3)),
    SSH_KNOWN_HOSTS_FILE: join(o.runDir, 'ssh_known_hosts'),
    ...(mcp ? { MCP_URL: mcp.url, MCP_USERNAME: mcp.username, MCP_PASSWORD: mcp.password, MCP_INTERVAL_MS: '10000' } : {}),
    ...o.collectorEnv,
  });
}

/** Starts roles from remembered specs (so one can be started again as it was) and stops them in reverse. */
function roleRunner(base: Record<string, string>, logDir: string, scrapeTargets: ScrapeTargets, log: (msg: string) => void) {
  const order: string[] = []; // start order of the roles; stopped in reverse
  const specs = new Map<string, RoleSpec>();
  const roles = new Map<string, RoleProcess>();
  const launch = async (name: string) => {
    const spec = specs.get(name)!;
    const p = await startRole({ name, role: spec.role, args: spec.args, env: { ...base, ...spec.env }, logDir, ready: spec.ready ? () => spec.ready!() : undefined, timeoutMs: 90_000, scrapeTargets });
    roles.set(name, p);
    return p;
  };
  return {
    order,
    specs,
    roles,
    launch,
    start: async (name: string, role: string, env: Record<string, string>, ready?: () => Promise<boolean>, args?: string[]) => {
      log(`starting ${name}`);
      specs.set(name, { role, env, ready, args });
      if (!order.includes(name)) order.push(name);
      return launch(name);
    },
    running: (name: string) => {
      const c = roles.get(name)?.child;
      return c !== undefined && c.exitCode === null && c.signalCode === null;
    },
    stopAll: async () => {
      for (const name of [...order].reverse()) await roles.get(name)?.stop();
    },
  };
}
type RoleRunner = ReturnType<typeof roleRunner>;

/** Kill, restart and scale for fault tests, over the runner's roles. */
function faultControls(r: RoleRunner, collectorEnv: (n: number) => Record<string, string>, log: (msg: string) => void): Pick<Pipeline, 'killRole' | 'restartRole' | 'scaleCollectors'> {
  return {
    async killRole(name) {
      const p = r.roles.get(name);
      if (!p) throw new Error(`pipeline: no role "${name}" (roles: ${[...r.roles.keys()].join(', ')})`);
      await p.kill();
    },
    async restartRole(name) {
      if (!r.specs.has(name)) throw new Error(`pipeline: no role "${name}" to restart (roles: ${[...r.specs.keys()].join(', ')})`);
      await r.roles.get(name)?.stop();
      log(`restarting ${name}`);
      return r.launch(name);
    },
    async scaleCollectors(count) {
      if (!(count >= 1)) throw new Error(`pipeline: at least one collector is needed, ${count} asked`);
      const live = () => r.order.filter((n) => n.startsWith('collector-') && r.running(n));
      // Added ones start one at a time: each join is a rebalance of the collectors' group.
      for (let n = 1; live().length < count; n++) {
        const name = collectorName(n);
        if (r.running(name)) continue;
        r.specs.set(name, { role: 'collector', env: collectorEnv(n) });
        if (!r.order.includes(name)) r.order.splice(r.order.indexOf('api'), 0, name); // stopped after the api
        log(`starting ${name}`);
        await r.launch(name);
      }
      for (const name of live().reverse().slice(0, Math.max(0, live().length - count))) await r.roles.get(name)!.stop();
    },
  };
}

export async function startPipeline(o: PipelineOptions): Promise<Pipeline> {
  const log = o.log ?? (() => undefined);
  const logDir = join(o.runDir, 'logs');
  // One credential store for the run: the lab seals its devices' credentials into it, the
  // inventory names them, the collectors resolve them, the API's admin mutations write it.
  const scrapeTargets = new ScrapeTargets(join(o.runDir, SCRAPE_TARGETS_FILE));
  const credentialsKeyFile = join(o.runDir, 'credentials.key');
  ensureKeyFile(credentialsKeyFile);
  const base = sharedEnv(o, credentialsKeyFile);
  const r = roleRunner(base, logDir, scrapeTargets, log);
  const start = r.start;
  try {
    let registryUrl = o.registryUrl;
    if (!registryUrl) {
      const port = o.registryPort ?? (await freePort());
      registryUrl = `http://127.0.0.1:${port}`;
      await start('registry', 'registry', { REGISTRY_PORT: String(port) }, httpOk(`${registryUrl}/subjects`));
    }
    base.SCHEMA_REGISTRY_URL = registryUrl;

    const [snmpPort, labHttpPort] = [await freePort(), await freePort()];
    // A free TCP port number for a UDP listener: taken by nothing here in practice, and the traps
    // role stops with TRAP_PORT_UNAVAILABLE if it is.
    const trapPort = o.traps ? await freePort() : null;
    const netboxPort = o.links ? await freePort() : null;
    const labDir = join(o.runDir, 'lab');
    const labUrl = `http://127.0.0.1:${labHttpPort}`;
    await start(
      'lab',
      'lab',
      {
        LAB_DEVICES: String(o.labDevices ?? 4),
        LAB_SNMP_PORT: String(snmpPort),
        LAB_HTTP_PORT: String(labHttpPort),
        LAB_DATA_DIR: labDir,
        ...(o.labIcmpPaths === undefined ? {} : { LAB_ICMP_PATHS: String(o.labIcmpPaths) }),
        ...(trapPort ? { LAB_TRAP_TARGETS: `127.0.0.1:${trapPort}` } : {}),
        ...(netboxPort ? { LAB_NETBOX_PORT: String(netboxPort), LAB_NETBOX_TOKEN: LAB_NETBOX_TOKEN } : {}),
        ...o.labEnv,
      },
      httpOk(`${labUrl}/healthz`),
    );
    log('publishing the lab inventory');
    const inv = await startRole({ name: 'inventory', role: 'inventory', args: ['import', join(labDir, 'inventory.yaml')], env: base, logDir, ready: async (p) => p.child.exitCode === 0, timeoutMs: 90_000 });
    await inv.stop();

    // A stable instance id: a processor restarted under its name takes its partitions back at once.
    await start('processor', 'processor', { PROCESSOR_INSTANCE_ID: 'processor', ...o.processorEnv });
    await start('sink', 'sink', o.sinkEnv ?? {});
    if (trapPort) await start('traps', 'traps', { TRAP_HOST: '127.0.0.1', TRAP_PORT: String(trapPort), TRAP_RECEIVER_ID: 'traps-1', ...o.trapsEnv });
    const mcp = readMcp(labDir);
    const collectorEnv = collectorEnvOf(o, mcp);
    await start(collectorName(1), 'collector', collectorEnv(1));
    // The links syncer has no ops port: it is up once spawned, and says what it found in its log.
    if (netboxPort) {
      const netbox = { NETBOX_URL: `http://127.0.0.1:${netboxPort}`, NETBOX_TOKEN: LAB_NETBOX_TOKEN, LINKS_SYNC_INTERVAL_MS: String(LINKS_SYNC_EVERY_MS) };
      // MCP's links too, when the lab's MCP simulator runs: the Ciena devices' links show source "mcp".
      const mcpLinks: Record<string, string> = mcp ? { MCP_URL: mcp.url, MCP_USERNAME: mcp.username, MCP_PASSWORD: mcp.password } : {};
      await start('links', 'inventory', { ...netbox, ...mcpLinks }, async () => true, ['sync-links']);
    }
    const apiPort = o.apiPort ?? (await freePort());
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await start('api', 'api', { API_PORT: String(apiPort), API_JWT_SECRET: o.jwtSecret, API_UI_DIR: join(projectRoot, 'ui', 'dist'), ...o.apiEnv }, httpOk(`${apiUrl}/readyz`));

    const pipeline: Pipeline = { registryUrl, apiUrl, labUrl, trapPort, env: base, roles: r.roles, scrapeTargets, ...faultControls(r, collectorEnv, log), stop: r.stopAll };
    return pipeline;
  } catch (err) {
    await r.stopAll();
    throw err;
  }
}
