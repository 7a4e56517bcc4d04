// `npm run bench -- NAME`: starts what the benchmark needs on the test profile (reusing a stack
// that is already up), runs it, and lets it print its figures; each ends with one JSON line.
// BENCH_KAFKA_BROKERS runs the Kafka side against a cluster of yours instead of the stack's
// (plaintext) Kafka, with the KAFKA_SECURITY_PROTOCOL, KAFKA_SSL_* and KAFKA_SASL_* settings of the
// environment: every client a bench makes, kcat and the roles it starts use them.
// The last line is also appended to bench/results/<NAME>.jsonl with the date, commit and machine
// (bench/results.ts); BENCH_NOTE=text adds a note to it.
import { loadConfig } from '../common/config.js';
import { kafkaSecurityEnv, kafkaSecurityOf, kafkaSecuritySettings, type KafkaSecurityConfig } from '../common/kafka-security.js';
import { createLogger } from '../common/log.js';
import { DEFAULT_APT_PACKAGES, ensureInstalled } from '../infra/install.js';
import { startStack } from '../infra/stack.js';
import { freePort, projectRoot, startRole } from '../infra/supervisor.js';
import { recordRun } from './results.js';
import { join } from 'node:path';

export interface BenchContext {
  kafkaBrokers: string[];
  /** TLS and SASL settings of kafkaBrokers (spread into a streams config; kafkaSecurityOf for clients). */
  kafkaSecurity: KafkaSecurityConfig;
  databaseUrl: string;
  redisUrl: string;
  registryUrl: string;
  args: string[];
  say(msg: string): void;
}

interface Bench {
  run(ctx: BenchContext): Promise<Record<string, unknown>>;
  /** False for benches of pure computation (the NAB corpus): no stack is started for them. */
  needsStack?: boolean;
}

const benches: Record<string, () => Promise<Bench>> = {
  kafka: () => import('./kafka.js'),
  processor: () => import('./processor.js'),
  snmp: () => import('./snmp.js'),
  lab: () => import('./lab.js'),
  nab: () => import('./nab.js'),
  sink: () => import('./sink.js'),
  api: () => import('./api.js'),
  ui: () => import('./ui.js'),
  resilience: () => import('./resilience.js'),
  pipeline: () => import('./pipeline.js'),
  abuse: () => import('./abuse.js'),
  traps: () => import('./traps.js'),
  'device-metrics': () => import('./device-metrics.js'),
};

/** Debian packages a bench needs beyond the stack's: its browser, its reference implementation. */
const BENCH_APT_PACKAGES: Record<string, string[]> = { ui: ['chromium'], traps: ['snmptrapd'] };

/** Prints the run's last line and keeps it in bench/results/. */
function finish(name: string, figures: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify({ bench: name, ...figures }) + '\n');
  process.stderr.write(`recorded in ${recordRun(projectRoot, name, figures)}\n`);
}

export async function runBench(argv: string[]): Promise<void> {
  const [name, ...args] = argv;
  const load = name ? benches[name] : undefined;
  if (!load) throw new Error(`usage: npm run bench -- NAME (one of: ${Object.keys(benches).join(', ')})`);
  const logger = createLogger({ role: 'bench' });
  const bench = await load();
  const say = (m: string) => process.stdout.write(`${m}\n`);
  const plaintext = loadConfig(kafkaSecuritySettings, {}, undefined);
  if (bench.needsStack === false) {
    const figures = await bench.run({ kafkaBrokers: [], kafkaSecurity: plaintext, databaseUrl: '', redisUrl: '', registryUrl: '', args, say });
    finish(name, figures);
    return;
  }
  const external = process.env.BENCH_KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter(Boolean);
  const kafkaSecurity = external ? loadConfig(kafkaSecuritySettings, process.env, undefined) : plaintext;
  if (!external && kafkaSecurityOf(loadConfig(kafkaSecuritySettings, process.env, undefined)).protocol !== 'plaintext')
    say('note: the KAFKA_SSL_* / KAFKA_SASL_* settings of the environment are not used: the local stack is plaintext (BENCH_KAFKA_BROKERS names a cluster they are for)');
  await ensureInstalled({ root: projectRoot, logger, kafka: true, python: true, apt: BENCH_APT_PACKAGES[name] ? [...DEFAULT_APT_PACKAGES, ...BENCH_APT_PACKAGES[name]] : undefined });
  const stack = await startStack({ root: projectRoot, profile: 'test', brokers: 1, logger });
  const kafkaBrokers = external ?? stack.endpoints.kafkaBrokers;
  if (external) say(`Kafka: ${kafkaBrokers.join(',')} (BENCH_KAFKA_BROKERS, ${kafkaSecurityOf(kafkaSecurity).protocol})`);
  const port = await freePort();
  const registryUrl = `http://127.0.0.1:${port}`;
  const registry = await startRole({
    name: 'bench-registry',
    role: 'registry',
    env: { KAFKA_BROKERS: kafkaBrokers.join(','), ...kafkaSecurityEnv(kafkaSecurity), REGISTRY_PORT: String(port) },
    logDir: join(projectRoot, '.run', 'test', 'logs'),
    ready: async () => (await fetch(`${registryUrl}/subjects`).catch(() => null))?.ok === true,
  });
  try {
    const figures = await bench.run({ ...stack.endpoints, kafkaBrokers, kafkaSecurity, registryUrl, args, say });
    finish(name, figures);
  } finally {
    await registry.stop();
    await stack.stop();
  }
}
