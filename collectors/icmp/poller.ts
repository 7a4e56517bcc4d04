// ICMP poller: measures RTT, jitter and loss per target with fping in batch mode. Calls to
// poll() that arrive within `batchWindowMs` of each other share one fping process (up to
// `maxTargetsPerRun`), so a collector scheduling thousands of devices runs a few fping
// processes a second, not one per device. probeMany() runs one batch directly.
//
// A poll never throws for anything the device, the network or fping did: the RawIcmpProbe comes
// back with `error` set (see errors.ts). 100 % loss is reported with its counts (sent, received
// = 0, rttsMs all null) and the code ICMP_NO_REPLY, so availability and the reason travel together.

import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../../common/log.js';
import { icmpConfigError, type IcmpError } from './errors.js';
import { parseFpingReport } from './fping-output.js';
import { runFping, type FpingSettings } from './fping-run.js';
import { icmpPollerMetrics } from './metrics.js';
import { rttStats } from '../../devices/rtt-stats.js';
import type { IcmpTarget, RawIcmpProbe } from './types.js';
import { pollOutcomeLogger } from '../poll-outcome.js';

export type { IcmpTarget, RawIcmpProbe } from './types.js';

export interface IcmpPollerOptions {
  collectorId: string;
  logger: Logger;
  count?: number; // echo requests per target per run
  periodMs?: number; // between requests to one target
  timeoutMs?: number; // reply wait per request
  gapMs?: number; // between requests to different targets
  batchWindowMs?: number; // how long poll() waits for company before starting fping
  maxTargetsPerRun?: number;
  fpingPath?: string;
}

export interface IcmpPoller {
  poll(target: IcmpTarget): Promise<RawIcmpProbe>;
  probeMany(targets: IcmpTarget[]): Promise<RawIcmpProbe[]>;
  close(): void;
}

export const ICMP_POLLER_DEFAULTS = {
  count: 5,
  periodMs: 200, // ms
  timeoutMs: 1_000, // ms
  gapMs: 1, // ms, fping's minimum
  batchWindowMs: 50, // ms
  maxTargetsPerRun: 256,
  fpingPath: 'fping',
};

interface Waiter {
  target: IcmpTarget;
  resolve(probe: RawIcmpProbe): void;
}

