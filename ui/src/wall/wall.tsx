// The wall's layout: a grid that fills the screen without scrolling, one panel per series.
// React renders the panels once; the charts inside are created here and then live on their own.

import { useEffect, useRef } from 'react';
import type { ApiClients } from '../api/clients.js';
import type { SeriesInfo } from '../api/queries.js';
import { describeSeries } from './format.js';
import { FrameScheduler } from './frame-scheduler.js';
import { LiveChart } from './live-chart.js';
import { WALL_DEFAULTS, WallController, type DataFreshness } from './wall-controller.js';

const COLORS: Record<string, string> = { if_in_bps: '#38bdf8', if_out_bps: '#f59e0b' };
const OTHER_COLOR = '#a3e635';

function gridShape(count: number): { cols: number; rows: number } {
  const cols = count <= 1 ? 1 : count <= 4 ? 2 : count <= 9 ? 3 : 4;
  return { cols, rows: Math.max(1, Math.ceil(count / cols)) };
}

interface PanelSlots {
  body: HTMLDivElement | null;
  value: HTMLSpanElement | null;
}

export function Wall(props: { series: SeriesInfo[]; api: ApiClients; freshness: DataFreshness }) {
  const { series, api, freshness } = props;
  const slots = useRef(new Map<string, PanelSlots>());

  useEffect(() => {
    const scheduler = new FrameScheduler();
    const charts = new Map<string, LiveChart>();
    const observers: ResizeObserver[] = [];
    for (const s of series) {
      const slot = slots.current.get(s.id);
      if (!slot?.body || !slot.value) continue;
      const chart = new LiveChart(slot.body, slot.value, { unit: s.unit, color: COLORS[s.metric] ?? OTHER_COLOR, windowMs: WALL_DEFAULTS.windowMs }, scheduler);
      charts.set(s.id, chart);
      const observer = new ResizeObserver(([entry]) => entry && chart.resize(entry.contentRect.width, entry.contentRect.height));
      observer.observe(slot.body);
      observers.push(observer);
    }
    const controller = new WallController(api, charts, freshness);
    controller.start();
    return () => {
      controller.stop();
      for (const o of observers) o.disconnect();
      for (const c of charts.values()) c.destroy();
      scheduler.dispose();
    };
  }, [series, api, freshness]);

  const { cols, rows } = gridShape(series.length);
  return (
    <main className="wall" style={{ gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${rows}, minmax(0, 1fr))` }}>
      {series.map((s) => {
        const { device, detail } = describeSeries(s);
        const slot = (patch: Partial<PanelSlots>) => {
          const current = slots.current.get(s.id) ?? { body: null, value: null };
          slots.current.set(s.id, { ...current, ...patch });
        };
        return (
          <section className="panel" key={s.id} title={s.key}>
            <header className="panel-head">
              <div className="panel-title">
                <span className="panel-device">{device}</span>
                <span className="panel-detail" style={{ color: COLORS[s.metric] ?? OTHER_COLOR }}>{detail}</span>
              </div>
              <span className="panel-value" ref={(el) => slot({ value: el })}>—</span>
            </header>
            <div className="panel-chart" ref={(el) => slot({ body: el })} />
          </section>
        );
      })}
    </main>
  );
}
