// Numbers for people across a room: three significant digits, SI prefixes, short units.

const PREFIXES = ['', 'k', 'M', 'G', 'T', 'P'];

function si(value: number): { scaled: number; prefix: string } {
  let scaled = value;
  let i = 0;
  while (Math.abs(scaled) >= 1000 && i < PREFIXES.length - 1) {
    scaled /= 1000;
    i++;
  }
  return { scaled, prefix: PREFIXES[i] };
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

const AXIS_MAX_DECIMALS = 4;

/**
 * A whole axis's ticks: short as formatAxisValue makes them, unless two would read the same (a
 * narrow range such as 52.55M..52.95M read "52.6M, 52.6M"): then every tick takes the prefix of
 * the largest one and as many decimals as it takes to tell them apart.
 */
export function formatAxisValues(splits: readonly number[]): string[] {
  const short = splits.map(formatAxisValue);
  if (new Set(short).size === short.length) return short;
  const { prefix } = si(Math.max(0, ...splits.map((v) => Math.abs(v))));
  const divisor = 1000 ** PREFIXES.indexOf(prefix);
  let labels = short;
  for (let decimals = 2; decimals <= AXIS_MAX_DECIMALS; decimals++) {
    labels = splits.map((v) => `${Number((v / divisor).toFixed(decimals))}${prefix}`);
    if (new Set(labels).size === labels.length) break;
  }
  return labels;
}

export function formatClockTime(date: Date, timeZone?: string): string {
  return date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false, timeZone });
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** HH:MM in local time. Axes format every tick on every redraw: toLocaleTimeString was the wall's top cost. */
export function formatAxisTime(epochS: number): string {
  const d = new Date(epochS * 1000);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/** A series' title: device, interface (or other labels), and a readable metric. */
export function describeSeries(s: { deviceId: string; metric: string; labels: Record<string, string> | null }): { device: string; detail: string } {
  const labels = s.labels ?? {};
  const target = labels.ifName ?? labels.ifDescr ?? Object.values(labels).join(' ');
  const metric = s.metric === 'if_in_bps' ? '▼ in' : s.metric === 'if_out_bps' ? '▲ out' : s.metric.replace(/_/g, ' ');
  return { device: s.deviceId, detail: [target, metric].filter(Boolean).join(' · ') };
}

/** "45 s", "12 min", "3 h 05", "2 d 4 h": how long ago, short enough for a ticker. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${String(m % 60).padStart(2, '0')}`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
