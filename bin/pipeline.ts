// The whole pipeline on one machine, as child processes in dependency order: registry, device
// lab, inventory import, processor, sink, collector, api. Used by `demo` (npm start) and by the
// end-to-end tests, so what the user runs is what the tests prove.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startRole, stopAll, type RoleProcess } from './supervisor.js';
import { projectRoot } from './supervisor.js';

export interface PipelineEndpoints {
  kafkaBrokers: string[];
  databaseUrl: string;
  redisUrl: string;
}

export interface PipelineOptions {
  endpoints: PipelineEndpoints;
  runDir: string; // .run/<profile> or a test's own folder
  jwtSecret: string;
  topicPrefix?: string;
  registryUrl?: string; // an existing registry; otherwise one is started
  apiPort?: number;
  labDevices?: number;
  /** Extra settings of the processor (e.g. ANALYSIS_CONFIG_FILE). */
  processorEnv?: Record<string, string>;
  /** Network-namespace ICMP paths in the lab (default: the lab's own, 1 when root). */
  labIcmpPaths?: number;
  pollIntervalMs?: number;
  log?: (msg: string) => void;
}

export interface Pipeline {
  registryUrl: string;
  apiUrl: string;
  labUrl: string;
  env: Record<string, string>;
  roles: Map<string, RoleProcess>;
  stop(): Promise<void>;
}

/** The lab's MCP simulator, when it runs: the collector gets its URL and account. */
function readMcp(labDir: string): { url: string; username: string; password: string } | null {
  const file = join(labDir, 'mcp.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
}

const httpOk = (url: string) => async () => (await fetch(url).catch(() => null))?.ok === true;

export async function startPipeline(o: PipelineOptions): Promise<Pipeline> {
  const log = o.log ?? (() => undefined);
  const logDir = join(o.runDir, 'logs');
  const started: RoleProcess[] = [];
  const roles = new Map<string, RoleProcess>();
  const base: Record<string, string> = {
    KAFKA_BROKERS: o.endpoints.kafkaBrokers.join(','),
    DATABASE_URL: o.endpoints.databaseUrl,
    REDIS_URL: o.endpoints.redisUrl,
    KAFKA_TOPIC_PREFIX: o.topicPrefix ?? '',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  };
  const start = async (name: string, role: string, env: Record<string, string>, ready?: () => Promise<boolean>, args?: string[]) => {
    log(`starting ${name}`);
    const p = await startRole({ name, role, args, env: { ...base, ...env }, logDir, ready: ready ? () => ready() : undefined, timeoutMs: 90_000 });
    started.push(p);
    roles.set(name, p);
    return p;
  };
  try {
    let registryUrl = o.registryUrl;
    if (!registryUrl) {
      const port = await freePort();
      registryUrl = `http://127.0.0.1:${port}`;
      await start('registry', 'registry', { REGISTRY_PORT: String(port) }, httpOk(`${registryUrl}/subjects`));
    }
    base.SCHEMA_REGISTRY_URL = registryUrl;

    const [snmpPort, labHttpPort] = [await freePort(), await freePort()];
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
      },
      httpOk(`${labUrl}/healthz`),
    );
    log('publishing the lab inventory');
    const inv = await startRole({ name: 'inventory', role: 'inventory', args: ['import', join(labDir, 'inventory.yaml')], env: base, logDir, ready: async (p) => p.child.exitCode === 0 });
    await inv.stop();

    await start('processor', 'processor', o.processorEnv ?? {});
    await start('sink', 'sink', {});
    const mcp = readMcp(labDir);
    await start('collector-1', 'collector', {
      COLLECTOR_ID: 'collector-1',
      POLL_INTERVAL_MS: String(o.pollIntervalMs ?? 5_000),
      ICMP_INTERVAL_MS: String(o.pollIntervalMs ?? 5_000),
      SSH_INTERVAL_MS: String(Math.max(5_000, (o.pollIntervalMs ?? 5_000) * 3)),
      SSH_KNOWN_HOSTS_FILE: join(o.runDir, 'ssh_known_hosts'),
      ...(mcp ? { MCP_URL: mcp.url, MCP_USERNAME: mcp.username, MCP_PASSWORD: mcp.password, MCP_INTERVAL_MS: '10000' } : {}),
    });
    const apiPort = o.apiPort ?? (await freePort());
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await start('api', 'api', { API_PORT: String(apiPort), API_JWT_SECRET: o.jwtSecret, API_UI_DIR: join(projectRoot, 'ui', 'dist') }, httpOk(`${apiUrl}/readyz`));
    return { registryUrl, apiUrl, labUrl, env: base, roles, stop: () => stopAll(started) };
  } catch (err) {
    await stopAll(started);
    throw err;
  }
}