export function createIcmpPoller(opts: IcmpPollerOptions): IcmpPoller {
  const cfg = { ...ICMP_POLLER_DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) } as typeof ICMP_POLLER_DEFAULTS & IcmpPollerOptions;
  for (const [key, min] of [['count', 1], ['periodMs', 1], ['timeoutMs', 1], ['gapMs', 1], ['batchWindowMs', 0], ['maxTargetsPerRun', 1]] as const) {
    if (!Number.isInteger(cfg[key]) || cfg[key] < min) throw icmpConfigError(`ICMP poller option ${key} must be an integer >= ${min}, got ${cfg[key]}`);
  }
  const fping: FpingSettings = { fpingPath: cfg.fpingPath, count: cfg.count, periodMs: cfg.periodMs, timeoutMs: cfg.timeoutMs, gapMs: cfg.gapMs };
  const logger = opts.logger.child({ component: 'icmp-poller' });
  const metrics = icmpPollerMetrics();
  const aborter = new AbortController();
  const logOutcome = pollOutcomeLogger(logger, 'icmp probe');
  let pending: Waiter[] = [];
  let flushTimer: NodeJS.Timeout | undefined;

  function record(target: IcmpTarget, sentAt: number, rttsMs: Array<number | null>, error: IcmpError | null): RawIcmpProbe {
    const stats = rttStats(rttsMs);
    if (!error && stats.received === 0) error = { code: 'ICMP_NO_REPLY', message: `device ${target.deviceId} (${target.address}): no reply to ${stats.sent} echo requests (down, unreachable or filtered)` };
    metrics.probes.inc({ result: error ? 'error' : 'ok', code: error ? error.code : 'none' });
    metrics.echoSent.inc(stats.sent);
    metrics.echoReceived.inc(stats.received);
    if (stats.received > 0) metrics.lastSuccess.set({ device: target.deviceId }, sentAt / 1000);
    noteOutcome(target, error);
    return { deviceId: target.deviceId, collectorId: opts.collectorId, target: target.address, sentAt, ...stats, rttsMs, error };
  }

  function noteOutcome(target: IcmpTarget, error: IcmpError | null): void {
    logOutcome(target.deviceId, error, { deviceId: target.deviceId, address: target.address });
  }

  const failed = (target: IcmpTarget, sentAt: number, code: IcmpError['code'], why: string) =>
    record(target, sentAt, [], { code, message: `device ${target.deviceId} (${target.address}): ${why}` });

  async function probeMany(targets: IcmpTarget[]): Promise<RawIcmpProbe[]> {
    const sentAt = Date.now();
    if (aborter.signal.aborted) return targets.map((t) => failed(t, sentAt, 'ICMP_CANCELLED', 'poller is closed'));
    // fping is asked once per distinct address; devices sharing an address share the answer.
    const addresses = [...new Set(targets.filter((t) => isIP(t.address) !== 0).map((t) => t.address))];
    if (addresses.length === 0) return targets.map((t) => failed(t, sentAt, 'ICMP_BAD_TARGET', `"${t.address}" is not an IP literal`));
    const started = performance.now();
    const run = await runFping(fping, addresses, aborter.signal);
    metrics.runTargets.observe(addresses.length);
    metrics.runDuration.observe((performance.now() - started) / 1000);
    metrics.runs.inc({ result: run.ok ? 'ok' : 'error', code: run.ok ? 'none' : run.error.code });
    if (!run.ok) {
      logger.warn('fping run failed', { targets: addresses.length, code: run.error.code, reason: run.error.message });
      return targets.map((t) => (isIP(t.address) === 0 ? failed(t, sentAt, 'ICMP_BAD_TARGET', `"${t.address}" is not an IP literal`) : failed(t, sentAt, run.error.code, run.error.message)));
    }
    const report = parseFpingReport(run.report, cfg.count, new Set(addresses));
    if (report.noise.length) {
      metrics.noise.inc(report.noise.length);
      logger.debug('fping lines naming no target', { lines: report.noise.slice(0, 5) });
    }
    return targets.map((t) => {
      if (isIP(t.address) === 0) return failed(t, sentAt, 'ICMP_BAD_TARGET', `"${t.address}" is not an IP literal`);
      const outcome = report.byAddress.get(t.address);
      if (!outcome) return failed(t, sentAt, 'ICMP_TARGET_REJECTED', 'fping left the address out of its report');
      if (outcome.kind === 'rejected') return failed(t, sentAt, 'ICMP_TARGET_REJECTED', `fping refused the address: ${outcome.reason}`);
      if (outcome.kind === 'malformed') return failed(t, sentAt, 'ICMP_MALFORMED_OUTPUT', `unreadable fping line (${outcome.reason}): ${outcome.line.slice(0, 200)}`);
      return record(t, sentAt, outcome.rttsMs, null);
    });
  }

  function flush(): void {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    void probeMany(batch.map((w) => w.target)).then((probes) => probes.forEach((p, i) => batch[i].resolve(p)));
  }

  return {
    poll(target) {
      return new Promise<RawIcmpProbe>((resolve) => {
        pending.push({ target, resolve });
        if (pending.length >= cfg.maxTargetsPerRun) flush();
        else flushTimer ??= setTimeout(flush, cfg.batchWindowMs);
      });
    },
    probeMany: async (targets) => {
      const out: RawIcmpProbe[] = [];
      for (let i = 0; i < targets.length; i += cfg.maxTargetsPerRun) out.push(...(await probeMany(targets.slice(i, i + cfg.maxTargetsPerRun))));
      return out;
    },
    close() {
      aborter.abort();
      flush(); // pending polls come back ICMP_CANCELLED rather than hanging
    },
  };
}
