// Where each output of the chain goes. Everything is keyed by deviceId except baselines: that
// topic is compacted per series, so its key is the series key — written to the input's partition
// so it stays co-partitioned with the device's other data.
import type { Emit, TopicNames } from '../streams/index.js';
import type { ChainOutput } from './chain.js';

export function emitChainOutput(topics: TopicNames, emit: Emit, out: ChainOutput, partition: number): void {
  emit(topics.metrics, out.metrics.deviceId, out.metrics, out.metrics.ts);
  if (out.live) emit(topics.live, out.live.deviceId, out.live, out.live.ts);
  for (const b of out.baselines) emit(topics.baselines, b.seriesKey, b, b.ts, partition);
  for (const a of out.anomalies) emit(topics.anomalies, a.deviceId, a, a.ts);
  if (out.health) emit(topics.health, out.health.deviceId, out.health, out.health.ts);
}
