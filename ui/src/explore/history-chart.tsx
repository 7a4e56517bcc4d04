// A chart of history for the explorer and the device page: several series on one time axis
// (one y scale per unit, at most two axes), each series' baseline band, anomaly markers, outages
// shaded, and zoom by dragging across the time axis. Rebuilt when its data changes, which happens per query,
// not per point.

import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import { drawBand, drawMarkers, drawOutages, type BaselineBand, type ChartMarker, type OutageSpan } from '../wall/chart-overlays.js';
import { formatAxisTime, formatAxisValues, formatValue } from '../wall/format.js';
import { MIN_RANGE_MS } from './time-range.js';
import type { YValue } from './columns.js';
import { DAY_MS } from '../../../common/time-units.js';

export const SERIES_COLORS = ['#38bdf8', '#f59e0b', '#a3e635', '#c084fc', '#f472b6', '#2dd4bf', '#fb7185', '#facc15'];

export interface ChartSeries {
  label: string;
  unit: string;
  band?: BaselineBand | null;
}

export interface HistoryChartProps {
  data: [number[], ...Array<YValue[]>]; // x in seconds; null breaks the line (an outage), undefined does not
  series: ChartSeries[];
  fromMs: number;
  toMs: number;
  markers?: ChartMarker[];
  /** Stretches without readings (columns.ts gapSpans), shaded beneath the lines. */
  outages?: OutageSpan[];
  height?: number;
  onZoom?: (fromMs: number, toMs: number) => void;
  testId?: string;
}

const AXIS = { stroke: '#9fb0c0', font: '600 13px system-ui, sans-serif', grid: { stroke: 'rgba(159,176,192,0.12)', width: 1 }, ticks: { stroke: 'rgba(159,176,192,0.12)', width: 1 } };

function timeAxisValues(fromMs: number, toMs: number) {
  const long = toMs - fromMs > 2 * DAY_MS;
  return (_u: uPlot, splits: number[]) =>
    splits.map((s) => (long ? new Date(s * 1000).toLocaleDateString('en-GB', { day: '2-digit', month: 'short' }) : formatAxisTime(s)));
}

export function HistoryChart(props: HistoryChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const zoom = useRef(props.onZoom);
  zoom.current = props.onZoom;

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const observer = new ResizeObserver(([e]) => e && setWidth(Math.floor(e.contentRect.width)));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const el = host.current;
    if (!el || width < 50) return;
    const units = [...new Set(props.series.map((s) => s.unit))].slice(0, 2);
    const scaleOf = (unit: string) => (units.indexOf(unit) === 1 ? 'y2' : 'y');
    const plot = new uPlot(
      {
        width,
        height: props.height ?? 360,
        legend: { show: true, live: true },
        cursor: { drag: { x: true, y: false, setScale: false } },
        scales: { x: { time: true, range: () => [props.fromMs / 1000, props.toMs / 1000] } },
        series: [
          { value: (_u, v) => (v === null ? '—' : new Date(v * 1000).toLocaleString('en-GB')) },
          ...props.series.map((s, i) => ({
            label: s.label,
            scale: scaleOf(s.unit),
            stroke: SERIES_COLORS[i % SERIES_COLORS.length],
            width: 2,
            spanGaps: false, // nulls are outages (alignColumns); holes between series are undefined
            points: { show: props.data[0].length < 60 }, // a few points: dots, or one point would not show
            value: (_u: uPlot, v: number | null) => formatValue(v, s.unit),
          })),
        ],
        axes: [
          { ...AXIS, space: 80, values: timeAxisValues(props.fromMs, props.toMs) },
          { ...AXIS, scale: 'y', size: 64, values: (_u, splits) => formatAxisValues(splits), label: units[0] ?? '' },
          ...(units[1] ? [{ ...AXIS, scale: 'y2', side: 1 as const, size: 64, grid: { show: false }, values: (_u: uPlot, splits: number[]) => formatAxisValues(splits), label: units[1] }] : []),
        ],
        hooks: {
          drawClear: [
            (u) => props.series.forEach((s, i) => drawBand(u, s.band ?? null, scaleOf(s.unit), `${SERIES_COLORS[i % SERIES_COLORS.length]}1f`)),
            (u) => {
              // Where the shading landed, in canvas pixels: tests sample the canvas there.
              const spans = drawOutages(u, props.outages ?? []);
              el.dataset.outages = JSON.stringify({ left: u.bbox.left, top: u.bbox.top, height: u.bbox.height, spans });
            },
          ],
          draw: [(u) => drawMarkers(u, props.markers ?? [])],
          setSelect: [
            (u) => {
              if (u.select.width < 3) return;
              // A drag that ends within a few pixels of an edge means "up to that edge" (hitting
              // the last pixel exactly with a mouse is not a fair thing to ask).
              const edgePx = 4;
              const plotWidth = u.over.clientWidth;
              const right = u.select.left + u.select.width;
              const from = u.select.left <= edgePx ? props.fromMs : u.posToVal(u.select.left, 'x') * 1000;
              const to = right >= plotWidth - edgePx ? props.toMs : u.posToVal(right, 'x') * 1000;
              u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
              if (to - from >= MIN_RANGE_MS) zoom.current?.(from, to);
            },
          ],
        },
      },
      props.data,
      el,
    );
    el.dataset.points = String(props.data[0].length);
    el.dataset.markers = String(props.markers?.length ?? 0);
    return () => plot.destroy();
  }, [width, props.data, props.series, props.fromMs, props.toMs, props.markers, props.outages, props.height]);

  return <div className="history-chart" ref={host} data-testid={props.testId} />;
}
