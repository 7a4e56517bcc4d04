// `npm run bench -- snmp [--devices N] [--interfaces N] [--interval-ms N] [--duration-ms N] [--agent node|snmpsim]`:
// the same simulated devices (the lab's in-process agent by default: snmpsim caps any poller at
// ~32 polls/s here), the same OIDs (our interfaces profile plus sysUpTime.0), the same interval,
// polled by our poller (in a child process of its own, CPU from process.cpuUsage) and by
// Prometheus snmp_exporter (driven by HTTP scrapes, CPU from /proc/<pid>/stat), one after the
// other in one run. The defaults offer 300 polls/s (600 devices every 2 s): the collector's goal.
// Returns { polls_s, varbinds_s, cpu_s_per_10k, peer_polls_s, peer_varbinds_s, peer_cpu_s_per_10k,
// efficiency_ratio } (ratio = peer CPU per varbind ÷ ours: above 1, we spend less CPU per varbind).

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../common/log.js';
import { startLab } from '../infra/lab/lab.js';
import { findFreeTcpPort, findFreeUdpPort } from '../infra/lab/ports.js';
import { SNMP_AGENT_ENGINES, type SnmpAgentEngine } from '../infra/lab/snmp-agents.js';
import { PROFILES } from '../collectors/snmp/profiles.js';
import { projectRoot } from '../infra/supervisor.js';
import { runJsonChild } from './json-child.js';
import type { BenchContext } from './run.js';
import { ensureSnmpExporter, snmpExporterConfig, startSnmpExporter, SNMP_EXPORTER_VERSION } from './snmp/snmp-exporter.js';

export const needsStack = false;

const DEFAULTS = { devices: 600, interfaces: 16, intervalMs: 2_000, durationMs: 30_000, maxRepetitions: 25, agent: 'node' as SnmpAgentEngine }; // max-repetitions as snmp_exporter's default

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

const round = (n: number, digits = 4) => Number(n.toPrecision(digits));

