// The explorer's time range: presets relative to now, or an absolute range after a zoom, kept
// in the page's URL parameters (from/to in ms, or preset) so a view can be shared.
import { MINUTE_MS, HOUR_MS, DAY_MS } from '../../../common/time-units.js';

export const RANGE_PRESETS = [
  { id: '15m', label: '15 min', ms: 15 * MINUTE_MS },
  { id: '1h', label: '1 h', ms: HOUR_MS },
  { id: '6h', label: '6 h', ms: 6 * HOUR_MS },
  { id: '24h', label: '24 h', ms: DAY_MS },
  { id: '7d', label: '7 d', ms: 7 * DAY_MS },
  { id: '30d', label: '30 d', ms: 30 * DAY_MS },
  { id: '90d', label: '90 d', ms: 90 * DAY_MS },
] as const;

export const DEFAULT_PRESET = '1h';
export const MIN_RANGE_MS = 10_000; // a drag narrower than this is a click, not a zoom

export interface TimeRange {
  fromMs: number;
  toMs: number;
  preset: string | null; // null: an absolute range (zoomed)
}

export function rangeFromParams(params: URLSearchParams, nowMs: number): TimeRange {
  const from = Number(params.get('from'));
  const to = Number(params.get('to'));
  if (params.has('from') && params.has('to') && Number.isFinite(from) && Number.isFinite(to) && to - from >= MIN_RANGE_MS) {
    return { fromMs: from, toMs: to, preset: null };
  }
  const preset = RANGE_PRESETS.find((p) => p.id === params.get('range')) ?? RANGE_PRESETS.find((p) => p.id === DEFAULT_PRESET)!;
  return { fromMs: nowMs - preset.ms, toMs: nowMs, preset: preset.id };
}

export function withPreset(params: URLSearchParams, preset: string): URLSearchParams {
  const p = new URLSearchParams(params);
  p.delete('from');
  p.delete('to');
  p.set('range', preset);
  return p;
}

export function withAbsolute(params: URLSearchParams, fromMs: number, toMs: number): URLSearchParams {
  const p = new URLSearchParams(params);
  p.delete('range');
  p.set('from', String(Math.round(fromMs)));
  p.set('to', String(Math.round(toMs)));
  return p;
}
