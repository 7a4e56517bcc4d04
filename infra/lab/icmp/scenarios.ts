// Scenario requests the lab's HTTP API forwards to the ICMP lab: latency and loss on a path.
//   { "path": "<namespace>", "loss": 0.3 }              loss ratio 0..1 (iptables statistic drop)
//   { "path": "<namespace>", "delayMs": 80, "jitterMs": 10 }   added by the TUN responder
// Omitting "path" applies to every path. Returns the resulting state of each path touched.
import { OpsError } from '../../../common/errors.js';
import type { IcmpLab } from './icmp-lab.js';

export interface IcmpScenario {
  path?: string;
  loss?: number;
  delayMs?: number;
  jitterMs?: number;
}

export async function applyIcmpScenario(lab: IcmpLab, s: IcmpScenario) {
  const paths = s.path === undefined ? lab.paths : [lab.path(s.path)].filter((p) => p !== undefined);
  if (paths.length === 0) throw new OpsError('LAB_BAD_SCENARIO', `icmp scenario: no path "${s.path}"; paths: ${lab.paths.map((p) => p.name).join(', ')}`);
  if (s.loss === undefined && s.delayMs === undefined) throw new OpsError('LAB_BAD_SCENARIO', 'icmp scenario: give "loss" (0..1) and/or "delayMs" (with optional "jitterMs")');
  for (const p of paths) {
    if (s.loss !== undefined) await p.setLoss(s.loss);
    if (s.delayMs !== undefined) await p.setDelay(s.delayMs, s.jitterMs ?? 0);
  }
  return paths.map((p) => ({ path: p.name, routerAddress: p.routerAddress, delayedAddress: p.delayedAddress(0), ...p.state() }));
}
