// Numbers for people across a room: three significant digits, SI prefixes, short units.

const PREFIXES = ['', 'k', 'M', 'G', 'T', 'P'];

function si(value: number): { scaled: number; prefix: string } {
  let scaled = value;
  let i = 0;
  while (Math.abs(scaled) >= 1000 && i < PREFIXES.length - 1) {
    scaled /= 1000;
    i++;
  }
  return { scaled, prefix: PREFIXES[i]! };
}

function digits(value: number): string {
  const abs = Math.abs(value);
  return value.toFixed(abs >= 100 || abs === 0 ? 0 : abs >= 10 ? 1 : 2);
}

const UNIT_SUFFIX: Record<string, string> = { bps: 'b/s', pps: 'p/s', bytes: 'B', B: 'B' };

export function formatValue(value: number | undefined | null, unit: string): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return '—';
  if (unit === '%' || unit === 'percent') return `${digits(value)} %`;
  if (unit === 'ms' || unit === 's' || unit === 'dBm' || unit === 'dB' || unit === 'C') return `${digits(value)} ${unit}`;
  const { scaled, prefix } = si(value);
  const suffix = UNIT_SUFFIX[unit] ?? unit;
  return `${digits(scaled)} ${prefix}${suffix}`.trim();
}

/** Axis ticks stay short ("1.5G"); the unit is in the panel's header. */
export function formatAxisValue(value: number): string {
  const { scaled, prefix } = si(value);
  return `${Number(scaled.toFixed(1))}${prefix}`;
}

export function formatClockTime(date: Date, timeZone?: string): string {
  return date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false, timeZone });
}

export function formatAxisTime(epochS: number): string {
  return new Date(epochS * 1000).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false });
}

/** A series' title: device, interface (or other labels), and a readable metric. */
export function describeSeries(s: { deviceId: string; metric: string; labels: Record<string, string> | null }): { device: string; detail: string } {
  const labels = s.labels ?? {};
  const target = labels.ifName ?? labels.ifDescr ?? Object.values(labels).join(' ');
  const metric = s.metric === 'if_in_bps' ? '▼ in' : s.metric === 'if_out_bps' ? '▲ out' : s.metric.replace(/_/g, ' ');
  return { device: s.deviceId, detail: [target, metric].filter(Boolean).join(' · ') };
}
