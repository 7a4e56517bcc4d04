// The transform chain a processor runs per raw reading, as plain functions over per-device state
// so the same code serves the live processor, replays and benchmarks.
import type { LiveBatch, MetricBatch, RawSnmpPoll } from '../schemas/types.js';
import { normalizeSnmp, type SnmpDeviceState } from './normalize/snmp.js';
import { throttleLive } from './live/throttle.js';

export interface ChainState {
  snmp: Map<string, SnmpDeviceState>;
  liveEmitted: Map<string, number>;
}

export function newChainState(): ChainState {
  return { snmp: new Map(), liveEmitted: new Map() };
}

export function processSnmpPoll(state: ChainState, poll: RawSnmpPoll): { metrics: MetricBatch; live: LiveBatch | null } {
  // Profiles are polled separately, each with its own counters: state is per device and profile.
  const key = `${poll.deviceId}\u0000${poll.profile}`;
  const r = normalizeSnmp(state.snmp.get(key), poll);
  if (r.state) state.snmp.set(key, r.state);
  return { metrics: r.batch, live: throttleLive(state.liveEmitted, r.batch) };
}
