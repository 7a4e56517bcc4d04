// Collectors scaled out and in: 1 → 3 → 1 while the lab's devices are polled. Every device must
// keep being polled; a device that moves to another collector may go unpolled for at most one
// session timeout plus one interval; and outside a rebalance no device is polled by two
// collectors. Polls are read from telemetry.raw.snmp (the ledger), with their collector's name.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pipeline } from '../../infra/pipeline.js';
import type { Ledger } from './ledger.js';

export interface ScalingOptions {
  devices: number;
  pollIntervalMs: number;
  sessionTimeoutMs: number;
  holdMs: number; // time spent at three collectors once they settled
  settleTimeoutMs: number;
  say(msg: string): void;
}

export interface ScalingResult {
  devices: number;
  devices_polled: number;
  settle_out_ms: number | null; // 1 → 3 until each device has one collector and all three work
  settle_in_ms: number | null; // 3 → 1 until collector-1 polls every device again
  moved: number; // device moves between collectors seen
  max_moved_gap_ms: number;
  limit_ms: number; // session timeout + interval
  max_gap_ms: number; // any device, any time after the first full round
  double_polls_outside_rebalance: number;
  from: number;
  to: number;
}

type Poll = { collector: string; at: number };

export async function runScaling(pipeline: Pipeline, ledger: Ledger, o: ScalingOptions): Promise<ScalingResult> {
  const polls = new Map<string, Poll[]>();
  const record = (deviceId: string, collector: string, at: number) => {
    const list = polls.get(deviceId) ?? [];
    list.push({ collector, at });
    polls.set(deviceId, list);
  };
  for (const e of ledger.raw.values()) if (e.profile === 'interfaces') record(e.deviceId, e.collector, e.ts);
  ledger.onRaw = (e) => e.profile === 'interfaces' && record(e.deviceId, e.collector, e.ts);
  // Owners over the last interval and a half: a device polled by exactly one collector each round.
  const owners = () => {
    const since = Date.now() - 1.5 * o.pollIntervalMs;
    const map = new Map<string, Set<string>>();
    for (const [d, list] of polls) map.set(d, new Set(list.filter((p) => p.at >= since).map((p) => p.collector)));
    return map;
  };
  const settled = async (want: (o: Map<string, Set<string>>) => boolean): Promise<number | null> => {
    const started = Date.now();
    while (Date.now() - started < o.settleTimeoutMs) {
      if (want(owners())) return Date.now() - started;
      await sleep(500);
    }
    return null;
  };
  const everyDeviceOnce = (m: Map<string, Set<string>>) => m.size >= o.devices && [...m.values()].every((s) => s.size === 1);

  o.say(`scaling: waiting until all ${o.devices} devices are polled by collector-1`);
  if ((await settled((m) => everyDeviceOnce(m) && [...m.values()].every((s) => s.has('collector-1')))) === null) o.say('scaling: collector-1 alone never covered every device');
  const from = Date.now();
  const outAt = Date.now();
  await pipeline.scaleCollectors(3);
  const settleOut = await settled((m) => everyDeviceOnce(m) && new Set([...m.values()].flatMap((s) => [...s])).size === 3);
  const outDone = Date.now();
  o.say(`scaling: 1 → 3 settled in ${settleOut ?? 'NEVER'} ms (from the first start)`);
  await sleep(o.holdMs);
  const inAt = Date.now();
  await pipeline.scaleCollectors(1);
  const settleIn = await settled((m) => everyDeviceOnce(m) && [...m.values()].every((s) => s.has('collector-1')));
  const inDone = Date.now();
  o.say(`scaling: 3 → 1 settled in ${settleIn ?? 'NEVER'} ms`);
  await sleep(o.pollIntervalMs);
  const to = Date.now();
  ledger.onRaw = undefined;

  const limit = o.sessionTimeoutMs + o.pollIntervalMs;
  const rebalancing = (t: number) => (t >= outAt && t <= outDone + limit) || (t >= inAt && t <= inDone + limit);
  let moved = 0;
  let maxMoved = 0;
  let maxGap = 0;
  let doubles = 0;
  for (const list of polls.values()) {
    const inRun = list.filter((p) => p.at >= from - o.pollIntervalMs && p.at <= to).sort((a, b) => a.at - b.at);
    for (let i = 1; i < inRun.length; i++) {
      const [prev, cur] = [inRun[i - 1], inRun[i]];
      const gap = cur.at - prev.at;
      maxGap = Math.max(maxGap, gap);
      if (prev.collector !== cur.collector) {
        moved++;
        maxMoved = Math.max(maxMoved, gap);
        // Two collectors on one device within half an interval: double polling.
        if (gap < o.pollIntervalMs / 2 && !rebalancing(cur.at)) doubles++;
      }
    }
  }
  return {
    devices: o.devices,
    devices_polled: polls.size,
    settle_out_ms: settleOut,
    settle_in_ms: settleIn,
    moved,
    max_moved_gap_ms: maxMoved,
    limit_ms: limit,
    max_gap_ms: maxGap,
    double_polls_outside_rebalance: doubles,
    from,
    to,
  };
}
