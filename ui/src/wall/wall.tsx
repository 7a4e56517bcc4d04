// The wall's chart grid: fills its area without scrolling, one panel per series. React renders
// the panels once per layout; the charts inside are created here and then live on their own.

import { useEffect, useRef } from 'react';
import type { ApiClients } from '../api/clients.js';
import type { SeriesInfo } from '../api/documents.js';
import type { AnomalyStore } from '../data/anomaly-store.js';
import { describeSeries } from './format.js';
import { FrameScheduler } from './frame-scheduler.js';
import { LiveChart } from './live-chart.js';
import { WallController, type DataFreshness } from './wall-controller.js';

const COLORS: Record<string, string> = { if_in_bps: '#38bdf8', if_out_bps: '#f59e0b', optical_rx_dbm: '#c084fc', optical_tx_dbm: '#f472b6' };
const OTHER_COLOR = '#a3e635';

/** Columns and rows for `count` panels on a landscape screen: panels about 1.6 times wider than tall. */
export function gridShape(count: number): { cols: number; rows: number } {
  if (count <= 1) return { cols: 1, rows: 1 };
  const cols = Math.min(count, Math.max(2, Math.round(Math.sqrt(count * 1.1))));
  return { cols, rows: Math.ceil(count / cols) };
}

declare global {
  interface Window {
    opsconductorWall?: { charts(fromMs?: number, toMs?: number): Array<{ seriesId: string; key: string } & ReturnType<LiveChart['describe']>> };
  }
}

interface PanelSlots {
  body: HTMLDivElement | null;
  value: HTMLSpanElement | null;
}

export interface WallProps {
  series: SeriesInfo[];
  api: ApiClients;
  freshness: DataFreshness;
  anomalies: AnomalyStore;
  windowMs: number;
  /** Grid columns asked by the layout (one row a site); absent: a landscape shape for the count. */
  columns?: number | null;
  /** Device → site, when the layout groups by site: each panel names its site. */
  siteOf?: Map<string, string> | null;
}

export function Wall(props: WallProps) {
  const { series, api, freshness, anomalies, windowMs } = props;
  const slots = useRef(new Map<string, PanelSlots>());

  useEffect(() => {
    const scheduler = new FrameScheduler();
    const charts = new Map<string, LiveChart>();
    const observers: ResizeObserver[] = [];
    for (const s of series) {
      const slot = slots.current.get(s.id);
      if (!slot?.body || !slot.value) continue;
      const chart = new LiveChart(slot.body, slot.value, { unit: s.unit, color: COLORS[s.metric] ?? OTHER_COLOR, windowMs }, scheduler);
      charts.set(s.id, chart);
      const observer = new ResizeObserver(([entry]) => entry && chart.resize(entry.contentRect.width, entry.contentRect.height));
      observer.observe(slot.body);
      observers.push(observer);
    }
    const controller = new WallController(api, charts, new Map(series.map((s) => [s.id, s])), freshness, anomalies, windowMs);
    controller.start();
    // A read-only look at what each chart holds, for people diagnosing a wall from the console
    // and for the browser tests: window.opsconductorWall.charts().
    const keyOf = new Map(series.map((s) => [s.id, s.key]));
    window.opsconductorWall = { charts: (fromMs?: number, toMs?: number) => [...charts].map(([id, c]) => ({ seriesId: id, key: keyOf.get(id) ?? '', ...c.describe(fromMs, toMs) })) };
    return () => {
      delete window.opsconductorWall;
      controller.stop();
      for (const o of observers) o.disconnect();
      for (const c of charts.values()) c.destroy();
      scheduler.dispose();
    };
  }, [series, api, freshness, anomalies, windowMs]);

  const shape = gridShape(series.length);
  const cols = props.columns ?? shape.cols;
  const rows = props.columns ? Math.ceil(series.length / props.columns) : shape.rows;
  const dense = series.length > 16;
  return (
    <main className={`wall ${dense ? 'wall-dense' : ''}`} style={{ gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${rows}, minmax(0, 1fr))` }}>
      {series.map((s) => {
        const { device, detail } = describeSeries(s);
        const site = props.siteOf?.get(s.deviceId);
        const slot = (patch: Partial<PanelSlots>) => {
          const current = slots.current.get(s.id) ?? { body: null, value: null };
          slots.current.set(s.id, { ...current, ...patch });
        };
        return (
          <section className="panel" key={s.id} title={s.key} data-series-key={s.key}>
            <header className="panel-head">
              <div className="panel-title">
                <span className="panel-device">{site ? `${site} · ${device}` : device}</span>
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
