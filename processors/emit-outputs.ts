// Where the chain's inputs come from and where each of its outputs goes. Everything is keyed by deviceId except baselines: that
// topic is compacted per series, so its key is the series key — written to the input's partition
// so it stays co-partitioned with the device's other data.
import type { Emit, TopicNames } from '../streams/index.js';
import type { ChainOutput, RawKind } from './chain.js';

/** The raw topics a processor reads, and which normalizer each one's records go through. */
export function rawTopicKinds(topics: TopicNames): Map<string, RawKind> {
  return new Map<string, RawKind>([
    [topics.rawSnmp, 'snmp'],
    [topics.rawIcmp, 'icmp'],
    [topics.rawSsh, 'ssh'],
    [topics.rawCiena, 'ciena'],
    [topics.rawTrap, 'trap'],
  ]);
}

export function emitChainOutput(topics: TopicNames, emit: Emit, out: ChainOutput, partition: number): void {
  emit(topics.metrics, out.metrics.deviceId, out.metrics, out.metrics.ts);
  if (out.live) emit(topics.live, out.live.deviceId, out.live, out.live.ts);
  for (const b of out.baselines) emit(topics.baselines, b.seriesKey, b, b.ts, partition);
  for (const a of out.anomalies) emit(topics.anomalies, a.deviceId, a, a.ts);
  if (out.health) emit(topics.health, out.health.deviceId, out.health, out.health.ts);
}
