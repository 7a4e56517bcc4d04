// Installs what the local stack needs on a fresh machine (CI has nothing but the toolchains) and
// does nothing, quickly, on a machine that has it already:
//   - Debian packages, each checked with dpkg-query, installed only when missing;
//   - Kafka server jars, fetched from Maven Central through infra/kafka/pom.xml into
//     .cache/kafka-<version>/libs, again only when the pom changed since the last fetch;
//   - a Python venv at .cache/venv with infra/python-requirements.txt (pinned).

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../common/log.js';
import { InfraError } from './errors.js';
import { withFileLock } from './file-lock.js';
import { findOnPath } from './proc.js';

/** Debian packages the stack and the lab use. Exported so the integrator can extend it (chromium). */
export const DEFAULT_APT_PACKAGES: readonly string[] = [
  'postgresql',
  'redis-server',
  'kcat',
  'fping',
  'openssh-server',
  'iptables',
  'iproute2',
];

export interface InstallOptions {
  root: string;
  logger: Logger;
  /** Debian packages; default DEFAULT_APT_PACKAGES. An empty list skips apt entirely. */
  apt?: readonly string[];
  kafka?: boolean; // default true
  python?: boolean; // default true
  /** Told each install step as it starts, every PROGRESS_EVERY_MS while it runs, and when it ends
   *  (npm start's terminal: a first run installs for minutes and must not look hung). */
  progress?: (line: string) => void;
}

export interface InstallResult {
  kafkaLibs: string;
  venvBin: string;
}

const PROGRESS_EVERY_MS = 15_000;
const LOCK_TIMEOUT_MS = 15 * 60_000; // a fresh apt install of postgresql and friends takes minutes
const COMPLETE_MARKER = '.complete'; // inside libs/: `libs/*` on a classpath only expands to jars

export function kafkaPomPath(root: string): string {
  return join(root, 'infra', 'kafka', 'pom.xml');
}

/** The Kafka version, pinned in one place: the pom's kafka.version property. */
export function readKafkaVersion(root: string): string {
  const pom = readFileSync(kafkaPomPath(root), 'utf8');
  const m = /<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/.exec(pom);
  if (!m) throw new InfraError('INSTALL_FAILED', `kafka: no <kafka.version> property in ${kafkaPomPath(root)}`);
  return m[1];
}

export function kafkaLibsDir(root: string): string {
  return join(root, '.cache', `kafka-${readKafkaVersion(root)}`, 'libs');
}

/** True when the jars for the pom as it is now were fetched completely. */
export function kafkaLibsReady(root: string): boolean {
  const marker = join(kafkaLibsDir(root), COMPLETE_MARKER);
  return existsSync(marker) && readFileSync(marker, 'utf8').trim() === sha256(readFileSync(kafkaPomPath(root)));
}

export async function ensureInstalled(opts: InstallOptions): Promise<InstallResult> {
  const { root, logger } = opts;
  const cacheDir = join(root, '.cache');
  mkdirSync(cacheDir, { recursive: true });
  const result: InstallResult = {
    kafkaLibs: opts.kafka === false ? '' : kafkaLibsDir(root),
    venvBin: join(cacheDir, 'venv', 'bin'),
  };
  // Tests run in parallel processes: one installer at a time, the others then find it done.
  return withFileLock(join(cacheDir, 'install.lock'), 'install', LOCK_TIMEOUT_MS, async () => {
    const started = Date.now();
    const step = { logger, progress: opts.progress };
    await ensureAptPackages(aptList(opts), step);
    if (opts.kafka !== false) await ensureKafkaJars(root, step);
    if (opts.python !== false) await ensureVenv(root, step);
    logger.info('install: done', { ms: Date.now() - started });
    return result;
  });
}

/** The requested packages plus the toolchain a step needs when the machine lacks it. */
function aptList(opts: InstallOptions): string[] {
  const list = new Set(opts.apt ?? DEFAULT_APT_PACKAGES);
  if (opts.kafka !== false && !findOnPath('java')) list.add('openjdk-17-jre-headless');
  if (opts.kafka !== false && !findOnPath('mvn')) list.add('maven');
  if (opts.python !== false && !findOnPath('python3')) ['python3', 'python3-venv'].forEach((p) => list.add(p));
  return [...list];
}

