// Which series and devices a layout puts on the wall, from the series its search terms found and
// the device list: a pure function, so the choice is tested without a browser.

import type { DeviceRow, SeriesInfo } from '../api/documents.js';
import type { WallLayout } from './layout.js';

export const TILES_MAX = 48; // health tiles on one wall

export interface WallSelection {
  series: SeriesInfo[];
  /** Devices the layout is restricted to (null: any device). */
  deviceFilter: string[] | null;
  /** Devices that get a health tile. */
  tileDevices: DeviceRow[];
  /** Grid columns the layout asks for (one row a site); null: the wall's own shape. */
  columns: number | null;
}

/** A row of a by-site wall holds at most this many charts; more per site and the wall's own shape is used. */
const SITE_ROW_MAX = 6;

// "…/if_out_bps…" sorts next to "…/if_in_bps…" of the same interface: in and out side by side.
const pairKey = (s: SeriesInfo) => `${s.key.replace('/if_out_', '/if_in_')}\u0000${s.metric}`;

/**
 * Takes the devices in turn, a whole interface (its in and out together) at a time: twelve charts
 * over four devices show three of each, not twelve of the first (a wall that showed only lab-r1
 * hid the other devices' links). `sorted` is ordered by device, then interface.
 */
function spreadOverDevices(sorted: SeriesInfo[]): SeriesInfo[] {
  const perDevice = new Map<string, SeriesInfo[][]>(); // device → its interfaces' series, in order
  let lastPair = '';
  for (const s of sorted) {
    const pair = s.key.replace('/if_out_', '/if_in_');
    const groups = perDevice.get(s.deviceId) ?? perDevice.set(s.deviceId, []).get(s.deviceId)!;
    if (pair === lastPair && groups.length > 0) groups[groups.length - 1].push(s);
    else groups.push([s]);
    lastPair = pair;
  }
  const queues = [...perDevice.values()];
  const out: SeriesInfo[] = [];
  for (let round = 0; out.length < sorted.length; round++) for (const q of queues) if (q[round]) out.push(...q[round]);
  return out;
}

/** The devices a layout is restricted to by its devices and sites (null: any device). */
export function layoutDeviceFilter(layout: WallLayout, devices: DeviceRow[]): string[] | null {
  if (layout.devices.length === 0 && layout.sites.length === 0) return null;
  const ids = new Set(layout.devices);
  const sites = new Set(layout.sites);
  for (const d of devices) if (sites.has(d.site)) ids.add(d.id);
  return [...ids].sort();
}

export function selectWallSeries(layout: WallLayout, found: SeriesInfo[][], devices: DeviceRow[]): WallSelection {
  const deviceFilter = layoutDeviceFilter(layout, devices);
  const allowed = deviceFilter ? new Set(deviceFilter) : null;
  // Series of every term, ordered by device and interface with in and out side by side, so the
  // cap keeps whole pairs of the first interfaces rather than all the "in" of every device.
  const terms = layout.series.map((t) => t.toLowerCase());
  const all = found.flat().filter((s) => (!allowed || allowed.has(s.deviceId)) && terms.some((t) => s.key.toLowerCase().includes(t)));
  const unique = [...new Map(all.map((s) => [s.id, s])).values()];
  unique.sort((a, b) => pairKey(a).localeCompare(pairKey(b), 'en', { numeric: true })); // r2 before r10
  const tileDevices = (allowed ? devices.filter((d) => allowed.has(d.id)) : devices).slice(0, TILES_MAX);
  if (layout.bySite) return { ...bySite(unique, devices, layout.charts), deviceFilter, tileDevices };
  return { series: spreadOverDevices(unique).slice(0, layout.charts), deviceFilter, tileDevices, columns: null };
}

/**
 * One row a site: the sites in name order, each given an equal share of the charts, its devices
 * in turn within it. A site with fewer series than its share leaves the rest of its row empty
 * rather than letting the next site start there.
 */
function bySite(sorted: SeriesInfo[], devices: DeviceRow[], charts: number): { series: SeriesInfo[]; columns: number | null } {
  const siteOf = new Map(devices.map((d) => [d.id, d.site || '(no site)']));
  const perSite = new Map<string, SeriesInfo[]>();
  for (const s of sorted) {
    const site = siteOf.get(s.deviceId) ?? '(no site)';
    (perSite.get(site) ?? perSite.set(site, []).get(site)!).push(s);
  }
  const sites = [...perSite.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).slice(0, charts);
  const share = Math.max(1, Math.floor(charts / Math.max(1, sites.length)));
  const series = sites.flatMap((site) => spreadOverDevices(perSite.get(site)!).slice(0, share));
  const rows = sites.length >= 2 && share <= SITE_ROW_MAX && sites.every((site) => perSite.get(site)!.length >= share);
  return { series, columns: rows ? share : null };
}

/**
 * A ranked layout's charts: the API's topSeries in its order, an interface's in and out kept
 * together at the rank of the better of the two (a link busy in one direction is a busy link).
 */
export function selectRankedSeries(layout: WallLayout, ranked: SeriesInfo[], devices: DeviceRow[]): WallSelection {
  const deviceFilter = layoutDeviceFilter(layout, devices);
  const allowed = deviceFilter ? new Set(deviceFilter) : null;
  const pairs = new Map<string, SeriesInfo[]>(); // first seen = best ranked
  for (const s of ranked) {
    if (allowed && !allowed.has(s.deviceId)) continue;
    const pair = s.key.replace('/if_out_', '/if_in_');
    (pairs.get(pair) ?? pairs.set(pair, []).get(pair)!).push(s);
  }
  const inFirst = (a: SeriesInfo, b: SeriesInfo) => pairKey(a).localeCompare(pairKey(b));
  const series = [...pairs.values()].flatMap((p) => p.sort(inFirst)).slice(0, layout.charts);
  const tileDevices = (allowed ? devices.filter((d) => allowed.has(d.id)) : devices).slice(0, TILES_MAX);
  return { series, deviceFilter, tileDevices, columns: null };
}
