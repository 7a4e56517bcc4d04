// A device's page: what it is, its health now and over the last day, its interfaces with their
// latest rates, its optical levels and path latency / loss over the last hours, and its open
// anomalies. Every series links to the explorer.

import { useMemo } from 'react';
import { useQuery } from 'urql';
import type { Session } from '../app.js';
import { DEVICE_QUERY, HEALTH_HISTORY_QUERY, READINGS_QUERY, type ApiAnomaly, type SeriesColumns, type SeriesInfo } from '../api/documents.js';
import { healthTone } from '../data/health-store.js';
import { hrefOf } from '../route.js';
import { SEVERITY_COLORS } from '../wall/chart-overlays.js';
import { describeSeries, formatValue } from '../wall/format.js';
import { alignColumns, gapSpans } from './columns.js';
import { HistoryChart } from './history-chart.js';
import { PageShell } from './page-shell.js';
import { HOUR_MS, DAY_MS } from '../../../common/time-units.js';

const DEVICE_DEFAULTS = {
  chartRangeMs: 6 * HOUR_MS,
  healthRangeMs: DAY_MS,
  maxPoints: 600,
} as const;

const OPTICAL = ['optical_rx_dbm', 'optical_tx_dbm'];
const PATH = ['path_rtt_ms_avg', 'path_loss_ratio'];

interface DeviceDetail {
  id: string;
  hostname: string;
  address: string;
  site: string;
  role: string;
  platform: string;
  vendor: string;
  status: string;
  tags: string[];
  health: { score: number; ts: number; components: Array<{ name: string; score: number; weight: number; detail: string | null }> } | null;
  interfaces: Array<{ name: string; series: SeriesInfo[] }>;
  series: SeriesInfo[];
  openAnomalies: ApiAnomaly[];
  lastValues: Array<{ seriesKey: string; ts: number; value: number }>;
}

function SeriesCharts(props: { title: string; series: SeriesInfo[]; fromMs: number; toMs: number; testId: string }) {
  const ids = props.series.map((s) => s.id);
  const [r] = useQuery<{ readings: SeriesColumns[] }>({ query: READINGS_QUERY, variables: { ids, from: props.fromMs, to: props.toMs, maxPoints: DEVICE_DEFAULTS.maxPoints }, pause: ids.length === 0 });
  const view = useMemo(() => {
    if (!r.data) return null;
    const info = new Map(props.series.map((s) => [s.id, s]));
    // One chart per unit: dBm next to mA, or ms next to a loss ratio, would share no scale.
    const byUnit = new Map<string, SeriesColumns[]>();
    for (const c of r.data.readings) {
      const unit = info.get(c.seriesId)?.unit ?? '';
      byUnit.set(unit, [...(byUnit.get(unit) ?? []), c]);
    }
    return [...byUnit.entries()].map(([unit, cols]) => ({
      unit,
      data: alignColumns(cols),
      outages: gapSpans(cols),
      series: cols.map((c) => {
        const s = info.get(c.seriesId);
        const d = s ? describeSeries(s) : null;
        return { label: d ? d.detail : c.seriesId, unit };
      }),
    }));
  }, [r.data, props.series]);
  if (props.series.length === 0) return null;
  return (
    <section className="card" data-testid={props.testId}>
      <h2>
        {props.title} <a className="dim small" href={hrefOf('explore', new URLSearchParams({ s: ids.slice(0, 8).join(','), range: '6h' }))}>open in explorer</a>
      </h2>
      {view && view.every((v) => v.data[0].length === 0) ? (
        <p className="dim" data-testid={`${props.testId}-empty`}>
          No readings of these {props.series.length} series in the last {Math.round((props.toMs - props.fromMs) / HOUR_MS)} h: the device has not been polled for them since (is its collector running? see the last data of its interfaces above).
        </p>
      ) : view ? view.map((v) => <HistoryChart key={v.unit} data={v.data} series={v.series} outages={v.outages} fromMs={props.fromMs} toMs={props.toMs} height={220} />) : <p className="dim">Loading…</p>}
    </section>
  );
}

