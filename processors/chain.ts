// The transform chain a processor runs per raw reading, as a pure function over one device's
// state, so the same code serves the live processor, replays and benchmarks: normalize → live
// throttle → analysis (baselines, anomalies, health). The state is what the processor
// checkpoints to its changelog (Maps, bigints and detectors survive its JSON codec).
import type { AnomalyEvent, Baseline, HealthScore, LiveBatch, MetricBatch, RawSnmpPoll, RawTrap } from '../schemas/types.js';
import { normalizeRaw, normalizeStateKey, type NormalizeState, type RawKind as ReadingKind } from './normalize/index.js';
import { NO_UNNAMED_PORTS, withholdUntilNamed } from './normalize/port-names.js';
import { applyTrap, seenTrap } from './traps/trap-events.js';
import { learnInterfaceNames } from './traps/interface-index.js';
import { throttleLive } from './live/throttle.js';
import { analyseBatch, type DeviceAnalysisState } from './anomaly/analyse.js';
import { analysisConfig, type AnalysisConfig } from './anomaly/config.js';

/** What a raw topic carries: readings (normalized into metrics) or notifications (traps). */
export type RawKind = ReadingKind | 'trap';

export interface DeviceChainState {
  /** Counter state per source and profile ("snmp:interfaces"): each is polled on its own. */
  normalize: Map<string, NormalizeState>;
  /** Event time of the last live point per series. */
  liveEmitted: Map<string, number>;
  /** Baselines, detectors, open anomalies and health of the device's series. */
  analysis?: DeviceAnalysisState;
  /** dedupKey → receivedAt of the device's notifications within the de-duplication window. */
  traps?: Map<string, number>;
  /** ifIndex → interface name as polls showed them, for traps that carry only ifIndex and the ports CLIs number. */
  ifNames?: Map<string, string>;
  /** Event time since which the device's numbered ports wait for its first names (normalize/port-names.ts). */
  portNamesWaitSince?: number;
}

export interface ChainOutput {
  state: DeviceChainState;
  metrics: MetricBatch;
  live: LiveBatch | null;
  baselines: Baseline[];
  anomalies: AnomalyEvent[];
  health: HealthScore | null;
  /** Ports an SSH or MCP reading labelled by the platform's number: no interface name known for them (yet). */
  unnamedPorts: readonly string[];
}

const defaultAnalysis = analysisConfig();

export function processRaw(state: DeviceChainState | undefined, kind: RawKind, record: unknown, config: AnalysisConfig = defaultAnalysis): ChainOutput {
  const s: DeviceChainState = state ?? { normalize: new Map(), liveEmitted: new Map() };
  // A checkpoint written by an older version may lack a field: start that part afresh (the first
  // poll after an upgrade then has no rate) rather than dead-letter every reading of the device.
  s.normalize ??= new Map();
  s.liveEmitted ??= new Map();
  if (kind === 'trap') {
    // A notification changes state the polls feed (open anomalies, counter memory); it is no reading.
    const trap = record as RawTrap;
    // Receivers de-duplicate what each one got; a copy that reached another receiver behind the
    // same address is dropped here, where all of a device's notifications meet (its partition).
    if (seenTrap(s, trap, config.trapDedupWindowMs)) return { state: s, metrics: { deviceId: trap.deviceId, source: 'trap', ts: trap.receivedAt, samples: [] }, live: null, baselines: [], anomalies: [], health: null, unnamedPorts: NO_UNNAMED_PORTS };
    const t = applyTrap(s, trap, config);
    return { state: s, metrics: t.batch, live: throttleLive(s.liveEmitted, t.batch), baselines: [], anomalies: t.anomalies, health: null, unnamedPorts: NO_UNNAMED_PORTS };
  }
  // The names polls showed also name the ports SSH CLIs and MCP number (a device's readings of
  // every protocol share its partition, so its SNMP polls reach this state too, checkpointed).
  if (kind === 'snmp') learnInterfaceNames(s, record as RawSnmpPoll);
  const key = normalizeStateKey(kind, record as never);
  const r = normalizeRaw(kind, key ? s.normalize.get(key) : undefined, record as never, s.ifNames);
  if (r.stateKey && r.state) s.normalize.set(r.stateKey, r.state);
  const unnamedPorts = withholdUntilNamed(s, r.batch, r.unnamedPorts);
  const a = analyseBatch(s.analysis, r.batch, config);
  s.analysis = a.deviceState;
  return { state: s, metrics: r.batch, live: throttleLive(s.liveEmitted, r.batch), baselines: a.baselines, anomalies: a.anomalies, health: a.health, unnamedPorts };
}
