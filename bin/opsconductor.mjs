#!/usr/bin/env node
// Entry point of every role. Plain JavaScript on purpose: on a fresh clone it runs before any
// npm package exists, installs them (the versions in package-lock.json), then hands over to the
// TypeScript CLI through tsx.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The Kafka client is librdkafka, built from the source in its npm tarball (its prebuilt download
// is not reachable everywhere): linked against the system's OpenSSL and zlib, which Debian's
// -dev packages provide, with a C/C++ toolchain.
const KAFKA_ADDON = join(root, 'node_modules', '@confluentinc', 'kafka-javascript', 'build', 'Release', 'confluent-kafka-javascript.node');
const BUILD_PACKAGES = ['build-essential', 'libssl-dev', 'zlib1g-dev', 'python3'];

function missingDebianPackages(names) {
  let out;
  try {
    out = execFileSync('dpkg-query', ['-W', '--showformat=${Package} ${Status}\\n', ...names], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (err) {
    out = String(err.stdout ?? ''); // exit 1 when a name is unknown to it; the others are still printed
  }
  const ok = new Set(out.split('\n').filter((l) => l.endsWith('install ok installed')).map((l) => l.split(' ')[0]));
  return names.filter((n) => !ok.has(n));
}

function ensureBuildTools() {
  if (!existsSync('/usr/bin/dpkg-query')) return; // not Debian: the toolchain is the user's to provide
  const missing = missingDebianPackages(BUILD_PACKAGES);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    process.stderr.write(`opsconductor: the Kafka client builds from source and needs ${missing.join(', ')}; install them with apt-get (not root here)\n`);
    process.exit(1);
  }
  process.stderr.write(`opsconductor: installing ${missing.join(', ')} (apt) to build the Kafka client…\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: ['ignore', 'inherit', 'inherit'], env });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: ['ignore', 'inherit', 'inherit'], env });
}

// A dependency added to package.json since node_modules was installed (a pull) installs too.
function missingDependencies() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((name) => !existsSync(join(root, 'node_modules', name, 'package.json')));
}

function ensureNodeModules() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(join(root, 'node_modules', 'tsx')) && existsSync(marker) && existsSync(KAFKA_ADDON) && missingDependencies().length === 0) return;
  ensureBuildTools();
  const started = Date.now();
  process.stderr.write('opsconductor: installing npm packages (the Kafka client, librdkafka, compiles from source: about two minutes on two cores)…\n');
  // `npm install --no-save`, not `npm ci`: both install the locked versions (.ci/run checks that
  // `npm ci` accepts the lock file), but `npm ci` first deletes node_modules, so a dependency
  // added by a pull would rebuild librdkafka (two minutes) instead of installing just what is new.
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, CKJS_LINKING: 'dynamic' } });
  if (!existsSync(KAFKA_ADDON)) {
    process.stderr.write(`opsconductor: the Kafka client's native build did not run (${KAFKA_ADDON} missing): check package.json's allowScripts and the build output above\n`);
    process.exit(1);
  }
  process.stderr.write(`opsconductor: npm packages installed in ${Math.round((Date.now() - started) / 1000)} s\n`);
}

ensureNodeModules();
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('./cli.ts');
await main(process.argv.slice(2));
