// Series columns as the explorer shows and exports them: several series on one time axis
// (uPlot wants one x array; series polled at different instants are merged, gaps left null), and
// the same data as CSV.

import type { SeriesColumns } from '../api/documents.js';

/** [x seconds, ...one y array per series], x ascending and unique; null where a series has no point. */
export function alignColumns(columns: readonly Pick<SeriesColumns, 'timestamps' | 'values'>[]): [number[], ...Array<Array<number | null>>] {
  const xsMs = [...new Set(columns.flatMap((c) => c.timestamps))].sort((a, b) => a - b);
  const index = new Map(xsMs.map((x, i) => [x, i]));
  const ys = columns.map((c) => {
    const y: Array<number | null> = new Array(xsMs.length).fill(null);
    c.timestamps.forEach((t, i) => {
      y[index.get(t)!] = c.values[i] ?? null;
    });
    return y;
  });
  return [xsMs.map((x) => x / 1000), ...ys];
}

function csvField(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Long format, one row per point: what is on screen, tier and bucket included, for a spreadsheet. */
export function toCsv(columns: readonly SeriesColumns[], keyOf: (seriesId: string) => string): string {
  const rows = ['series,timestamp,value,min,max,tier,bucket_ms'];
  for (const c of columns) {
    const key = csvField(keyOf(c.seriesId));
    c.timestamps.forEach((t, i) => {
      const num = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
      rows.push([key, new Date(t).toISOString(), num(c.values[i]), num(c.min?.[i]), num(c.max?.[i]), c.tier ?? '', num(c.bucketMs)].join(','));
    });
  }
  return `${rows.join('\n')}\n`;
}
