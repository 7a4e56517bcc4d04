// The weathermap's state outside React: devices with their place, health and open anomalies;
// links with the latest rate of each direction. A live point updates numbers only; when it moves
// its link into another colour band, the link joins `changed` and the renderer repaints just that
// link in the next frame. `dirty` asks for a whole redraw (layout, devices, an outline removed).
//
// A link's colour is the utilisation of its busier direction: a→b is a's out-rate (or b's in-rate
// when a's is not polled), b→a likewise, over the link's speed. Until a utilisation metric exists
// on the pipeline, this is computed here from the interface rates and the link's speed.

import { healthTone } from '../data/health-store.js';

export interface MapDevice {
  id: string;
  site: string;
  role: string;
  x: number; // 0..1
  y: number;
  health: number | null;
  anomalies: number; // open
}

export interface MapLink {
  id: string;
  a: number; // index into devices
  b: number;
  aInterface: string;
  bInterface: string;
  speedBps: number | null;
  state: string;
  difference: string | null;
  // Latest rate and its event time per end and direction; NaN until known.
  aOut: number;
  aIn: number;
  bOut: number;
  bIn: number;
  ts: number; // newest point of any of the four, ms epoch; 0: none yet
  // Lowest optical Rx power (dBm) of each end's lanes; NaN when the port reports none.
  aRx: number;
  bRx: number;
  // The transceiver's own low-alarm Rx threshold at each end (optical_rx_low_alarm_dbm), the
  // highest of its lanes'; NaN when the port does not report one (the rule's sensitivity stands in).
  aRxLow: number;
  bRxLow: number;
  /** Parallel links between the same two devices are drawn side by side: this one's shift, in line widths from the centre. */
  offset: number;
  /** The colour it is drawn in (linkColour), kept so that only a change of colour redraws the map. */
  colour: string;
  outline: string | null;
}

export type RateSlot = 'aOut' | 'aIn' | 'bOut' | 'bIn' | 'aRx' | 'bRx' | 'aRxLow' | 'bRxLow';

export const MAP_DEFAULTS = {
  staleMs: 20_000, // as the wall's charts: a few poll intervals without a point
  // The processor's opticalRxLow rule defaults (processors/rules/settings.ts): the receiver's
  // sensitivity and the margin under which it warns. A port whose transceiver reports its own
  // low-alarm threshold is judged by that instead (a 100G-LR4 and a ZR optic differ by 10 dB).
  rxSensitivityDbm: -14,
  rxWarnMarginDb: 2,
} as const;

/**
 * Optical margin of the link, dB: the smaller of its ends' Rx over that end's transceiver low-alarm
 * threshold (or the rule's sensitivity when the port reports none); NaN when no optics.
 */
export function opticalMarginDb(l: MapLink, sensitivityDbm: number = MAP_DEFAULTS.rxSensitivityDbm): number {
  const margin = (rx: number, low: number) => (Number.isFinite(rx) ? rx - (Number.isFinite(low) ? low : sensitivityDbm) : Infinity);
  const m = Math.min(margin(l.aRx, l.aRxLow), margin(l.bRx, l.bRxLow));
  return Number.isFinite(m) ? m : NaN;
}

/** The outline a link gets for its optics: none when healthy or unknown. */
export function opticalOutline(l: MapLink): string | null {
  const m = opticalMarginDb(l);
  if (!Number.isFinite(m)) return null;
  return m < 0 ? '#ef4444' : m < MAP_DEFAULTS.rxWarnMarginDb ? '#eab308' : null;
}

/** Utilisation 0..1+ of the busier direction; NaN when unknown (no rate or no speed). */
export function utilisation(l: MapLink): number {
  if (!l.speedBps || l.speedBps <= 0) return NaN;
  const ab = Number.isFinite(l.aOut) ? l.aOut : l.bIn;
  const ba = Number.isFinite(l.bOut) ? l.bOut : l.aIn;
  const busier = Math.max(Number.isFinite(ab) ? ab : -1, Number.isFinite(ba) ? ba : -1);
  return busier < 0 ? NaN : busier / l.speedBps;
}

// Bands as on weathermaps NOCs know (Cacti / Grafana): a colour per step, not a gradient, so a
// change of band is visible across a room.
export const UTILISATION_BANDS: ReadonlyArray<{ upTo: number; colour: string }> = [
  { upTo: 0.01, colour: '#5b6b7b' },
  { upTo: 0.25, colour: '#22c55e' },
  { upTo: 0.5, colour: '#a3e635' },
  { upTo: 0.7, colour: '#eab308' },
  { upTo: 0.85, colour: '#f97316' },
  { upTo: Infinity, colour: '#ef4444' },
];
export const STALE_COLOUR = '#3a4450';
export const UNKNOWN_COLOUR = '#2a5a8a';

export function linkColour(l: MapLink, now: number, staleMs: number = MAP_DEFAULTS.staleMs): string {
  if (l.ts === 0 || now - l.ts > staleMs) return STALE_COLOUR;
  const u = utilisation(l);
  if (!Number.isFinite(u)) return UNKNOWN_COLOUR;
  return UTILISATION_BANDS.find((b) => u <= b.upTo)!.colour;
}

