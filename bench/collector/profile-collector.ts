// Where one collector's CPU goes: `node --import tsx bench/collector/profile-collector.ts
// [--devices 600] [--interfaces 8] [--interval-ms 30000] [--seconds 90] [--v8-flag FLAG]`. Starts the test stack
// (or reuses it), a registry, the lab with the in-process agent, imports its inventory, runs one
// collector role under `node --cpu-prof` polling every device's profiles, stops it
// after the given seconds and prints its polls/s and the profile's top entries, self and inclusive.
// The stack's ports move with OC_PORT_OFFSET like every other run.

import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../common/log.js';
import { freePort, projectRoot, startRole, type RoleProcess } from '../../infra/supervisor.js';
import { startStack } from '../../infra/stack.js';
import { ensureKeyFile } from '../../infra/lab/lab-credentials.js';
import os from 'node:os';
import { procCpuSeconds } from '../proc-cpu.js';
import { summarize } from './cpu-profile.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const o = { devices: option('devices', 600), interfaces: option('interfaces', 8), intervalMs: option('interval-ms', 30_000), seconds: option('seconds', 90), concurrency: option('concurrency', 200) };
const v8Flag = process.argv.includes('--v8-flag') ? [process.argv[process.argv.indexOf('--v8-flag') + 1]] : [];
const say = (m: string) => process.stdout.write(m + '\n');
const runDir = join(projectRoot, '.run', 'profile-collector');
rmSync(runDir, { recursive: true, force: true });
const logDir = join(runDir, 'logs');
const profileDir = join(runDir, 'cpuprofile');
mkdirSync(profileDir, { recursive: true });

async function pollsSoFar(collector: { opsPort: number }): Promise<{ ok: number; error: number }> {
  const text = await (await fetch(`http://127.0.0.1:${collector.opsPort}/metrics`)).text();
  const sum = (result: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith('oc_snmp_polls_total{') && l.includes(`result="${result}"`))
      .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
  return { ok: sum('ok'), error: sum('error') };
}

const stack = await startStack({ root: projectRoot, profile: 'test', logger: createLogger({ role: 'profile' }, 'warn') });
const roles: RoleProcess[] = [];
const children: Array<{ stop(): Promise<void> }> = [];
try {
  const credentials = { OC_CREDENTIALS_KEY: '', OC_CREDENTIALS_KEY_FILE: join(runDir, 'credentials.key'), OC_CREDENTIALS_FILE: join(runDir, 'credentials.enc.json') };
  ensureKeyFile(credentials.OC_CREDENTIALS_KEY_FILE);
  const registryPort = await freePort();
  const base = { KAFKA_BROKERS: stack.endpoints.kafkaBrokers.join(','), SCHEMA_REGISTRY_URL: `http://127.0.0.1:${registryPort}`, KAFKA_TOPIC_PREFIX: `profile-${Date.now()}.`, KAFKA_PARTITIONS: '6', LOG_LEVEL: 'warn', ...credentials };
  const ok = (url: string) => async () => (await fetch(url).catch(() => null))?.ok === true;
  roles.push(await startRole({ name: 'registry', role: 'registry', env: { ...base, REGISTRY_PORT: String(registryPort) }, logDir, ready: ok(`${base.SCHEMA_REGISTRY_URL}/subjects`) }));
  const labHttp = await freePort();
  const labDir = join(runDir, 'lab');
  roles.push(
    await startRole({
      name: 'lab',
      role: 'lab',
      env: { ...base, LAB_SNMP_AGENT: 'node', LAB_DEVICES: String(o.devices), LAB_INTERFACES: String(o.interfaces), LAB_SNMP_PORT: String(await freePort()), LAB_HTTP_PORT: String(labHttp), LAB_DATA_DIR: labDir, LAB_SSH: 'false', LAB_MCP: 'false', LAB_ICMP_PATHS: '0', LAB_RECORDED_WALKS: '' },
      logDir,
      ready: ok(`http://127.0.0.1:${labHttp}/healthz`),
      timeoutMs: 120_000,
    }),
  );
  const inv = await startRole({ name: 'inventory', role: 'inventory', args: ['import', join(labDir, 'inventory.yaml')], env: base, logDir, ready: async (p) => p.child.exitCode === 0, timeoutMs: 90_000 });
  await inv.stop();
  // spawned here rather than by startRole: node refuses --cpu-prof in NODE_OPTIONS
  const opsPort = await freePort();
  const child = spawn(process.execPath, [...v8Flag, '--cpu-prof', `--cpu-prof-dir=${profileDir}`, join(projectRoot, 'bin', 'opsconductor.mjs'), 'collector'], {
    cwd: projectRoot,
    env: { ...process.env, ...base, OPS_PORT: String(opsPort), COLLECTOR_ID: 'profiled', POLL_INTERVAL_MS: String(o.intervalMs), POLL_CONCURRENCY: String(o.concurrency), ICMP_ENABLED: 'false' },
    stdio: ['ignore', openSync(join(logDir, 'collector.log'), 'a'), openSync(join(logDir, 'collector.log'), 'a')],
  });
  const exited = new Promise((r) => child.once('exit', r));
  const collector = {
    opsPort,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  children.push(collector);
  // the first interval adopts the devices (spread over half an interval); measure the rest
  await new Promise((r) => setTimeout(r, o.intervalMs));
  const p0 = await pollsSoFar(collector);
  const cpu0 = procCpuSeconds(child.pid!);
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, Math.max(1, o.seconds * 1000 - o.intervalMs)));
  const p1 = await pollsSoFar(collector);
  const cpu = procCpuSeconds(child.pid!) - cpu0;
  const wall = (Date.now() - t0) / 1000;
  await collector.stop();
  children.pop();
  const file = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(profileDir, f))[0];
  const { totalMs, functions, parts } = summarize(file);
  say(`one collector, ${o.devices} devices × ${o.interfaces} interfaces every ${o.intervalMs} ms: ${((p1.ok - p0.ok) / wall).toFixed(1)} polls/s ok, ${((p1.error - p0.error) / wall).toFixed(1)} failed; ${((cpu * 1000) / (p1.ok + p1.error - p0.ok - p0.error)).toFixed(3)} CPU ms a poll (/proc, ${cpu.toFixed(1)} s over ${wall.toFixed(0)} s${v8Flag.length ? `, ${v8Flag[0]}` : ''}); load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${(totalMs / 1000).toFixed(1)} s sampled in ${o.seconds} s of profile (${file})`);
  say('\npart | self ms | inclusive ms');
  for (const p of parts) say(`${p.name} | ${p.selfMs.toFixed(0)} | ${p.inclusiveMs.toFixed(0)}`);
  say('\nfunction | self ms | inclusive ms');
  for (const f of functions.slice(0, 25)) say(`${f.name} | ${f.selfMs.toFixed(0)} | ${f.inclusiveMs.toFixed(0)}`);
  say('\nby inclusive ms');
  for (const f of [...functions].sort((a, b) => b.inclusiveMs - a.inclusiveMs).slice(0, 25)) say(`${f.name} | ${f.selfMs.toFixed(0)} | ${f.inclusiveMs.toFixed(0)}`);
} finally {
  for (const c of children) await c.stop();
  for (const r of roles.reverse()) await r.stop();
  await stack.stop();
}
