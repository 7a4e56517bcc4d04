// Draws the weathermap on one canvas: every link a line, every device a dot, batched by colour so
// a whole picture is a handful of paths (one stroke per colour band, one fill per health tone).
// DOM per link would cost a style and layout pass per change. Even so, rasterising 1,000 long
// anti-aliased lines in software (no GPU on a wall PC or in CI) measured ~100 ms: so a frame
// normally repaints only the links whose colour changed, over the picture, with their two
// devices on top, and the whole picture is redrawn only when the layout changes, when many
// links changed at once, or once a minute (so that the latest colours are also on top where
// lines cross). 1,000 links at 1 Hz must fit a frame's budget (bench: map_frame_p95_ms).

import { healthTone } from '../data/health-store.js';
import type { MapLink, MapModel } from './map-model.js';

const TONE_COLOUR = { good: '#22c55e', fair: '#eab308', bad: '#ef4444', none: '#8b9bab' } as const;
const ANOMALY_RING = '#f43f5e';

export const RENDER_DEFAULTS = {
  linkWidth: 3, // px
  outlineWidth: 8, // px, under the link
  deviceRadius: 7, // px
  labelsUpTo: 80, // devices: beyond this the names are noise on a wall
  hitLinkPx: 6,
  bundleSpacing: 7, // px between parallel links of one pair of devices
  // Links repainted in one frame; the rest wait for the next (a frame of 1,000 Hz of band changes
  // would otherwise pay ~0.1-0.3 ms of raster per long line at once).
  linksPerFrame: 40,
  maxIncremental: 600, // links waiting above which a whole redraw (~100 ms) catches up at once
  fullEveryMs: 60_000,
} as const;

export type MapHit = { kind: 'device'; deviceId: string } | { kind: 'link'; link: MapLink } | null;