export class MapModel {
  devices: MapDevice[] = [];
  links: MapLink[] = [];
  private readonly deviceIndex = new Map<string, number>();
  /** series id → the link slot it feeds (Rx: with the lanes that share the slot) */
  private readonly feeds = new Map<string, { link: MapLink; slot: RateSlot; lane: { value: number }; lanes: Array<{ value: number }> }>();
  private readonly rxLanes = new Map<string, Array<{ value: number }>>();
  private readonly seriesByLink = new Map<string, string[]>();
  dirty = true;
  /** Links whose colour or outline changed since the last frame (drawn over the picture). */
  readonly changed = new Set<MapLink>();
  /** Devices whose dot changed tone or gained a ring (indices), drawn over the picture. */
  readonly changedDevices = new Set<number>();

  setDevices(devices: MapDevice[]): void {
    this.devices = devices;
    this.deviceIndex.clear();
    devices.forEach((d, i) => this.deviceIndex.set(d.id, i));
    this.dirty = true;
  }

  indexOf(deviceId: string): number | undefined {
    return this.deviceIndex.get(deviceId);
  }

  setLinks(links: MapLink[]): void {
    // Bundles (several links between one pair of devices, common between core routers) would
    // otherwise be drawn on top of each other and show only the last one's colour.
    const bundles = new Map<string, MapLink[]>();
    for (const l of links) {
      const key = l.a < l.b ? `${l.a}:${l.b}` : `${l.b}:${l.a}`;
      const list = bundles.get(key) ?? [];
      list.push(l);
      bundles.set(key, list);
    }
    for (const list of bundles.values()) list.forEach((l, i) => (l.offset = (i - (list.length - 1) / 2) * (l.a < l.b ? 1 : -1)));
    this.links = links;
    this.feeds.clear();
    this.rxLanes.clear();
    this.seriesByLink.clear();
    this.dirty = true;
  }

  feed(seriesId: string, link: MapLink, slot: RateSlot): void {
    const key = `${link.id}\u0000${slot}`;
    const lanes = this.rxLanes.get(key) ?? [];
    this.rxLanes.set(key, lanes);
    const lane = { value: NaN };
    lanes.push(lane);
    this.feeds.set(seriesId, { link, slot, lane, lanes });
    const ids = this.seriesByLink.get(link.id) ?? [];
    ids.push(seriesId);
    this.seriesByLink.set(link.id, ids);
  }

  /** The series that feed a link (its explorer page charts them). */
  seriesOf(linkId: string): string[] {
    return this.seriesByLink.get(linkId) ?? [];
  }

  /** A live point; returns false for a series no link uses. */
  point(seriesId: string, ts: number, value: number): boolean {
    const f = this.feeds.get(seriesId);
    if (!f) return false;
    f.lane.value = value;
    const link = f.link;
    if (f.slot === 'aRx' || f.slot === 'bRx' || f.slot === 'aRxLow' || f.slot === 'bRxLow') {
      // Several lanes feed one end: the weakest lane's Rx, against the strictest lane's threshold.
      const low = f.slot.endsWith('Low');
      let pick = NaN;
      for (const l of f.lanes) if (Number.isFinite(l.value) && !(low ? l.value <= pick : l.value >= pick)) pick = l.value;
      link[f.slot] = pick;
      const outline = opticalOutline(link);
      if (outline !== link.outline) {
        // An outline going away must be erased, which only a whole redraw does.
        if (outline === null) this.dirty = true;
        else this.changed.add(link);
        link.outline = outline;
      }
      return true;
    }
    link[f.slot] = value;
    if (ts > link.ts) link.ts = ts;
    // Most points leave a link in its band: only a change of colour is worth a frame.
    this.recolour(link, Date.now());
    return true;
  }

  private recolour(link: MapLink, now: number): void {
    const colour = linkColour(link, now);
    if (colour === link.colour) return;
    link.colour = colour;
    this.changed.add(link);
  }

  /** Links whose last point grew old turn grey (called on a timer: no point arrives to say so). */
  age(now: number): void {
    for (const l of this.links) this.recolour(l, now);
  }

  setHealth(deviceId: string, score: number): void {
    const i = this.deviceIndex.get(deviceId);
    if (i === undefined) return;
    const d = this.devices[i];
    const before = healthTone(d.health);
    d.health = score;
    // Scores move every poll; only a change of tone shows, and a dot painted over is exact.
    if (healthTone(score) !== before) this.changedDevices.add(i);
  }

  setAnomalies(counts: Map<string, number>): void {
    this.devices.forEach((d, i) => {
      const n = counts.get(d.id) ?? 0;
      if ((n > 0) === (d.anomalies > 0)) {
        d.anomalies = n;
        return;
      }
      if (n === 0) this.dirty = true; // a ring to erase: a whole redraw
      else this.changedDevices.add(i);
      d.anomalies = n;
    });
  }

  /** Anything to draw in the next frame. */
  pending(): boolean {
    return this.dirty || this.changed.size > 0 || this.changedDevices.size > 0;
  }
}
