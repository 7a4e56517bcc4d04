// One imperative uPlot chart: a sliding window fed from history and live points. Points only
// touch the buffer and mark the chart dirty; the frame scheduler then calls flush() at most once
// per animation frame, which is the only place that calls setData (and updates the big value).
// React never sees a point.

import uPlot from 'uplot';
import { SeriesBuffer } from './series-buffer.js';
import type { FrameScheduler } from './frame-scheduler.js';
import { formatAxisTime, formatAxisValue, formatValue } from './format.js';

export interface LiveChartOptions {
  unit: string;
  color: string;
  windowMs: number;
}

const THEME = {
  axis: '#9fb0c0',
  grid: 'rgba(159, 176, 192, 0.12)',
  font: '600 14px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
};

export class LiveChart {
  private readonly plot: uPlot;
  private readonly buffer: SeriesBuffer;
  private shownValue = '';

  constructor(
    host: HTMLElement,
    private readonly valueEl: HTMLElement,
    private readonly opts: LiveChartOptions,
    private readonly scheduler: FrameScheduler,
  ) {
    const windowS = opts.windowMs / 1000;
    this.buffer = new SeriesBuffer(windowS);
    const axis = { stroke: THEME.axis, font: THEME.font, grid: { stroke: THEME.grid, width: 1 }, ticks: { stroke: THEME.grid, width: 1 } };
    this.plot = new uPlot(
      {
        width: Math.max(100, host.clientWidth),
        height: Math.max(80, host.clientHeight),
        pxAlign: false,
        cursor: { show: false },
        legend: { show: false },
        scales: {
          // The x window follows the wall clock, so a series that stops updating visibly slides away.
          x: { time: true, range: () => [Date.now() / 1000 - windowS, Date.now() / 1000] },
          y: { range: (_u, min, max) => [Math.min(0, min ?? 0), max !== null && max > 0 ? max * 1.15 : 1] },
        },
        series: [{}, { stroke: opts.color, width: 2.5, fill: `${opts.color}22`, points: { show: false } }],
        axes: [
          { ...axis, space: 90, values: (_u, splits) => splits.map(formatAxisTime) },
          { ...axis, size: 64, values: (_u, splits) => splits.map((v) => formatAxisValue(v)) },
        ],
      },
      [new Float64Array(0), new Float64Array(0)],
      host,
    );
  }

  get lastTimestampMs(): number | undefined {
    const x = this.buffer.lastX;
    return x === undefined ? undefined : x * 1000;
  }

  /** History or a backfill: ascending ms timestamps; null values (gaps) are skipped. */
  load(timestampsMs: readonly number[], values: ReadonlyArray<number | null>): void {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < timestampsMs.length; i++) {
      const v = values[i];
      if (v === null || v === undefined) continue;
      xs.push(timestampsMs[i]! / 1000);
      ys.push(v);
    }
    if (xs.length > 0) this.buffer.merge(xs, ys);
    this.scheduler.mark(this);
  }

  push(tsMs: number, value: number): void {
    this.buffer.append(tsMs / 1000, value);
    this.scheduler.mark(this);
  }

  /** Re-renders with the window moved to now, even without new points. */
  slide(): void {
    this.scheduler.mark(this);
  }

  flush(nowMs: number): void {
    this.buffer.trimBefore(nowMs / 1000 - this.opts.windowMs / 1000);
    this.plot.setData(this.buffer.view());
    const text = formatValue(this.buffer.lastY, this.opts.unit);
    if (text !== this.shownValue) {
      this.valueEl.textContent = text;
      this.shownValue = text;
    }
  }

  resize(width: number, height: number): void {
    if (width > 0 && height > 0) this.plot.setSize({ width: Math.floor(width), height: Math.floor(height) });
  }

  destroy(): void {
    this.scheduler.cancel(this);
    this.plot.destroy();
  }
}
