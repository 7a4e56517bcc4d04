// What a wall shows, as URL parameters, so a wall is opened (and reopened after a power cut) by
// its link alone. One layout is a small query string; several layouts for auto-rotation are
// repeated `l` parameters, each holding one layout's query string:
//
//   /?name=Core&devices=core-r1,core-r2&series=/if_in_bps,/if_out_bps&charts=12
//   /?l=name%3DCore%26sites%3Dnyc1&l=name%3DOptics%26series%3Doptical_rx_dbm&rotate=60&kiosk=1
//   /?name=Busiest+links&rank=highest        (the top of the catalogue by recent average)
//
// Saved layouts live in localStorage (name → query string) on the machine that made them; the
// link is what travels to the wall.

export interface WallLayout {
  name: string;
  devices: string[]; // device ids; empty = any
  sites: string[]; // device sites; empty = any
  series: string[]; // series key substrings (the API's series search); empty = interface traffic
  charts: number; // at most this many charts
  windowMin: number; // minutes of history on screen
  /** Ranked by the series' recent average (the API's topSeries) instead of catalogue order. */
  rank: RankOrder | null;
  /** Charts grouped by the devices' site, one row a site. */
  bySite: boolean;
}

export type RankOrder = 'highest' | 'lowest';

export interface WallConfig {
  layouts: WallLayout[]; // at least one
  rotateS: number; // 0 = no rotation
  kiosk: boolean;
  staleS: number; // no live point for this long: the wall says it is stale
}

export const LAYOUT_DEFAULTS = {
  name: 'NOC wall',
  series: ['/if_in_bps', '/if_out_bps'],
  charts: 12,
  maxCharts: 64,
  windowMin: 15,
  minRotateS: 10, // a faster rotation is unreadable
  staleS: 20, // a few poll intervals (the collectors poll every 5–10 s by default)
  storageKey: 'opsconductor.layouts',
} as const;

const list = (v: string | null): string[] =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function boundedInt(v: string | null, fallback: number, min: number, max: number): number {
  const n = Number(v);
  return v !== null && Number.isFinite(n) ? Math.min(max, Math.max(min, Math.round(n))) : fallback;
}

const RANKS: readonly RankOrder[] = ['highest', 'lowest'];

export function parseLayout(params: URLSearchParams): WallLayout {
  const series = list(params.get('series'));
  const rank = params.get('rank')?.trim().toLowerCase() as RankOrder | undefined;
  return {
    name: params.get('name')?.trim() || LAYOUT_DEFAULTS.name,
    devices: list(params.get('devices')),
    sites: list(params.get('sites')),
    series: series.length > 0 ? series : [...LAYOUT_DEFAULTS.series],
    charts: boundedInt(params.get('charts'), LAYOUT_DEFAULTS.charts, 1, LAYOUT_DEFAULTS.maxCharts),
    windowMin: boundedInt(params.get('window'), LAYOUT_DEFAULTS.windowMin, 1, 24 * 60),
    rank: rank && RANKS.includes(rank) ? rank : null,
    bySite: (params.get('group') ?? '').trim().toLowerCase() === 'site',
  };
}

/** The layout's own query string (no rotation, kiosk or token), defaults left out. */
export function encodeLayout(layout: WallLayout): string {
  const p = new URLSearchParams();
  if (layout.name !== LAYOUT_DEFAULTS.name) p.set('name', layout.name);
  if (layout.devices.length) p.set('devices', layout.devices.join(','));
  if (layout.sites.length) p.set('sites', layout.sites.join(','));
  if (layout.series.join(',') !== LAYOUT_DEFAULTS.series.join(',')) p.set('series', layout.series.join(','));
  if (layout.charts !== LAYOUT_DEFAULTS.charts) p.set('charts', String(layout.charts));
  if (layout.windowMin !== LAYOUT_DEFAULTS.windowMin) p.set('window', String(layout.windowMin));
  if (layout.rank) p.set('rank', layout.rank);
  if (layout.bySite) p.set('group', 'site');
  return p.toString();
}

/** The layouts a wall offers without configuration (the layout menu lists them). */
export const PRESET_LAYOUTS: ReadonlyArray<{ title: string; query: string }> = [
  { title: 'Interface traffic', query: '' },
  { title: 'Busiest links', query: 'name=Busiest+links&rank=highest' },
  { title: 'Optics at risk', query: 'name=Optics+at+risk&series=optical_rx_dbm&rank=lowest' },
  { title: 'By site', query: 'name=By+site&group=site' },
];

export function parseWallConfig(search: string): WallConfig {
  const params = new URLSearchParams(search);
  const many = params.getAll('l');
  const layouts = many.length > 0 ? many.map((q) => parseLayout(new URLSearchParams(q))) : [parseLayout(params)];
  const rotate = boundedInt(params.get('rotate'), 0, 0, 24 * 3600);
  return {
    layouts,
    rotateS: rotate > 0 && layouts.length > 1 ? Math.max(LAYOUT_DEFAULTS.minRotateS, rotate) : 0,
    kiosk: ['1', 'true', 'yes'].includes((params.get('kiosk') ?? '').toLowerCase()),
    staleS: boundedInt(params.get('stale'), LAYOUT_DEFAULTS.staleS, 5, 3600),
  };
}

/** The link of a wall; with `token`, a link that opens on a wall without anyone logging in. */
export function wallLink(origin: string, config: WallConfig, token?: string): string {
  const p = new URLSearchParams();
  if (config.layouts.length === 1) {
    for (const [k, v] of new URLSearchParams(encodeLayout(config.layouts[0]))) p.set(k, v);
  } else {
    for (const l of config.layouts) p.append('l', encodeLayout(l) || `name=${encodeURIComponent(l.name)}`);
    if (config.rotateS > 0) p.set('rotate', String(config.rotateS));
  }
  if (config.kiosk) p.set('kiosk', '1');
  if (config.staleS !== LAYOUT_DEFAULTS.staleS) p.set('stale', String(config.staleS));
  if (token) p.set('token', token);
  const q = p.toString();
  return `${origin}/${q ? `?${q}` : ''}`;
}

export interface LayoutStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function savedLayouts(store: LayoutStore): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(store.getItem(LAYOUT_DEFAULTS.storageKey) ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
  } catch {
    return {}; // a hand-edited or corrupt entry must not keep the wall from starting
  }
}

export function saveLayout(store: LayoutStore, layout: WallLayout): void {
  const all = savedLayouts(store);
  all[layout.name] = encodeLayout(layout);
  store.setItem(LAYOUT_DEFAULTS.storageKey, JSON.stringify(all));
}

export function deleteLayout(store: LayoutStore, name: string): void {
  const all = savedLayouts(store);
  delete all[name];
  store.setItem(LAYOUT_DEFAULTS.storageKey, JSON.stringify(all));
}
