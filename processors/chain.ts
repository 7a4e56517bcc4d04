// The transform chain a processor runs per raw reading, as a pure function over one device's
// state, so the same code serves the live processor, replays and benchmarks. The state is what a
// processor checkpoints to its changelog (Maps and bigints survive its JSON codec).
import type { LiveBatch, MetricBatch, RawSnmpPoll } from '../schemas/types.js';
import { normalizeSnmp, type SnmpDeviceState } from './normalize/snmp.js';
import { throttleLive } from './live/throttle.js';

export interface DeviceChainState {
  /** Per SNMP profile: profiles are polled separately, each with its own counters. */
  snmp: Map<string, SnmpDeviceState>;
  /** Event time of the last live point per series. */
  liveEmitted: Map<string, number>;
}

export function processSnmpPoll(
  state: DeviceChainState | undefined,
  poll: RawSnmpPoll,
): { state: DeviceChainState; metrics: MetricBatch; live: LiveBatch | null } {
  const s = state ?? { snmp: new Map(), liveEmitted: new Map() };
  const r = normalizeSnmp(s.snmp.get(poll.profile), poll);
  if (r.state) s.snmp.set(poll.profile, r.state);
  return { state: s, metrics: r.batch, live: throttleLive(s.liveEmitted, r.batch) };
}
