// Numbers in human text (anomaly reasons, health details): a few significant digits with the
// unit, SI prefixes for rates (9.1 Gbps rather than 9100000000 bps). Deterministic: the same value
// always prints the same, so replayed events are byte-identical.
import { SECOND_MS, MINUTE_MS, HOUR_MS } from '../../common/time-units.js';

const siUnits = new Set(['bps', 'pps', 'B', 'bytes', 'Bps']);

function trim(x: number, digits: number): string {
  if (x === 0) return '0';
  const s = x.toPrecision(digits);
  return s.includes('e') ? s : s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return `${value} ${unit}`.trim();
  if (siUnits.has(unit)) {
    const a = Math.abs(value);
    for (const [k, p] of [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']] as const) {
      if (a >= k) return `${trim(value / k, 3)} ${p}${unit}`;
    }
  }
  if (unit === 'dBm' || unit === 'dB') return `${value.toFixed(2)} ${unit}`;
  if (unit === 'ratio') return trim(value, 3);
  const digits = Math.abs(value) >= 1000 ? 6 : 4;
  return `${trim(value, digits)}${unit ? ` ${unit}` : ''}`;
}

export function formatDuration(ms: number): string {
  if (ms < 2 * MINUTE_MS) return `${Math.round(ms / SECOND_MS)} s`;
  if (ms < 2 * HOUR_MS) return `${trim(ms / MINUTE_MS, 3)} min`;
  return `${trim(ms / HOUR_MS, 3)} h`;
}
