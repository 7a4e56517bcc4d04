// live: the dashboard stream. At most one point per series per second of event time whatever the
// ingest rate, so the cost of a wall display is set by what it shows, not by how fast devices are
// polled. A pure function of (last emitted times, batch) → points to emit.
import type { LiveBatch, MetricBatch } from '../../schemas/types.js';

export const livePeriodMs = 1_000;

export function throttleLive(lastEmitted: Map<string, number>, batch: MetricBatch): LiveBatch | null {
  const points: LiveBatch['points'] = [];
  for (const s of batch.samples) {
    const last = lastEmitted.get(s.seriesKey);
    if (last !== undefined && batch.ts - last < livePeriodMs) continue;
    lastEmitted.set(s.seriesKey, batch.ts);
    points.push({ seriesKey: s.seriesKey, value: s.value });
  }
  return points.length === 0 ? null : { deviceId: batch.deviceId, ts: batch.ts, points };
}
