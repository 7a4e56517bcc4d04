// What is painted over a chart's data, shared by the wall and the explorer: the baseline band
// (expected value and its lower..upper spread), anomaly markers (a line where an anomaly
// started, a tinted span while it lasts), coloured by severity, and outages (a hatched span where
// no reading arrived: the break in the line alone is easy to miss on a wide range). Drawn on uPlot's canvas in its
// hooks, so an overlay costs a few canvas calls per redraw whatever else is on the page.

import type uPlot from 'uplot';

export interface BaselineBand {
  expected: number;
  lower: number;
  upper: number;
}

export interface ChartMarker {
  startMs: number;
  endMs: number | null; // null while open
  severity: string;
}

export const SEVERITY_COLORS: Record<string, string> = {
  CRITICAL: '#ef4444',
  MAJOR: '#f97316',
  MINOR: '#eab308',
  WARNING: '#facc15',
  INFO: '#60a5fa',
};

const BAND_FILL = 'rgba(148, 163, 184, 0.16)';
const BAND_EDGE = 'rgba(148, 163, 184, 0.45)';

/** The y range of a chart: its data, the band when there is one, and some headroom. */
export function yRangeWith(min: number | null, max: number | null, band: BaselineBand | null): [number, number] {
  let lo = min ?? band?.lower ?? 0;
  let hi = max ?? band?.upper ?? 1;
  if (band) {
    lo = Math.min(lo, band.lower);
    hi = Math.max(hi, band.upper);
  }
  if (lo >= 0 && hi > 0) lo = 0; // rates and counts read best from zero
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.12;
  return [lo >= 0 ? lo : lo - pad, hi + pad];
}

export function drawBand(u: uPlot, band: BaselineBand | null, scaleKey = 'y', tint = BAND_FILL): void {
  if (!band || !Number.isFinite(band.lower) || !Number.isFinite(band.upper)) return;
  const { ctx, bbox } = u;
  const yTop = u.valToPos(band.upper, scaleKey, true);
  const yBottom = u.valToPos(band.lower, scaleKey, true);
  const yExpected = u.valToPos(band.expected, scaleKey, true);
  ctx.save();
  ctx.beginPath();
  ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
  ctx.clip();
  ctx.fillStyle = tint;
  ctx.fillRect(bbox.left, Math.min(yTop, yBottom), bbox.width, Math.abs(yBottom - yTop));
  ctx.strokeStyle = BAND_EDGE;
  ctx.setLineDash([6, 6]);
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(bbox.left, yExpected);
  ctx.lineTo(bbox.left + bbox.width, yExpected);
  ctx.stroke();
  ctx.restore();
}

export function drawMarkers(u: uPlot, markers: readonly ChartMarker[]): void {
  if (markers.length === 0) return;
  const { ctx, bbox } = u;
  const right = bbox.left + bbox.width;
  ctx.save();
  ctx.beginPath();
  ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
  ctx.clip();
  for (const m of markers) {
    const color = SEVERITY_COLORS[m.severity] ?? SEVERITY_COLORS.WARNING;
    const x0 = Math.max(bbox.left, u.valToPos(m.startMs / 1000, 'x', true));
    const x1 = m.endMs === null ? right : Math.min(right, u.valToPos(m.endMs / 1000, 'x', true));
    if (x1 < bbox.left || x0 > right) continue;
    ctx.globalAlpha = 0.14;
    ctx.fillStyle = color;
    ctx.fillRect(x0, bbox.top, Math.max(2, x1 - x0), bbox.height);
    ctx.globalAlpha = 1;
    ctx.strokeStyle = color;
    ctx.lineWidth = 3;
    ctx.beginPath();
    ctx.moveTo(x0, bbox.top);
    ctx.lineTo(x0, bbox.top + bbox.height);
    ctx.stroke();
    // A small flag at the top edge stays visible even when the span is thin.
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.moveTo(x0, bbox.top);
    ctx.lineTo(x0 + 12, bbox.top + 6);
    ctx.lineTo(x0, bbox.top + 12);
    ctx.fill();
  }
  ctx.restore();
}

export interface OutageSpan {
  fromMs: number; // the last reading before the outage
  toMs: number; // the first reading after it
}

const OUTAGE_FILL = 'rgba(148, 163, 184, 0.13)';
const OUTAGE_HATCH = 'rgba(148, 163, 184, 0.30)';
const OUTAGE_LABEL = '#cbd5e1';
const OUTAGE_LABEL_MIN_PX = 56; // narrower spans get no "no data" label: it would not fit

/**
 * Shades each outage over the plot's whole height (drawn beneath the lines). Returns the spans as
 * drawn, in canvas pixels, clipped to the plot: the explorer reports them to tests and people.
 */
export function drawOutages(u: uPlot, spans: readonly OutageSpan[]): Array<{ x0: number; x1: number }> {
  if (spans.length === 0) return [];
  const { ctx, bbox } = u;
  const right = bbox.left + bbox.width;
  const drawn: Array<{ x0: number; x1: number }> = [];
  ctx.save();
  ctx.beginPath();
  ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
  ctx.clip();
  for (const s of spans) {
    const x0 = Math.max(bbox.left, u.valToPos(s.fromMs / 1000, 'x', true));
    const x1 = Math.min(right, u.valToPos(s.toMs / 1000, 'x', true));
    if (x1 - x0 < 1) continue;
    ctx.save();
    ctx.beginPath();
    ctx.rect(x0, bbox.top, x1 - x0, bbox.height);
    ctx.clip();
    ctx.fillStyle = OUTAGE_FILL;
    ctx.fillRect(x0, bbox.top, x1 - x0, bbox.height);
    // Diagonal hatching: reads as "nothing here" even where the fill is faint on a bright screen.
    ctx.strokeStyle = OUTAGE_HATCH;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let x = x0 - bbox.height; x < x1; x += 10) {
      ctx.moveTo(x, bbox.top + bbox.height);
      ctx.lineTo(x + bbox.height, bbox.top);
    }
    ctx.stroke();
    if (x1 - x0 >= OUTAGE_LABEL_MIN_PX) {
      ctx.fillStyle = OUTAGE_LABEL;
      ctx.font = '600 12px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.fillText('no data', (x0 + x1) / 2, bbox.top + 16);
    }
    ctx.restore();
    drawn.push({ x0, x1 });
  }
  ctx.restore();
  return drawn;
}
