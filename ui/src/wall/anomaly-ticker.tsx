// The anomaly ticker: open anomalies, newest first, severity in colour, how long each has been
// open. Re-renders when the open set changes and once every few seconds for the ages.

import { useEffect, useState, useSyncExternalStore } from 'react';
import { silencedAt, type AnomalyStore } from '../data/anomaly-store.js';
import { SEVERITY_COLORS } from './chart-overlays.js';
import { describeSeries, formatAge } from './format.js';
import { ParentDownBadges } from './parent-down-badges.js';

const TICKER_MAX = 30; // rows; more would not fit a column anyway

export function AnomalyTicker(props: { store: AnomalyStore }) {
  const open = useSyncExternalStore(props.store.subscribe, props.store.getOpen);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 5_000);
    return () => clearInterval(t);
  }, []);
  return (
    <section className="ticker" aria-label="open anomalies">
      <h2 className="ticker-head">
        Open anomalies <span className="ticker-count">{open.length}</span>
      </h2>
      {open.length === 0 ? <p className="ticker-empty">None open</p> : null}
      <ol className="ticker-list">
        {open.slice(0, TICKER_MAX).map((a) => {
          const { device, detail } = describeSeries({ deviceId: a.deviceId, metric: a.metric, labels: a.labels ?? null });
          const silenced = silencedAt(a.silenced, now);
          return (
            <li key={a.anomalyId} className={silenced || a.suppressedBy ? 'ticker-item ticker-item-silenced' : 'ticker-item'} data-anomaly-id={a.anomalyId} data-series-key={a.seriesKey} style={{ borderLeftColor: SEVERITY_COLORS[a.severity] ?? '#facc15' }}>
              <div className="ticker-line">
                <span className="ticker-sev" style={{ color: SEVERITY_COLORS[a.severity] }}>{a.severity}</span>
                <span className="ticker-age">{formatAge(now - a.startedAt)}</span>
              </div>
              <div className="ticker-what">
                {device} · {detail}
              </div>
              {a.reason ? <div className="ticker-reason">{a.reason}</div> : null}
              {a.acknowledgedBy ? <div className="ticker-ack">ack {a.acknowledgedBy}</div> : null}
              {silenced ? <div className="ticker-silenced" data-testid="ticker-silenced" title={silenced.comment}>{silenced.kind === 'SILENCE' ? 'silenced' : 'maintenance'}: {silenced.comment}</div> : null}
              {a.suppressedBy || a.suppressing ? (
                <div className="ticker-silenced" data-testid="ticker-parent-down">
                  <ParentDownBadges deviceId={a.deviceId} suppressedBy={a.suppressedBy} suppressing={a.suppressing} />
                </div>
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
