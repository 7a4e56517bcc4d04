// The weathermap wall page (#/map): the topology on one canvas, links coloured live by the
// utilisation of their busier direction, outlined when their optics run out of margin, devices
// by health with a ring for open anomalies, stale links greyed. A click opens the device page or
// the link's series in the explorer; dragging a device moves it, and the place is kept in this
// browser (localStorage) over the automatic layout.

import { useEffect, useRef, useState } from 'react';
import type { ApiClients } from '../api/clients.js';
import { hrefOf } from '../route.js';
import { POSITIONS_KEY, readSavedPositions, writeSavedPositions } from './map-layout.js';
import { MapFeeds } from './map-feeds.js';
import { MapModel, UTILISATION_BANDS, STALE_COLOUR } from './map-model.js';
import { MapRenderer } from './map-renderer.js';

const STALE_CHECK_MS = 1_000; // links turn grey without a point arriving: look once a second

function savedPositions() {
  try {
    return readSavedPositions(window.localStorage.getItem(POSITIONS_KEY));
  } catch {
    return readSavedPositions(null); // storage disabled: the automatic layout
  }
}

/** Test hook: what the canvas shows, without reading pixels by guesswork. */
interface MapProbe {
  devices: number;
  links: number;
  draws: number;
  /** Milliseconds the last draw took (the canvas work alone). */
  lastDrawMs: number;
  /** A full redraw with its rasterisation forced (a one-pixel read back), in ms: what a frame pays. */
  timeFullDraw(): number;
  linkIds(): string[];
  colourOf(linkId: string): string | null;
  midpointOf(linkId: string): { x: number; y: number } | null;
  devicePoint(deviceId: string): { x: number; y: number } | null;
}

export function MapPage(props: { api: ApiClients }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [summary, setSummary] = useState('loading…');

  useEffect(() => {
    const canvas = canvasRef.current!;
    const model = new MapModel();
    const renderer = new MapRenderer(canvas, model);
    const feeds = new MapFeeds(props.api, model, savedPositions);
    feeds.onError = setError;
    let frame = 0;
    let draws = 0;
    let lastDrawMs = 0;
    const pending = () => model.pending();
    const loop = () => {
      frame = 0;
      if (!pending()) return;
      const t0 = performance.now();
      renderer.draw();
      lastDrawMs = performance.now() - t0;
      draws++;
    };
    const schedule = () => {
      if (frame === 0 && pending()) frame = requestAnimationFrame(loop);
    };
    // Points mark the model dirty from socket callbacks; one check per animation frame would
    // spin the CPU on an idle wall, so the check runs on a short timer instead.
    const poll = setInterval(schedule, 50);
    const stale = setInterval(() => model.age(Date.now()), STALE_CHECK_MS);
    const resize = new ResizeObserver(() => {
      renderer.resize();
      schedule();
    });
    resize.observe(canvas);

    const byId = () => new Map(model.links.map((l) => [l.id, l]));
    const probe: MapProbe = {
      get devices() {
        return model.devices.length;
      },
      get links() {
        return model.links.length;
      },
      get draws() {
        return draws;
      },
      get lastDrawMs() {
        return lastDrawMs;
      },
      timeFullDraw: () => {
        const t0 = performance.now();
        model.dirty = true;
        renderer.draw();
        canvas.getContext('2d')!.getImageData(0, 0, 1, 1);
        return performance.now() - t0;
      },
      linkIds: () => model.links.map((l) => l.id),
      colourOf: (id) => byId().get(id)?.colour ?? null,
      midpointOf: (id) => {
        const l = byId().get(id);
        return l ? renderer.midpoint(l) : null;
      },
      devicePoint: (id) => {
        const i = model.indexOf(id);
        const r = canvas.getBoundingClientRect();
        return i === undefined ? null : { x: model.devices[i].x * r.width, y: model.devices[i].y * r.height };
      },
    };
    (window as unknown as { __ocMap: MapProbe }).__ocMap = probe;

    // Dragging a device moves it; a press released where it started is a click.
    let drag: { index: number; startX: number; startY: number; moved: boolean } | null = null;
    const local = (e: PointerEvent) => {
      const r = canvas.getBoundingClientRect();
      return { x: e.clientX - r.left, y: e.clientY - r.top };
    };
    const down = (e: PointerEvent) => {
      const p = local(e);
      const hit = renderer.hit(p.x, p.y);
      if (hit?.kind === 'device') {
        drag = { index: model.indexOf(hit.deviceId)!, startX: p.x, startY: p.y, moved: false };
        canvas.setPointerCapture(e.pointerId);
      } else if (hit?.kind === 'link') {
        const ids = model.seriesOf(hit.link.id);
        window.location.hash = hrefOf('explore', new URLSearchParams(ids.length ? { s: ids.join(',') } : {}));
      }
    };
    const move = (e: PointerEvent) => {
      if (!drag) return;
      const p = local(e);
      if (!drag.moved && Math.hypot(p.x - drag.startX, p.y - drag.startY) < 4) return;
      drag.moved = true;
      const m = renderer.toMap(p.x, p.y);
      const d = model.devices[drag.index];
      d.x = m.x;
      d.y = m.y;
      model.dirty = true;
      schedule();
    };
    const up = () => {
      if (!drag) return;
      const d = model.devices[drag.index];
      if (drag.moved) {
        const saved = savedPositions();
        saved.set(d.id, { x: d.x, y: d.y });
        try {
          window.localStorage.setItem(POSITIONS_KEY, writeSavedPositions(saved));
        } catch {
          // storage full or disabled: the position lasts until the page reloads
        }
      } else window.location.hash = hrefOf('device', undefined, d.id);
      drag = null;
    };
    canvas.addEventListener('pointerdown', down);
    canvas.addEventListener('pointermove', move);
    canvas.addEventListener('pointerup', up);

    feeds
      .start()
      .then(() => setSummary(`${model.devices.length} devices · ${model.links.length} links`))
      .catch(() => undefined);
    return () => {
      feeds.stop();
      clearInterval(poll);
      clearInterval(stale);
      cancelAnimationFrame(frame);
      resize.disconnect();
      canvas.removeEventListener('pointerdown', down);
      canvas.removeEventListener('pointermove', move);
      canvas.removeEventListener('pointerup', up);
    };
  }, [props.api]);

  return (
    <div className="page">
      <header className="topbar topbar-slim">
        <div className="brand">
          <span className="brand-name">OpsConductor</span>
          <span className="map-summary">Weathermap · {summary}</span>
        </div>
        <div className="map-legend" aria-label="utilisation of the busier direction">
          {UTILISATION_BANDS.map((b, i) => (
            <span key={b.colour} className="map-legend-item">
              <i style={{ background: b.colour }} />
              {i === 0 ? '<1%' : Number.isFinite(b.upTo) ? `≤${Math.round(b.upTo * 100)}%` : `>${Math.round(UTILISATION_BANDS[i - 1].upTo * 100)}%`}
            </span>
          ))}
          <span className="map-legend-item">
            <i style={{ background: STALE_COLOUR }} />
            stale
          </span>
          <a href={hrefOf('wall')}>wall</a>
        </div>
      </header>
      {error ? <div className="map-error">Topology could not be loaded: {error}</div> : null}
      <canvas ref={canvasRef} className="map-canvas" data-testid="weathermap" />
    </div>
  );
}
