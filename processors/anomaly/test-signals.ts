// Synthetic, deterministic signals and batches for the analysis tests (no randomness: a seeded
// LCG with Box-Muller, as in processors/baseline's tests).
import type { MetricBatch, MetricSample } from '../../schemas/types.js';
import { seriesKey } from '../normalize/series-key.js';

export const t0 = Date.UTC(2026, 10, 2); // a Monday, 00:00 UTC

export function gaussian(seed: number): () => number {
  let s = seed;
  const u = () => ((s = (s * 1103515245 + 12345) % 2147483648) + 1) / 2147483649;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

export function sample(deviceId: string, metric: string, unit: string, value: number, labels: Record<string, string> = {}): MetricSample {
  return { seriesKey: seriesKey(deviceId, metric, labels), metric, labels, unit, value };
}

/** One batch per poll: `valuesAt(i, ts)` gives the samples of poll i. */
export function polls(deviceId: string, count: number, stepMs: number, valuesAt: (i: number, ts: number) => MetricSample[], start = t0): MetricBatch[] {
  return Array.from({ length: count }, (_, i) => {
    const ts = start + i * stepMs;
    return { deviceId, source: 'snmp', ts, samples: valuesAt(i, ts) };
  });
}
