// What the exactly-once tests count on telemetry.metrics: the outputs of each reading
// (deviceId@ts → times seen) and how many carry a rate (the counter state survived a kill).
import type { InRecord, Streams } from '../streams/index.js';
import type { MetricBatch } from '../schemas/types.js';

export function countMetricOutputs(streams: Streams) {
  const seen = new Map<string, number>();
  let withRate = 0;
  const reader = streams.consumer({
    groupId: 'eos-reader',
    topics: [streams.topics.metrics],
    handler: async (records: InRecord[]) => {
      for (const r of records) {
        const b = r.value as MetricBatch;
        const id = `${b.deviceId}@${b.ts}`;
        seen.set(id, (seen.get(id) ?? 0) + 1);
        if (b.samples.some((s) => s.metric === 'if_in_bps')) withRate++;
      }
    },
  });
  return { reader, seen, withRate: () => withRate };
}