function agentOption(args: string[]): SnmpAgentEngine {
  const i = args.indexOf('--agent');
  if (i < 0) return DEFAULTS.agent;
  if (!(SNMP_AGENT_ENGINES as string[]).includes(args[i + 1])) throw new Error(`--agent must be one of ${SNMP_AGENT_ENGINES.join(', ')}`);
  return args[i + 1] as SnmpAgentEngine;
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const o = {
    devices: option(ctx.args, 'devices', DEFAULTS.devices),
    interfaces: option(ctx.args, 'interfaces', DEFAULTS.interfaces),
    intervalMs: option(ctx.args, 'interval-ms', DEFAULTS.intervalMs),
    durationMs: option(ctx.args, 'duration-ms', DEFAULTS.durationMs),
    maxRepetitions: DEFAULTS.maxRepetitions,
    agent: agentOption(ctx.args),
  };
  const logger = createLogger({ bench: 'snmp' }, 'error');
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'oc-bench-snmp-'));
  const lab = await startLab({ root: projectRoot, dataDir, devices: o.devices, interfaces: o.interfaces, snmpAgent: o.agent, readyTimeoutMs: 300_000, snmpPort: await findFreeUdpPort(), httpPort: 0, venvBin: path.join(projectRoot, '.cache/venv/bin'), logger });
  const perRound = o.devices * (o.interfaces * PROFILES.interfaces.columns.length + 1);
  ctx.say(`snmp bench: ${o.devices} devices × ${o.interfaces} interfaces (${o.agent} agent), ${perRound} varbinds a round every ${o.intervalMs} ms for ${o.durationMs} ms each; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  try {
    const targets = lab.devices.map((d) => ({ deviceId: d.deviceId, address: d.address, port: d.port, version: 'v2c' as const, community: d.community }));
    const ours = await runJsonChild<{ varbinds: number; polls: number; errors: number; cpuSeconds: number; wallSeconds: number }>('bench/snmp/our-poll-loop.ts', { targets, intervalMs: o.intervalMs, durationMs: o.durationMs, maxRepetitions: o.maxRepetitions }, path.join(dataDir, 'our-loop.json'));
    const ourRate = ours.varbinds / ours.wallSeconds;
    const ourPolls = (ours.polls - ours.errors) / ours.wallSeconds;
    const ourCpu10k = (ours.cpuSeconds / ours.varbinds) * 10_000;
    ctx.say(`ours:          ${round(ourPolls)} polls/s, ${round(ourRate)} varbinds/s, ${round(ourCpu10k)} CPU s per 10k varbinds (${ours.polls} polls, ${ours.errors} errors, ${round(ours.cpuSeconds)} CPU s)`);

    let peer: { polls_s: number | null; varbinds_s: number | null; cpu_s_per_10k: number | null; reason?: string } = { polls_s: null, varbinds_s: null, cpu_s_per_10k: null };
    try {
      const bin = ensureSnmpExporter(projectRoot);
      const config = path.join(dataDir, 'snmp.yml');
      await writeFile(config, snmpExporterConfig(lab.devices.map((d) => d.community), o.maxRepetitions));
      const exporter = await startSnmpExporter(bin, config, await findFreeTcpPort());
      try {
        const metricNames = new Set(['sysUpTime', ...PROFILES.interfaces.columns.map((c) => c.name)]);
        const scrape = async (d: (typeof lab.devices)[number]) => {
          const res = await fetch(`${exporter.url}/snmp?target=${d.address}:${d.port}&module=oc_interfaces&auth=${encodeURIComponent(d.community)}`);
          const text = await res.text();
          let n = 0;
          for (const line of text.split('\n')) if (line && line[0] !== '#' && metricNames.has(line.slice(0, line.search(/[{ ]/)))) n++;
          return n;
        };
        await Promise.all(lab.devices.map(scrape)); // warm-up: connections, first allocations
        const cpu0 = exporter.cpuSeconds();
        const t0 = performance.now();
        let varbinds = 0;
        let scrapes = 0;
        for (let r = 0; r * o.intervalMs < o.durationMs; r++) {
          await new Promise((res) => setTimeout(res, Math.max(0, t0 + r * o.intervalMs - performance.now())));
          const roundStart = t0 + r * o.intervalMs; // each device at its own offset, as for ours
          const counts = await Promise.all(lab.devices.map((d, i) => new Promise((res) => setTimeout(res, Math.max(0, roundStart + (i * o.intervalMs) / lab.devices.length - performance.now()))).then(() => scrape(d))));
          varbinds += counts.reduce((a, b) => a + b, 0);
          scrapes += counts.filter((n) => n > 0).length;
        }
        const wall = (performance.now() - t0) / 1000;
        const cpu = exporter.cpuSeconds() - cpu0;
        peer = { polls_s: scrapes / wall, varbinds_s: varbinds / wall, cpu_s_per_10k: (cpu / varbinds) * 10_000 };
        ctx.say(`snmp_exporter: ${round(peer.polls_s!)} polls/s, ${round(peer.varbinds_s!)} varbinds/s, ${round(peer.cpu_s_per_10k!)} CPU s per 10k varbinds (${SNMP_EXPORTER_VERSION}, ${round(cpu)} CPU s)`);
      } finally {
        await exporter.stop();
      }
    } catch (err) {
      peer.reason = (err as Error).message;
      ctx.say(`snmp_exporter unavailable: ${peer.reason}`);
    }
    ctx.say(`load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    return {
      polls_s: round(ourPolls),
      varbinds_s: round(ourRate),
      cpu_s_per_10k: round(ourCpu10k),
      peer_polls_s: peer.polls_s === null ? null : round(peer.polls_s),
      peer_varbinds_s: peer.varbinds_s === null ? null : round(peer.varbinds_s),
      peer_cpu_s_per_10k: peer.cpu_s_per_10k === null ? null : round(peer.cpu_s_per_10k),
      efficiency_ratio: peer.cpu_s_per_10k === null ? null : round(peer.cpu_s_per_10k / ourCpu10k, 3),
      ...(peer.reason ? { peer_unavailable: peer.reason } : {}),
    };
  } finally {
    await lab.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
