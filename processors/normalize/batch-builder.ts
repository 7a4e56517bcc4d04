// One place that turns (metric, unit, value, labels) into a sample with its series key, and that
// refuses values which are not finite numbers: NaN or Infinity in telemetry.metrics would poison
// baselines and charts, and an absent reading is better shown as a gap than as a made-up number.
import type { MetricBatch, MetricSample } from '../../schemas/types.js';
import { seriesKey } from './series-key.js';

export interface BatchBuilder {
  batch: MetricBatch;
  /**
   * Appends a sample; returns false (and appends nothing) when the value is not a finite number or
   * the batch already holds that series: two points of one series at one time would collide on
   * metric_points' primary key (series_id, ts), and the first reading of a poll is kept.
   */
  add(metric: string, unit: string, value: number | null | undefined, labels?: Record<string, string>): boolean;
}

export function batchBuilder(deviceId: string, source: string, ts: number): BatchBuilder {
  const samples: MetricSample[] = [];
  const keys = new Set<string>();
  return {
    batch: { deviceId, source, ts, samples },
    add(metric, unit, value, labels = {}) {
      if (typeof value !== 'number' || !Number.isFinite(value)) return false;
      const key = seriesKey(deviceId, metric, labels);
      if (keys.has(key)) return false;
      keys.add(key);
      samples.push({ seriesKey: key, metric, labels, unit, value });
      return true;
    },
  };
}
