// The metrics sink: telemetry.metrics → metric_points. Each consumed Kafka batch becomes one
// PostgreSQL transaction holding its rows and the offsets it consumed.
import type pg from 'pg';
import client from 'prom-client';
import type { Logger } from '../../common/log.js';
import type { InRecord } from '../../streams/index.js';
import type { MetricBatch } from '../../schemas/types.js';
import { SeriesCache, type SeriesInfo } from './series-cache.js';
import { writePoints, type PointColumns } from './point-writer.js';

const rowsWritten = new client.Counter({ name: 'oc_sink_rows_written_total', help: 'rows inserted into metric_points', labelNames: ['table'] });
const rowsDuplicate = new client.Counter({ name: 'oc_sink_rows_duplicate_total', help: 'rows already present (redelivery or replay), skipped', labelNames: ['table'] });
const writeSeconds = new client.Histogram({ name: 'oc_sink_write_seconds', help: 'time to write one batch transaction', labelNames: ['table'], buckets: [0.005, 0.02, 0.05, 0.1, 0.5, 1, 5] });

export interface MetricsSink {
  write(records: InRecord[]): Promise<{ rows: number; inserted: number }>;
}

export function createMetricsSink(opts: { client: pg.ClientBase; groupId: string; logger: Logger }): MetricsSink {
  const cache = new SeriesCache();
  return {
    async write(records) {
      const t0 = process.hrtime.bigint();
      const infos: SeriesInfo[] = [];
      for (const r of records) {
        const b = r.value as MetricBatch;
        for (const s of b.samples) infos.push({ seriesKey: s.seriesKey, deviceId: b.deviceId, metric: s.metric, labels: s.labels, unit: s.unit });
      }
      const ids = await cache.resolve(opts.client, infos);
      const cols: PointColumns = { ts: [], seriesIds: [], values: [] };
      for (const r of records) {
        const b = r.value as MetricBatch;
        for (const s of b.samples) {
          if (!Number.isFinite(s.value)) continue; // NaN/Infinity cannot be a reading; the sample is dropped, not the batch
          cols.ts.push(b.ts);
          cols.seriesIds.push(ids.get(s.seriesKey)!);
          cols.values.push(s.value);
        }
      }
      const last = new Map<string, { topic: string; partition: number; nextOffset: bigint }>();
      for (const r of records) last.set(`${r.topic}:${r.partition}`, { topic: r.topic, partition: r.partition, nextOffset: BigInt(r.offset) + 1n });
      const { inserted } = await writePoints(opts.client, opts.groupId, cols, [...last.values()]);
      rowsWritten.inc({ table: 'metric_points' }, inserted);
      rowsDuplicate.inc({ table: 'metric_points' }, cols.seriesIds.length - inserted);
      writeSeconds.observe({ table: 'metric_points' }, Number(process.hrtime.bigint() - t0) / 1e9);
      return { rows: cols.seriesIds.length, inserted };
    },
  };
}
