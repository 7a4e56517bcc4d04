// `npm test`: installs and starts what the suite needs (Debian packages, Kafka jars, the Python
// venv, a local stack on the test profile's ports, a schema registry), type-checks, builds the
// dashboard, runs every *.test.ts with node's test runner, and stops what it started.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createLogger } from '../common/log.js';
import { DEFAULT_APT_PACKAGES, ensureInstalled } from './install.js';
import { startStack } from './stack.js';
import { freePort, projectRoot, startRole } from './supervisor.js';
import { ensureUiBuilt } from './ui-build.js';

// Only the suite needs these: Chromium for the dashboard's browser tests (playwright-core),
// Prometheus (and promtool) for the monitoring pack's tests (infra/monitoring).
const SUITE_APT_PACKAGES = ['chromium', 'prometheus'];

const testRoots = ['common', 'streams', 'schemas', 'devices', 'credentials', 'alarms', 'storage', 'collectors', 'processors', 'sinks', 'api', 'ui', 'infra', 'bin', 'test', 'bench'];

function findTests(dir: string, out: string[] = []): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name === 'dist') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) findTests(p, out);
    else if (e.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: projectRoot, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

export async function runTests(filters: string[]): Promise<number> {
  const logger = createLogger({ role: 'test' });
  const say = (msg: string) => process.stdout.write(`# ${msg}\n`);
  await ensureInstalled({ root: projectRoot, logger, kafka: true, python: true, apt: [...DEFAULT_APT_PACKAGES, ...SUITE_APT_PACKAGES] });

  say('type-checking (tsc --noEmit)');
  const tsc = await run(process.execPath, [join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', 'tsconfig.json']);
  if (tsc !== 0) {
    say('type errors: fix them first');
    return tsc;
  }
  if (filters.length === 0) {
    // The whole suite (CI) lints too; a filtered run is for the files at hand.
    say('linting (eslint, typescript-eslint recommended-type-checked)');
    const lint = await run(process.execPath, [join(projectRoot, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--max-warnings=0', '.']);
    if (lint !== 0) {
      say('lint errors: fix them first (npm run lint; npx eslint --fix . fixes many)');
      return lint;
    }
  }
  ensureUiBuilt(say);

  say('starting the test stack');
  const stack = await startStack({ root: projectRoot, profile: 'test', brokers: 1, logger });
  const runDir = join(projectRoot, '.run', 'test');
  const registryPort = await freePort();
  const registryUrl = `http://127.0.0.1:${registryPort}`;
  const env = {
    KAFKA_BROKERS: stack.endpoints.kafkaBrokers.join(','),
    DATABASE_URL: stack.endpoints.databaseUrl,
    REDIS_URL: stack.endpoints.redisUrl,
    SCHEMA_REGISTRY_URL: registryUrl,
  };
  let code = 1;
  const registry = await startRole({
    name: 'registry',
    role: 'registry',
    env: { ...env, REGISTRY_PORT: String(registryPort) },
    logDir: join(runDir, 'logs'),
    ready: async () => (await fetch(`${registryUrl}/subjects`).catch(() => null))?.ok === true,
  });
  try {
    const files = testRoots
      .flatMap((r) => findTests(join(projectRoot, r)))
      .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
    say(`running ${files.length} test files`);
    // Most test files wait on brokers, pollers and browsers rather than compute: two at a time
    // halves the suite's wall time on a 2-core machine (node's default there is one).
    const concurrency = process.env.OC_TEST_CONCURRENCY ?? '2';
    code = await run(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-force-exit', '--test-reporter=spec', ...files.map((f) => relative(projectRoot, f))], {
      ...process.env,
      ...env,
      OC_TEST_RUN_DIR: runDir,
      // Roles have fixed default ops ports; test files run in parallel and start roles of one kind
      // at once, so each takes any free port (the supervisor hands its children free ports anyway).
      OPS_PORT: '0',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    });
  } finally {
    await registry.stop();
    await stack.stop();
  }
  return code;
}
