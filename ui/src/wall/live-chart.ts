// One imperative uPlot chart: a sliding window fed from history and live points. Points only
// touch the buffer and mark the chart dirty; the frame scheduler then calls flush() at most once
// per animation frame, which is the only place that calls setData (and updates the big value).
// React never sees a point. The baseline band and the anomaly markers are painted by a draw
// hook straight onto uPlot's canvas: no extra series, no DOM per marker.

import uPlot from 'uplot';
import { SeriesBuffer } from './series-buffer.js';
import type { FrameScheduler } from './frame-scheduler.js';
import { formatAxisTime, formatAxisValues, formatValue } from './format.js';
import { drawBand, drawMarkers, yRangeWith, type BaselineBand, type ChartMarker } from './chart-overlays.js';

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
  private band: BaselineBand | null = null;
  private markers: ChartMarker[] = [];
  private drawnAtMs = 0;

  constructor(
    private readonly host: HTMLElement,
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
          y: { range: (_u, min, max) => yRangeWith(min, max, this.band) },
        },
        // No area fill: filling a polygon per chart per redraw was the largest raster cost of a big wall.
        series: [
          {},
          {
            stroke: opts.color,
            width: 2.5,
            points: { show: false },
            // An outage is a gap on the wall, never a straight line across it (SeriesBuffer.outages).
            spanGaps: false,
            gaps: (u, _seriesIdx, _idx0, _idx1, nullGaps) => [...nullGaps, ...this.buffer.outages().map(([a, b]): [number, number] => [Math.round(u.valToPos(a, 'x', true)), Math.round(u.valToPos(b, 'x', true))])],
          },
        ],
        axes: [
          { ...axis, space: 90, values: (_u, splits) => splits.map(formatAxisTime) },
          { ...axis, size: 64, values: (_u, splits) => formatAxisValues(splits) },
        ],
        hooks: {
          drawClear: [(u) => drawBand(u, this.band)],
          draw: [(u) => drawMarkers(u, this.markers)],
        },
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
      xs.push(timestampsMs[i] / 1000);
      ys.push(v);
    }
    if (xs.length > 0) this.buffer.merge(xs, ys);
    this.scheduler.mark(this);
  }

  push(tsMs: number, value: number): void {
    this.buffer.append(tsMs / 1000, value);
    this.scheduler.mark(this);
  }

  setBand(band: BaselineBand | null): void {
    this.band = band;
    this.scheduler.mark(this);
  }

  setMarkers(markers: ChartMarker[]): void {
    this.markers = markers;
    // Tests and people inspecting the page can see how many anomalies a chart shows.
    this.host.dataset.markers = String(markers.length);
    this.scheduler.mark(this);
  }

  /** What the chart holds, for the wall inspector (window.opsconductorWall) and browser tests. */
  describe(fromMs = 0, toMs = Infinity): { points: number; pointsInRange: number; firstTs: number | null; lastTs: number | null; maxGapS: number; outages: number; markers: number; band: boolean } {
    const [xs] = this.buffer.view();
    let maxGapS = 0;
    let pointsInRange = 0;
    for (let i = 0; i < xs.length; i++) {
      if (i > 0) maxGapS = Math.max(maxGapS, xs[i] - xs[i - 1]);
      if (xs[i] * 1000 >= fromMs && xs[i] * 1000 <= toMs) pointsInRange++;
    }
    return {
      points: xs.length,
      pointsInRange,
      firstTs: xs.length ? xs[0] * 1000 : null,
      lastTs: xs.length ? xs[xs.length - 1] * 1000 : null,
      maxGapS,
      outages: this.buffer.outages().length,
      markers: this.markers.length,
      band: this.band !== null,
    };
  }

  /**
   * Re-renders with the window moved to now when no point did it lately: a chart whose series
   * ticks every second is redrawn by its points, not a second time by the clock.
   */
  slide(nowMs: number, everyMs: number): void {
    // 1.5 periods: a series ticking once a period, at any phase against this timer, is never
    // drawn twice a period; a silent one moves on every other period.
    if (nowMs - this.drawnAtMs >= everyMs * 1.5) this.scheduler.mark(this);
  }

  flush(nowMs: number): void {
    this.drawnAtMs = nowMs;
    this.buffer.trimBefore(nowMs / 1000 - this.opts.windowMs / 1000);
    // batch() draws now, inside the frame scheduler's time budget; a bare setData would defer
    // the redraw to a microtask and every chart of the frame would draw after the budget check.
    const view = this.buffer.view();
    this.plot.batch(() => this.plot.setData(view));
    const text = formatValue(this.buffer.lastY, this.opts.unit);
    if (text !== this.shownValue) {
      this.scheduler.setText(this.valueEl, text);
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