async function ensureAptPackages(packages: string[], step: StepContext): Promise<void> {
  const { logger } = step;
  if (packages.length === 0) return;
  const missing = await missingAptPackages(packages);
  if (missing.length === 0) {
    logger.debug('install: apt packages present', { packages });
    return;
  }
  if (process.getuid?.() !== 0) {
    throw new InfraError('INSTALL_FAILED', `install step "apt": missing ${missing.join(', ')} and not root; install them with apt-get`);
  }
  logger.info('install: apt packages missing, installing', { missing });
  const started = Date.now();
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await withServicesHeldBack(async () => {
    await runStep('apt-get update', 'apt-get', ['update'], { env, ...step });
    await runStep('apt-get install', 'apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env, ...step });
  });
  const still = await missingAptPackages(missing);
  if (still.length > 0) throw new InfraError('INSTALL_FAILED', `install step "apt": still missing after install: ${still.join(', ')}`);
  logger.info('install: apt packages installed', { missing, ms: Date.now() - started });
}

async function missingAptPackages(packages: string[]): Promise<string[]> {
  // dpkg-query exits 1 when any name is unknown, but still prints the others: read the lines.
  const { output } = await run('dpkg-query', ['-W', '--showformat=${Package}\\t${Status}\\n', ...packages], {});
  const installed = new Set(
    output
      .split('\n')
      .map((line) => line.split('\t'))
      .filter(([, status]) => status?.trim() === 'install ok installed')
      .map(([name]) => name.split(':')[0]),
  );
  return packages.filter((p) => !installed.has(p));
}

/** Debian's maintainer scripts start installed services (sshd on :22, a postgres on :5432);
 *  the stack runs its own instances, so ask invoke-rc.d not to, unless the machine already says. */
async function withServicesHeldBack(fn: () => Promise<void>): Promise<void> {
  const policy = '/usr/sbin/policy-rc.d';
  if (existsSync(policy)) return fn();
  writeFileSync(policy, '#!/bin/sh\n# written by opsconductor infra/install.ts during apt-get install\nexit 101\n', { mode: 0o755 });
  try {
    await fn();
  } finally {
    rmSync(policy, { force: true });
  }
}

async function ensureKafkaJars(root: string, step: StepContext): Promise<void> {
  const { logger } = step;
  const libs = kafkaLibsDir(root);
  if (kafkaLibsReady(root)) {
    logger.debug('install: kafka jars present', { libs });
    return;
  }
  const started = Date.now();
  const pomHash = sha256(readFileSync(kafkaPomPath(root)));
  const staging = `${libs}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  logger.info('install: fetching kafka jars', { version: readKafkaVersion(root), libs });
  await runStep(
    'kafka jars (mvn dependency:copy-dependencies)',
    'mvn',
    ['-q', '-B', '-f', kafkaPomPath(root), 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`, '-DincludeScope=runtime'],
    step,
  );
  syncJars(staging, libs);
  rmSync(staging, { recursive: true, force: true });
  writeFileSync(join(libs, COMPLETE_MARKER), pomHash + '\n');
  logger.info('install: kafka jars ready', { libs, jars: readdirSync(libs).length - 1, ms: Date.now() - started });
}

/** Brings `libs` to exactly the staged jars without emptying it first: a broker that is running
 *  from these jars loads classes lazily, so unchanged files stay where they are. */
function syncJars(staging: string, libs: string): void {
  mkdirSync(libs, { recursive: true });
  const wanted = new Set(readdirSync(staging));
  for (const name of wanted) {
    const from = join(staging, name);
    const to = join(libs, name);
    if (!existsSync(to) || statSync(to).size !== statSync(from).size) copyFileSync(from, to);
  }
  for (const name of readdirSync(libs)) if (!wanted.has(name)) rmSync(join(libs, name), { force: true });
}

async function ensureVenv(root: string, step: StepContext): Promise<void> {
  const { logger } = step;
  const venv = join(root, '.cache', 'venv');
  const requirements = join(root, 'infra', 'python-requirements.txt');
  const marker = join(venv, '.requirements.sha256');
  const python = join(venv, 'bin', 'python3');
  const want = sha256(readFileSync(requirements));
  if (existsSync(python) && existsSync(marker) && readFileSync(marker, 'utf8').trim() === want) {
    logger.debug('install: python venv up to date', { venv });
    return;
  }
  const started = Date.now();
  if (!existsSync(python)) {
    logger.info('install: creating python venv', { venv });
    await runStep('python venv', 'python3', ['-m', 'venv', venv], step);
  }
  // Installed in place rather than re-created: lab processes may be running from this venv,
  // and pip brings every pinned package to its pinned version either way.
  logger.info('install: installing python requirements', { requirements });
  await runStep(
    'python requirements (pip install)',
    join(venv, 'bin', 'pip'),
    ['install', '--disable-pip-version-check', '--no-input', '-q', '-r', requirements],
    step,
  );
  writeFileSync(marker, want + '\n');
  logger.info('install: python venv ready', { venv, ms: Date.now() - started });
}

interface StepContext {
  logger: Logger;
  progress?: (line: string) => void;
}

async function runStep(step: string, command: string, args: string[], opts: StepContext & { env?: NodeJS.ProcessEnv }) {
  opts.logger.info('install: running', { step, command: [command, ...args].join(' ') });
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 1000);
  opts.progress?.(`installing: ${step}`);
  const ticker = opts.progress && setInterval(() => opts.progress?.(`  … ${step}: ${seconds()} s`), PROGRESS_EVERY_MS);
  const res = await run(command, args, { env: opts.env }).finally(() => clearInterval(ticker));
  opts.progress?.(`  ${step}: ${res.code === 0 ? 'done' : 'FAILED'} in ${seconds()} s`);
  if (res.code !== 0) {
    const tail = res.output.trim().split('\n').slice(-20).join('\n');
    throw new InfraError(
      'INSTALL_FAILED',
      `install step "${step}" failed: \`${command} ${args.join(' ')}\` exited with ${res.code}\n${tail}`,
    );
  }
  return res;
}

function run(command: string, args: string[], opts: { env?: NodeJS.ProcessEnv }): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-64_000); // only the tail is ever shown
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (err) => resolve({ code: 127, output: `${command}: ${err.message}` }));
    child.once('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
