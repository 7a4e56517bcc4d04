// `npm run bench -- lab [--devices N] [--interfaces N] [--duration-ms N] [--concurrency N] [--loaders N]`:
// how many SNMP polls/s the device lab answers, the in-process agent (LAB_SNMP_AGENT=node) first,
// then one snmpsim process as the reference, over the same generated devices. Load comes from
// `loaders` child processes running our poller with `concurrency` polls in flight each, cycling
// through every device's profiles (system, interfaces, its optics) as the collectors poll them;
// a poll counts when it returned without error. Defaults are the scaling run's lab: 2,000 devices,
// 1 interface. Returns { polls_s, snmpsim_polls_s, agent_cpu_ms_per_poll, snmpsim_cpu_ms_per_poll, errors,
// snmpsim_errors }: CPU ms a poll says what sharding either engine over both cores could reach.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../common/log.js';
import { projectRoot } from '../infra/supervisor.js';
import { startLab, type Lab } from '../infra/lab/lab.js';
import { OPTICS_PROFILES } from '../infra/lab/optics.js';
import { findFreeUdpPort } from '../infra/lab/ports.js';
import type { SnmpAgentEngine } from '../infra/lab/snmp-agents.js';
import { runJsonChild } from './json-child.js';
import { procCpuSeconds } from './proc-cpu.js';
import type { BenchContext } from './run.js';

export const needsStack = false;

const DEFAULTS = { devices: 2_000, interfaces: 1, durationMs: 20_000, concurrency: 32, loaders: 1 };

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer, got ${args[i + 1]}`);
  return v;
}

const round = (n: number, digits = 4) => Number(n.toPrecision(digits));

interface LoadResult {
  polls: number;
  errors: number;
  firstError: string | null;
  wallSeconds: number;
  cpuSeconds: number;
}

interface EngineFigures {
  polls_s: number;
  errors: number;
  firstError: string | null;
  agentCpuMsPerPoll: number; // the agent's CPU per answered poll: 1000 / this = polls/s one core serves
  loaderCpuS: number;
}

async function measure(engine: SnmpAgentEngine, o: { devices: number; interfaces: number; durationMs: number; concurrency: number; loaders: number }): Promise<EngineFigures> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `oc-bench-lab-${engine}-`));
  let lab: Lab | undefined;
  try {
    lab = await startLab({ root: projectRoot, dataDir, devices: o.devices, interfaces: o.interfaces, snmpAgent: engine, snmpPort: await findFreeUdpPort(), httpPort: 0, venvBin: path.join(projectRoot, '.cache/venv/bin'), readyTimeoutMs: 300_000, logger: createLogger({ bench: 'lab' }, 'error') });
    const targets = lab.devices.map((d) => ({ deviceId: d.deviceId, address: d.address, port: d.port, version: 'v2c' as const, community: d.community, profiles: ['system', 'interfaces', ...OPTICS_PROFILES[d.platform]] }));
    // each loader takes every loaders-th device, so no device is polled by two loaders at once
    const shares = Array.from({ length: o.loaders }, (_, i) => targets.filter((_, j) => j % o.loaders === i));
    // the agent's CPU: this process's for the node agent, snmpsim's own process for snmpsim
    const pid = lab.snmpsimPid;
    const agentCpu = () => {
      if (pid !== null) return procCpuSeconds(pid);
      const own = process.cpuUsage();
      return (own.user + own.system) / 1e6;
    };
    const cpu0 = agentCpu();
    const runs = await Promise.all(shares.map((share, i) => runJsonChild<LoadResult>('bench/lab/load-loop.ts', { targets: share, concurrency: o.concurrency, durationMs: o.durationMs }, path.join(dataDir, `load-${i}.json`))));
    const cpuSeconds = agentCpu() - cpu0;
    const polls = runs.reduce((n, r) => n + r.polls, 0);
    const errors = runs.reduce((n, r) => n + r.errors, 0);
    const wall = Math.max(...runs.map((r) => r.wallSeconds));
    return {
      polls_s: (polls - errors) / wall,
      errors,
      firstError: runs.find((r) => r.firstError)?.firstError ?? null,
      agentCpuMsPerPoll: (cpuSeconds * 1000) / Math.max(1, polls - errors),
      loaderCpuS: runs.reduce((n, r) => n + r.cpuSeconds, 0),
    };
  } finally {
    await lab?.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const o = {
    devices: option(ctx.args, 'devices', DEFAULTS.devices),
    interfaces: option(ctx.args, 'interfaces', DEFAULTS.interfaces),
    durationMs: option(ctx.args, 'duration-ms', DEFAULTS.durationMs),
    concurrency: option(ctx.args, 'concurrency', DEFAULTS.concurrency),
    loaders: option(ctx.args, 'loaders', DEFAULTS.loaders),
  };
  ctx.say(`lab bench: ${o.devices} devices × ${o.interfaces} interfaces, ${o.loaders} loader(s) × ${o.concurrency} polls in flight, ${o.durationMs} ms per engine; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const node = await measure('node', o);
  ctx.say(`node agent: ${round(node.polls_s)} polls/s, ${node.errors} errors${node.firstError ? ` (${node.firstError})` : ''}, agent ${round(node.agentCpuMsPerPoll)} CPU ms a poll, loaders ${round(node.loaderCpuS)} CPU s`);
  const snmpsim = await measure('snmpsim', o);
  ctx.say(`snmpsim:    ${round(snmpsim.polls_s)} polls/s, ${snmpsim.errors} errors${snmpsim.firstError ? ` (${snmpsim.firstError})` : ''}, snmpsim ${round(snmpsim.agentCpuMsPerPoll)} CPU ms a poll, loaders ${round(snmpsim.loaderCpuS)} CPU s; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  return {
    polls_s: round(node.polls_s),
    snmpsim_polls_s: round(snmpsim.polls_s),
    agent_cpu_ms_per_poll: round(node.agentCpuMsPerPoll, 3),
    snmpsim_cpu_ms_per_poll: round(snmpsim.agentCpuMsPerPoll, 3),
    errors: node.errors,
    snmpsim_errors: snmpsim.errors,
  };
}