export class MapRenderer {
  private width = 0;
  private height = 0;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly byColour = new Map<string, number[]>();
  private fullAt = 0;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly model: MapModel,
  ) {
    this.ctx = canvas.getContext('2d', { alpha: false })!;
  }

  /** Matches the backing store to the element's size (device pixels) once, not every frame. */
  resize(): void {
    const ratio = window.devicePixelRatio || 1;
    const rect = this.canvas.getBoundingClientRect();
    this.width = rect.width;
    this.height = rect.height;
    this.canvas.width = Math.max(1, Math.round(rect.width * ratio));
    this.canvas.height = Math.max(1, Math.round(rect.height * ratio));
    this.ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    this.model.dirty = true;
  }

  /** Canvas coordinates (CSS px) → the map's 0..1. */
  toMap(cx: number, cy: number): { x: number; y: number } {
    return { x: Math.min(1, Math.max(0, cx / this.width)), y: Math.min(1, Math.max(0, cy / this.height)) };
  }

  /** The link's ends as drawn (CSS px), shifted sideways when it is one of a bundle. */
  ends(link: MapLink): [number, number, number, number] {
    const a = this.model.devices[link.a];
    const b = this.model.devices[link.b];
    let ax = a.x * this.width;
    let ay = a.y * this.height;
    let bx = b.x * this.width;
    let by = b.y * this.height;
    if (link.offset !== 0) {
      const len = Math.hypot(bx - ax, by - ay) || 1;
      const shift = link.offset * RENDER_DEFAULTS.bundleSpacing;
      const nx = (-(by - ay) / len) * shift;
      const ny = ((bx - ax) / len) * shift;
      ax += nx;
      bx += nx;
      ay += ny;
      by += ny;
    }
    return [ax, ay, bx, by];
  }

  /** Where a link's middle is drawn (CSS px of the canvas): tests read its colour there. */
  midpoint(link: MapLink): { x: number; y: number } {
    const [ax, ay, bx, by] = this.ends(link);
    return { x: (ax + bx) / 2, y: (ay + by) / 2 };
  }

  private group(colourOf: (l: MapLink) => string | null): Map<string, number[]> {
    for (const list of this.byColour.values()) list.length = 0;
    const links = this.model.links;
    for (let i = 0; i < links.length; i++) {
      const c = colourOf(links[i]);
      if (c === null) continue;
      let list = this.byColour.get(c);
      if (!list) this.byColour.set(c, (list = []));
      list.push(i);
    }
    return this.byColour;
  }

  private strokeGroups(groups: Map<string, number[]>, width: number): void {
    const { ctx } = this;
    const { links } = this.model;
    ctx.lineWidth = width;
    for (const [colour, indices] of groups) {
      if (indices.length === 0) continue;
      ctx.strokeStyle = colour;
      ctx.beginPath();
      for (const i of indices) {
        const [ax, ay, bx, by] = this.ends(links[i]);
        ctx.moveTo(ax, ay);
        ctx.lineTo(bx, by);
      }
      ctx.stroke();
    }
  }

  /** Whole picture, or only what changed since the last frame; returns whether it was whole. */
  draw(now = Date.now()): boolean {
    const { model } = this;
    const whole =
      model.dirty ||
      model.changed.size > RENDER_DEFAULTS.maxIncremental ||
      model.devices.length <= RENDER_DEFAULTS.labelsUpTo || // labels would be crossed out; small maps are cheap anyway
      now - this.fullAt > RENDER_DEFAULTS.fullEveryMs;
    if (whole) {
      this.drawAll(now);
      model.changed.clear();
    } else this.drawChanged();
    model.changedDevices.clear();
    return whole;
  }

  private drawChanged(): void {
    const { ctx, model } = this;
    const touched = new Set<number>(model.changedDevices);
    ctx.lineCap = 'butt';
    let budget = RENDER_DEFAULTS.linksPerFrame;
    for (const l of model.changed) {
      if (budget-- === 0) break;
      model.changed.delete(l); // deleting the current entry while iterating a Set is well defined
      const ends = this.ends(l);
      if (l.outline) this.strokeLine(ends, l.outline, RENDER_DEFAULTS.outlineWidth);
      this.strokeLine(ends, l.colour, RENDER_DEFAULTS.linkWidth);
      touched.add(l.a).add(l.b);
    }
    this.drawDevices([...touched]);
  }

  private strokeLine([ax, ay, bx, by]: [number, number, number, number], colour: string, width: number): void {
    const { ctx } = this;
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    ctx.beginPath();
    ctx.moveTo(ax, ay);
    ctx.lineTo(bx, by);
    ctx.stroke();
  }

  private drawAll(now: number): void {
    const { ctx, model } = this;
    model.dirty = false;
    this.fullAt = now;
    ctx.fillStyle = '#070b10';
    ctx.fillRect(0, 0, this.width, this.height);
    ctx.lineCap = 'butt'; // round caps cost a raster pass of their own per line end, and hide under the device dots anyway
    this.strokeGroups(this.group((l) => l.outline), RENDER_DEFAULTS.outlineWidth);
    this.strokeGroups(this.group((l) => l.colour), RENDER_DEFAULTS.linkWidth);

    this.drawDevices(model.devices.map((_, i) => i));
    if (model.devices.length <= RENDER_DEFAULTS.labelsUpTo) {
      ctx.fillStyle = '#e6edf3';
      ctx.font = '12px system-ui, sans-serif';
      ctx.textAlign = 'center';
      const r = RENDER_DEFAULTS.deviceRadius;
      for (const d of model.devices) ctx.fillText(d.id, d.x * this.width, d.y * this.height - r - 6);
    }
  }

  /** Dots by health tone (one fill per tone), then the anomaly rings (one stroke). */
  private drawDevices(indices: number[]): void {
    const { ctx, model } = this;
    const r = RENDER_DEFAULTS.deviceRadius;
    const tones = new Map<string, number[]>();
    for (const i of indices) {
      const colour = TONE_COLOUR[healthTone(model.devices[i].health)];
      const list = tones.get(colour) ?? [];
      list.push(i);
      tones.set(colour, list);
    }
    for (const [colour, list] of tones) {
      ctx.fillStyle = colour;
      ctx.beginPath();
      for (const i of list) {
        const d = model.devices[i];
        const x = d.x * this.width;
        const y = d.y * this.height;
        ctx.moveTo(x + r, y);
        ctx.arc(x, y, r, 0, Math.PI * 2);
      }
      ctx.fill();
    }
    ctx.strokeStyle = ANOMALY_RING;
    ctx.lineWidth = 2;
    ctx.beginPath();
    for (const i of indices) {
      const d = model.devices[i];
      if (d.anomalies === 0) continue;
      const x = d.x * this.width;
      const y = d.y * this.height;
      ctx.moveTo(x + r + 4, y);
      ctx.arc(x, y, r + 4, 0, Math.PI * 2);
    }
    ctx.stroke();
  }

  /** The device under a point, else the nearest link within a few pixels. */
  hit(cx: number, cy: number): MapHit {
    const r = RENDER_DEFAULTS.deviceRadius + 3;
    for (const d of this.model.devices) {
      const dx = d.x * this.width - cx;
      const dy = d.y * this.height - cy;
      if (dx * dx + dy * dy <= r * r) return { kind: 'device', deviceId: d.id };
    }
    let best: MapLink | null = null;
    let bestDist: number = RENDER_DEFAULTS.hitLinkPx;
    for (const l of this.model.links) {
      const [ax, ay, bx, by] = this.ends(l);
      const dist = segmentDistance(cx, cy, ax, ay, bx, by);
      if (dist < bestDist) {
        bestDist = dist;
        best = l;
      }
    }
    return best ? { kind: 'link', link: best } : null;
  }
}

export function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  const x = ax + t * dx - px;
  const y = ay + t * dy - py;
  return Math.sqrt(x * x + y * y);
}
