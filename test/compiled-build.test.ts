// The compiled build runs without tsx: bin/build.mjs writes it into a temporary folder (with only
// a node_modules link beside it, as the Docker image has), and roles started from that JavaScript
// work against the test stack: the processor answers /healthz and /readyz, and the sink, whose
// PostgreSQL connection lives on a worker thread loaded by file URL, stores a metric batch.
// It also holds the Docker image to running that build: the runtime stage copies the build and the
// production packages only, and runs `node` on it (Docker itself cannot run here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createLogger } from '../common/log.js';
import { connectStreams } from '../streams/index.js';
import { freePort, projectRoot } from '../infra/supervisor.js';
import { eventually, streamConfig, testEnv, uniquePrefix } from './env.js';
import { createTestDatabase } from './pg-db.js';
import { metricBatch, sinkEnv } from './sink-fixtures.js';

function startCompiled(out: string, role: string, env: Record<string, string>, t: { after(fn: () => Promise<void>): void }) {
  const log: string[] = [];
  // No tsx anywhere: a plain node, and NODE_OPTIONS cleared of any loader the test runner has.
  const child: ChildProcess = spawn(process.execPath, [join(out, 'bin', 'main.js'), role], {
    cwd: out,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (b: Buffer) => log.push(b.toString()));
  child.stderr!.on('data', (b: Buffer) => log.push(b.toString()));
  t.after(async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  });
  return { child, log: () => log.join('').slice(-3000) };
}

test('the compiled build runs the processor and the sink (pg worker thread) with plain node', { timeout: 240_000 }, async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'oc-build-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const t0 = Date.now();
  execFileSync(process.execPath, [join(projectRoot, 'bin', 'build.mjs'), '--out', out], { cwd: projectRoot, stdio: 'pipe' });
  t.diagnostic(`build: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const files = readdirSync(out, { recursive: true }).map(String);
  assert.deepEqual(files.filter((f) => f.endsWith('.ts') || f.endsWith('.test.js') || /^(test|bench)\//.test(f)), [], 'no TypeScript, tests or benches in the build');
  for (const asset of ['schemas/telemetry.metrics.avsc', 'devices/snmp-profiles/interfaces.yaml', 'infra/lab/icmp/tun_responder.py', 'package.json', 'sinks/timescale/pg-worker.js'])
    assert.ok(existsSync(join(out, asset)), `${asset} in the build`);
  symlinkSync(join(projectRoot, 'node_modules'), join(out, 'node_modules'));
  const version = execFileSync(process.execPath, [join(out, 'bin', 'main.js'), '--version'], { encoding: 'utf8', env: { PATH: process.env.PATH, NODE_OPTIONS: '' } });
  assert.equal(version, `opsconductor ${(JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version}\n`);

  const prefix = uniquePrefix('compiled');
  const kafka = { KAFKA_BROKERS: testEnv.kafkaBrokers.join(','), SCHEMA_REGISTRY_URL: testEnv.registryUrl, KAFKA_TOPIC_PREFIX: prefix, KAFKA_PARTITIONS: '3' };
  const processorOps = await freePort();
  const processor = startCompiled(out, 'processor', { ...kafka, OPS_PORT: String(processorOps), PROCESSOR_SESSION_TIMEOUT_MS: '6000' }, t);
  await eventually('the compiled processor answers /healthz', async () => ((await fetch(`http://127.0.0.1:${processorOps}/healthz`).catch(() => null))?.ok ? true : undefined), 60_000, 250).catch((err: Error) => assert.fail(`${err.message}\n${processor.log()}`));
  await eventually('the compiled processor is ready', async () => ((await fetch(`http://127.0.0.1:${processorOps}/readyz`).catch(() => null))?.ok ? true : undefined), 90_000, 250).catch((err: Error) => assert.fail(`${err.message}\n${processor.log()}`));

  const database = await createTestDatabase('compiled');
  t.after(() => database.drop());
  const sinkOps = await freePort();
  const sink = startCompiled(out, 'sink', { ...sinkEnv({ prefix, databaseUrl: database.url }), OPS_PORT: String(sinkOps), SINK_WRITER_THREAD: 'true' }, t);
  await eventually('the compiled sink is ready', async () => ((await fetch(`http://127.0.0.1:${sinkOps}/readyz`).catch(() => null))?.ok ? true : undefined), 90_000, 250).catch((err: Error) => assert.fail(`${err.message}\n${sink.log()}`));
  const streams = await connectStreams({ config: streamConfig(prefix), clientId: 'compiled-test', logger: createLogger({ test: 'compiled' }, 'error'), writes: ['metrics'] });
  t.after(() => streams.close());
  const b = metricBatch('compiled-r1', Date.now() - 60_000, 5);
  await streams.producer.send(streams.topics.metrics, [{ key: b.deviceId, value: b, timestamp: b.ts }]);
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  try {
    const rows = await eventually('the batch in metric_points', async () => {
      const n = Number((await db.query('SELECT count(*) AS n FROM metric_points')).rows[0].n);
      return n >= 5 ? n : undefined;
    }, 60_000, 500).catch((err: Error) => assert.fail(`${err.message}\n${sink.log()}`));
    assert.equal(rows, 5);
  } finally {
    await db.end(); // before the database is dropped (the after hooks)
  }
});

test('the Docker image runs the compiled build with node: no TypeScript, tests or benches, production packages only', () => {
  const dockerfile = readFileSync(join(projectRoot, 'Dockerfile'), 'utf8');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  assert.match(dockerfile, /RUN npm run build\b/, 'the build stage compiles');
  assert.match(runtime, /npm ci --omit=dev/, 'production packages only');
  assert.match(runtime, /COPY --from=build \/app\/dist\/? \.\/?\n/, 'the runtime takes the build');
  const copies = runtime.split('\n').filter((l) => /^COPY /.test(l));
  assert.ok(!copies.some((l) => /^COPY \. /.test(l)), `the runtime copies no source tree: ${copies.join(' | ')}`);
  assert.match(runtime, /ENTRYPOINT \["node", "bin\/main\.js"\]/);
  assert.doesNotMatch(runtime, /tsx|opsconductor\.mjs/);
});
