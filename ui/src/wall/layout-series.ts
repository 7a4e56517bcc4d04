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
}

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
    if (pair === lastPair && groups.length > 0) groups[groups.length - 1]!.push(s);
    else groups.push([s]);
    lastPair = pair;
  }
  const queues = [...perDevice.values()];
  const out: SeriesInfo[] = [];
  for (let round = 0; out.length < sorted.length; round++) for (const q of queues) if (q[round]) out.push(...q[round]!);
  return out;
}

export function selectWallSeries(layout: WallLayout, found: SeriesInfo[][], devices: DeviceRow[]): WallSelection {
  let deviceFilter: string[] | null = null;
  if (layout.devices.length > 0 || layout.sites.length > 0) {
    const ids = new Set(layout.devices);
    const sites = new Set(layout.sites);
    for (const d of devices) if (sites.has(d.site)) ids.add(d.id);
    deviceFilter = [...ids].sort();
  }
  const allowed = deviceFilter ? new Set(deviceFilter) : null;
  // Series of every term, ordered by device and interface with in and out side by side, so the
  // cap keeps whole pairs of the first interfaces rather than all the "in" of every device.
  const terms = layout.series.map((t) => t.toLowerCase());
  const all = found.flat().filter((s) => (!allowed || allowed.has(s.deviceId)) && terms.some((t) => s.key.toLowerCase().includes(t)));
  const unique = [...new Map(all.map((s) => [s.id, s])).values()];
  unique.sort((a, b) => pairKey(a).localeCompare(pairKey(b), 'en', { numeric: true })); // r2 before r10
  const series = spreadOverDevices(unique).slice(0, layout.charts);

  const tileDevices = (allowed ? devices.filter((d) => allowed.has(d.id)) : devices).slice(0, TILES_MAX);
  return { series, deviceFilter, tileDevices };
}
