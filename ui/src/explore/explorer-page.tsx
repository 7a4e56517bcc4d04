// The explorer: find series (by key or device), overlay several over a time range (presets or
// drag to zoom), each with its baseline band and the anomalies of the range; the API picks the
// rollup tier for the range and the page says which; what is shown exports as CSV. The view
// lives in the URL (#/explore?s=ids&range=7d or from/to), so it can be shared.

import { useEffect, useMemo, useState } from 'react';
import { useQuery } from 'urql';
import type { Session } from '../app.js';
import { ANOMALIES_QUERY, BASELINES_QUERY, EXPLORER_READINGS_QUERY, SERIES_SEARCH_QUERY, DEVICES_QUERY, toAnomaly } from '../api/documents.js';
import type {
  AnomaliesQuery,
  AnomaliesQueryVariables,
  BaselinesQuery,
  BaselinesQueryVariables,
  DevicesQuery,
  DevicesQueryVariables,
  ExplorerReadingsQuery,
  ExplorerReadingsQueryVariables,
  SeriesSearchQuery,
  SeriesSearchQueryVariables,
} from '../api/operation-types.js';
import { hrefOf, replaceParams } from '../route.js';
import { describeSeries } from '../wall/format.js';
import { alignColumns, gapSpans, toCsv, type GapSpan } from './columns.js';
import { HistoryChart, SERIES_COLORS, type ChartSeries } from './history-chart.js';
import { PageShell } from './page-shell.js';
import { RANGE_PRESETS, rangeFromParams, withAbsolute, withPreset } from './time-range.js';

export const EXPLORER_DEFAULTS = {
  maxPoints: 1_000, // per series: about the chart's width in pixels
  maxSeries: 8, // overlaid at once; more is unreadable
  searchLimit: 30,
  searchDebounceMs: 250,
} as const;

function selectedIds(params: URLSearchParams): string[] {
  return (params.get('s') ?? '').split(',').filter(Boolean).slice(0, EXPLORER_DEFAULTS.maxSeries);
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function SearchPanel(props: { params: URLSearchParams; selected: string[] }) {
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), EXPLORER_DEFAULTS.searchDebounceMs);
  const [series] = useQuery<SeriesSearchQuery, SeriesSearchQueryVariables>({ query: SERIES_SEARCH_QUERY, variables: { search: q, limit: EXPLORER_DEFAULTS.searchLimit }, pause: q.length < 2 });
  const [devices] = useQuery<DevicesQuery, DevicesQueryVariables>({ query: DEVICES_QUERY, variables: { filter: { text: q }, first: 10 }, pause: q.length < 2 });
  const add = (id: string) => {
    const p = new URLSearchParams(props.params);
    p.set('s', [...props.selected.filter((x) => x !== id), id].slice(-EXPLORER_DEFAULTS.maxSeries).join(','));
    replaceParams(p);
  };
  return (
    <aside className="explore-side">
      <input className="explore-search" data-testid="series-search" placeholder="Search series or devices (e.g. optical_rx, lab-r1)" value={text} onChange={(e) => setText(e.target.value)} />
      {devices.data && devices.data.devices.nodes.length > 0 ? (
        <div className="explore-results">
          <h3>Devices</h3>
          {devices.data.devices.nodes.map((d) => (
            <a key={d.id} className="result-row" href={hrefOf('device', undefined, d.id)}>
              {d.id} <span className="dim">{d.site} · {d.role}</span>
            </a>
          ))}
        </div>
      ) : null}
      {series.data ? (
        <div className="explore-results">
          <h3>Series</h3>
          {series.data.series.length === 0 ? <p className="dim">No series match.</p> : null}
          {series.data.series.map((s) => (
            <button key={s.id} type="button" className="result-row" data-testid="series-result" data-series-key={s.key} disabled={props.selected.includes(s.id)} onClick={() => add(s.id)}>
              + {s.key}
            </button>
          ))}
        </div>
      ) : null}
    </aside>
  );
}

declare global {
  interface Window {
    opsconductorExplorer?: { columns(): { labels: string[]; data: ReturnType<typeof alignColumns> }; gaps(): Array<GapSpan & { label: string }> };
  }
}

