// Series columns as the explorer shows and exports them: several series on one time axis
// (uPlot wants one x array; series polled at different instants are merged), outages shown as
// breaks in the line (and as spans the chart shades), and the same data as CSV.

import type { SeriesColumns } from '../api/documents.js';

/** A stretch without points longer than this many typical steps is an outage: the line breaks. */
export const GAP_STEPS = 3;

/** A y value: a number, `null` where the series has an outage (the line breaks there), `undefined`
 *  where it simply has no point at an instant another series was polled at (the line goes on). */
export type YValue = number | null | undefined;

/** The median distance between consecutive points: the series' poll interval or bucket. */
function typicalStep(ts: readonly number[]): number {
  const steps = ts.slice(1).map((t, i) => t - ts[i]).filter((d) => d > 0).sort((a, b) => a - b);
  return steps.length === 0 ? Infinity : steps[Math.floor(steps.length / 2)];
}

/** A stretch where a series had no reading for longer than GAP_STEPS of its steps: from its last
 *  point before the outage to its first point after it (ms). */
export interface GapSpan {
  seriesIndex: number;
  fromMs: number;
  toMs: number;
}

/** What the alignment reads of a series' columns: a bucket size only where the API gave one. */
type ColumnTimes = Pick<SeriesColumns, 'timestamps'> & Partial<Pick<SeriesColumns, 'bucketMs'>>;

function stepOf(c: ColumnTimes): number {
  return Math.max(typicalStep(c.timestamps), c.bucketMs ?? 0);
}

/** Every series' outages, in series order then time: what the explorer shades. */
export function gapSpans(columns: readonly ColumnTimes[]): GapSpan[] {
  return columns.flatMap((c, seriesIndex) => {
    const step = stepOf(c);
    const spans: GapSpan[] = [];
    for (let i = 1; i < c.timestamps.length; i++) {
      if (c.timestamps[i] - c.timestamps[i - 1] > GAP_STEPS * step) spans.push({ seriesIndex, fromMs: c.timestamps[i - 1], toMs: c.timestamps[i] });
    }
    return spans;
  });
}

/**
 * [x seconds, ...one y array per series], x ascending and unique. Series polled at different
 * instants share the axis (holes `undefined`, drawn through); where a series has no point for more
 * than GAP_STEPS of its own steps (or buckets) a `null` is placed one step after its last point, so
 * the chart shows the outage instead of a straight line across it (draw with spanGaps: false).
 */
export function alignColumns(columns: readonly (ColumnTimes & Pick<SeriesColumns, 'values'>)[]): [number[], ...Array<YValue[]>] {
  const gaps = gapSpans(columns);
  const breaks = columns.map((c, k) => {
    const step = stepOf(c);
    return gaps.filter((g) => g.seriesIndex === k).map((g) => g.fromMs + step);
  });
  const xsMs = [...new Set([...columns.flatMap((c) => c.timestamps), ...breaks.flat()])].sort((a, b) => a - b);
  const index = new Map(xsMs.map((x, i) => [x, i]));
  const ys = columns.map((c, k) => {
    const y: YValue[] = new Array(xsMs.length).fill(undefined);
    for (const b of breaks[k]) y[index.get(b)!] = null;
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