export function DevicePage(props: { session: Session; deviceId: string }) {
  const range = useMemo(() => {
    const now = Date.now();
    return { now, from: now - DEVICE_DEFAULTS.chartRangeMs, healthFrom: now - DEVICE_DEFAULTS.healthRangeMs };
  }, [props.deviceId]);
  const [device] = useQuery<{ device: DeviceDetail | null }>({ query: DEVICE_QUERY, variables: { id: props.deviceId } });
  const [health] = useQuery<{ healthHistory: Array<{ deviceId: string; timestamps: number[]; scores: number[]; tier: string }> }>({
    query: HEALTH_HISTORY_QUERY,
    variables: { ids: [props.deviceId], from: range.healthFrom, to: range.now, maxPoints: DEVICE_DEFAULTS.maxPoints },
  });
  const d = device.data?.device;
  const last = useMemo(() => new Map((d?.lastValues ?? []).map((v) => [v.seriesKey, v])), [d]);
  const healthData = useMemo(() => {
    const h = health.data?.healthHistory[0];
    return h ? alignColumns([{ timestamps: h.timestamps, values: h.scores }]) : null;
  }, [health.data]);

  let body: React.ReactNode;
  if (device.error && !device.data) body = <p className="error">Could not load the device: {device.error.message}</p>;
  else if (!device.data) body = <p className="dim">Loading…</p>;
  else if (!d) body = <p className="error">No device {props.deviceId}.</p>;
  else {
    const tone = healthTone(d.health?.score ?? null);
    const optical = d.series.filter((s) => OPTICAL.includes(s.metric));
    const path = d.series.filter((s) => PATH.includes(s.metric));
    const lastOf = (ifc: { series: SeriesInfo[] }, metric: string) => {
      const s = ifc.series.find((x) => x.metric === metric);
      return s ? formatValue(last.get(s.key)?.value, s.unit) : '—';
    };
    body = (
      <div className="device">
        <section className="card device-head">
          <div>
            <h1 data-testid="device-id">{d.id}</h1>
            <p className="dim">
              {d.hostname} · {d.address} · site {d.site} · {d.role} · {d.vendor} {d.platform} · {d.status}
            </p>
          </div>
          <div className={`tile tile-${tone} tile-big`} data-testid="device-health">
            <span className="tile-name">health</span>
            <span className="tile-score">{d.health ? Math.round(d.health.score) : '—'}</span>
          </div>
          {d.health?.components.length ? (
            <ul className="components">
              {d.health.components.map((c) => (
                <li key={c.name}>
                  {c.name}: {Math.round(c.score)} {c.detail ? <span className="dim">({c.detail})</span> : null}
                </li>
              ))}
            </ul>
          ) : null}
        </section>
        <section className="card">
          <h2>Health, last 24 h</h2>
          {healthData && healthData[0].length > 0 ? (
            <HistoryChart data={healthData} series={[{ label: 'health', unit: 'score' }]} fromMs={range.healthFrom} toMs={range.now} height={180} testId="health-history" />
          ) : (
            <p className="dim" data-testid="health-history-empty">
              {d.health
                ? `No stored score in the last day yet: the current score (${Math.round(d.health.score)}) is kept as the sink writes it, at most once a minute, and this chart fills from there.`
                : 'No score yet: the processor scores a device from its first polls; none has arrived for this one in the last day (is it polled? see its interfaces below).'}
            </p>
          )}
        </section>
        <section className="card">
          <h2>Interfaces ({d.interfaces.length})</h2>
          <table className="table" data-testid="interfaces">
            <thead>
              <tr><th>Interface</th><th>In</th><th>Out</th><th>Errors in</th><th>Oper</th><th>Rx power</th><th /></tr>
            </thead>
            <tbody>
              {d.interfaces.map((ifc) => (
                <tr key={ifc.name}>
                  <td className="mono">{ifc.name}</td>
                  <td>{lastOf(ifc, 'if_in_bps')}</td>
                  <td>{lastOf(ifc, 'if_out_bps')}</td>
                  <td>{lastOf(ifc, 'if_in_errors_ps')}</td>
                  <td>{(() => { const s = ifc.series.find((x) => x.metric === 'if_oper_up'); const v = s ? last.get(s.key)?.value : undefined; return v === undefined ? '—' : v >= 1 ? 'up' : 'DOWN'; })()}</td>
                  <td>{lastOf(ifc, 'optical_rx_dbm')}</td>
                  <td><a href={hrefOf('explore', new URLSearchParams({ s: ifc.series.slice(0, 8).map((s) => s.id).join(','), range: '6h' }))}>explore</a></td>
                </tr>
              ))}
            </tbody>
          </table>
          {d.interfaces.some((ifc) => ['if_in_bps', 'if_out_bps', 'if_in_errors_ps', 'if_oper_up', 'optical_rx_dbm'].some((m) => lastOf(ifc, m) === '—')) ? (
            <p className="dim small" data-testid="interfaces-dash">— : no reading of that kind for the interface (not polled for it, or the platform has no such counter or optic).</p>
          ) : null}
        </section>
        <SeriesCharts title="Optical levels, last 6 h" series={optical.slice(0, 8)} fromMs={range.from} toMs={range.now} testId="optics" />
        <SeriesCharts title="Latency and loss, last 6 h" series={path.slice(0, 8)} fromMs={range.from} toMs={range.now} testId="latency-loss" />
        <section className="card">
          <h2>Open anomalies ({d.openAnomalies.length})</h2>
          {d.openAnomalies.length === 0 ? <p className="dim" data-testid="anomalies-empty">None open: no reading of this device is outside its baseline or breaks a rule right now.</p> : null}
          <ul className="plain-list">
            {d.openAnomalies.map((a) => (
              <li key={a.id}>
                <strong style={{ color: SEVERITY_COLORS[a.severity] }}>{a.severity}</strong> {a.seriesKey} — {a.reason}
              </li>
            ))}
          </ul>
        </section>
      </div>
    );
  }
  return (
    <PageShell session={props.session} title={`Device ${props.deviceId}`}>
      {body}
    </PageShell>
  );
}