export function ExplorerPage(props: { session: Session; params: URLSearchParams }) {
  const { params } = props;
  const paramKey = params.toString();
  const ids = useMemo(() => selectedIds(params), [paramKey]); // eslint-disable-line react-hooks/exhaustive-deps
  // A preset range is relative to now; it is taken once per change of the URL, not per render.
  const [refreshes, setRefreshes] = useState(0); // picking the current preset again reads up to now
  const range = useMemo(() => rangeFromParams(params, Date.now()), [paramKey, refreshes]); // eslint-disable-line react-hooks/exhaustive-deps
  const vars = { ids, from: Math.round(range.fromMs), to: Math.round(range.toMs) };
  const [readings] = useQuery<ExplorerReadingsQuery, ExplorerReadingsQueryVariables>({ query: EXPLORER_READINGS_QUERY, variables: { ...vars, maxPoints: EXPLORER_DEFAULTS.maxPoints }, pause: ids.length === 0 });
  const [baselines] = useQuery<BaselinesQuery, BaselinesQueryVariables>({ query: BASELINES_QUERY, variables: vars, pause: ids.length === 0 });
  const cols = readings.data?.readings;
  const keys = useMemo(() => (cols ?? []).map((c) => c.series?.key).filter((k): k is string => Boolean(k)), [cols]);
  const [anomalies] = useQuery<AnomaliesQuery, AnomaliesQueryVariables>({
    query: ANOMALIES_QUERY,
    variables: { filter: { seriesKeys: keys, from: vars.from, to: vars.to }, first: 200 },
    pause: keys.length === 0,
  });

  const view = useMemo(() => {
    if (!cols) return null;
    const bandOf = new Map((baselines.data?.baselines ?? []).map((b) => [b.seriesId, b.baseline]));
    const series: ChartSeries[] = cols.map((c) => {
      const b = bandOf.get(c.seriesId);
      return { label: c.series?.key ?? c.seriesId, unit: c.series?.unit ?? '', band: b ? { expected: b.expected, lower: b.lower, upper: b.upper } : null };
    });
    const markers = (anomalies.data?.anomalies.nodes ?? []).map(toAnomaly).map((a) => ({ startMs: a.startedAt, endMs: a.endedAt, severity: a.severity }));
    return { data: alignColumns(cols), series, markers, outages: gapSpans(cols) };
  }, [cols, baselines.data, anomalies.data]);

  // A read-only look at the chart's columns (null: no reading, the line breaks) and its shaded
  // outages, for people diagnosing a chart from the console and for the browser tests:
  // window.opsconductorExplorer.
  useEffect(() => {
    if (!view) return;
    window.opsconductorExplorer = {
      columns: () => ({ labels: view.series.map((s) => s.label), data: view.data }),
      gaps: () => view.outages.map((g) => ({ ...g, label: view.series[g.seriesIndex]?.label ?? '' })),
    };
    return () => {
      delete window.opsconductorExplorer;
    };
  }, [view]);

  const tiers = [...new Set((cols ?? []).map((c) => c.tier ?? '?'))];
  const bucketMs = cols?.find((c) => c.bucketMs)?.bucketMs ?? null;
  const remove = (id: string) => {
    const p = new URLSearchParams(params);
    p.set('s', ids.filter((x) => x !== id).join(','));
    replaceParams(p);
  };
  const exportCsv = () => {
    if (!cols) return;
    const keyOf = new Map(cols.map((c) => [c.seriesId, c.series?.key ?? c.seriesId]));
    const stamp = (ms: number) => new Date(ms).toISOString().replace(/[:.]/g, '-');
    download(`opsconductor_${stamp(range.fromMs)}_${stamp(range.toMs)}.csv`, toCsv(cols, (id) => keyOf.get(id) ?? id));
  };

  return (
    <PageShell session={props.session} title="Explorer">
      <div className="explore">
        <SearchPanel params={params} selected={ids} />
        <section className="explore-main" data-testid="explore-main" data-loading={String(readings.fetching || baselines.fetching || anomalies.fetching)}>
          <div className="explore-toolbar">
            <div className="presets" role="group" aria-label="time range">
              {RANGE_PRESETS.map((p) => (
                <button key={p.id} type="button" className={range.preset === p.id ? 'active' : ''} data-testid={`range-${p.id}`} onClick={() => (range.preset === p.id ? setRefreshes((n) => n + 1) : replaceParams(withPreset(params, p.id)))}>
                  {p.label}
                </button>
              ))}
            </div>
            <span className="explore-range" data-testid="range">
              {new Date(range.fromMs).toLocaleString('en-GB')} → {new Date(range.toMs).toLocaleString('en-GB')}
              {range.preset ? '' : ' (zoomed: drag again to zoom in, pick a preset to go back)'}
            </span>
            <span className="badge badge-plain" data-testid="tier" data-tier={tiers.join(',')}>
              tier {tiers.length ? tiers.join(', ') : '—'}
              {bucketMs ? ` · bucket ${Math.round(bucketMs / 1000)} s` : ''}
            </span>
            <button type="button" data-testid="export-csv" disabled={!cols || cols.length === 0} onClick={exportCsv}>
              Export CSV
            </button>
          </div>
          <div className="chips">
            {(cols ?? []).map((c, i) => {
              const d = c.series ? describeSeries(c.series) : null;
              return (
                <span key={c.seriesId} className="chip" style={{ borderColor: SERIES_COLORS[i % SERIES_COLORS.length] }}>
                  {d ? `${d.device} · ${d.detail}` : c.seriesId}
                  <button type="button" className="linkish" aria-label="remove" onClick={() => remove(c.seriesId)}>×</button>
                </span>
              );
            })}
          </div>
          {ids.length === 0 ? <p className="notice">Search for series on the left and add them here.</p> : null}
          {readings.error ? <p className="error">Could not load readings: {readings.error.message}</p> : null}
          {cols && cols.length > 0 && cols.every((c) => c.timestamps.length === 0) ? (
            <p className="notice" data-testid="explorer-empty">
              No readings of {cols.length === 1 ? 'this series' : `these ${cols.length} series`} in this range: pick a longer range, or check the device is still polled (its page shows its last data).
            </p>
          ) : null}
          {view ? (
            <HistoryChart
              testId="explorer-chart"
              data={view.data}
              series={view.series}
              markers={view.markers}
              outages={view.outages}
              fromMs={range.fromMs}
              toMs={range.toMs}
              height={440}
              onZoom={(from, to) => replaceParams(withAbsolute(params, from, to))}
            />
          ) : ids.length > 0 ? (
            <p className="dim">Loading…</p>
          ) : null}
          {anomalies.data && anomalies.data.anomalies.nodes.length > 0 ? (
            <p className="dim" data-testid="explorer-anomalies">
              {anomalies.data.anomalies.totalCount} anomalies in this range ·{' '}
              <a href={hrefOf('anomalies', new URLSearchParams({ device: anomalies.data.anomalies.nodes[0].deviceId }))}>see the list</a>
            </p>
          ) : null}
        </section>
      </div>
    </PageShell>
  );
}
