// What is painted over a chart's data, shared by the wall and the explorer: the baseline band
// (expected value and its lower..upper spread) and anomaly markers (a line where an anomaly
// started, a tinted span while it lasts), coloured by severity. Drawn on uPlot's canvas in its
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
    const color = SEVERITY_COLORS[m.severity] ?? SEVERITY_COLORS.WARNING!;
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
