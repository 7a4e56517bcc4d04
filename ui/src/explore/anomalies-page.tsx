// The anomaly list: filters (open or closed, least severity, device, acknowledged) kept in the
// URL, newest first, paged by cursor; an operator acknowledges from here and silences (an anomaly's
// device and rule prefilled, silences-panel.tsx), a viewer never sees the buttons (the API refuses
// a viewer anyway).

import { useEffect, useMemo, useState } from 'react';
import { useClient } from 'urql';
import type { Session } from '../app.js';
import { ACKNOWLEDGE_MUTATION, ANOMALIES_SUBSCRIPTION, ANOMALY_LIST_QUERY, type ApiAnomaly } from '../api/documents.js';
import type {
  AcknowledgeMutation,
  AcknowledgeMutationVariables,
  AnomalyFeedSubscription,
  AnomalyFeedSubscriptionVariables,
  AnomalyListQuery,
  AnomalyListQueryVariables,
} from '../api/operation-types.js';
import { canAcknowledge } from '../auth/token.js';
import { silencedAt } from '../data/anomaly-store.js';
import { hrefOf, replaceParams } from '../route.js';
import { SEVERITY_COLORS } from '../wall/chart-overlays.js';
import { formatValue } from '../wall/format.js';
import { ParentDownBadges } from '../wall/parent-down-badges.js';
import { PageShell } from './page-shell.js';
import { SilencesPanel, type MatcherDraft } from './silences-panel.js';

const PAGE_SIZE = 50;
const SEVERITIES = ['WARNING', 'MINOR', 'MAJOR', 'CRITICAL'] as const;

/** A row of the list: an anomaly, with its series when the list query brought it (not a live update). */
type ListedAnomaly = ApiAnomaly & Partial<Pick<AnomalyListQuery['anomalies']['nodes'][number], 'series'>>;

export function filterFromParams(params: URLSearchParams): Record<string, unknown> {
  const f: Record<string, unknown> = {};
  const state = params.get('state') ?? 'open';
  if (state === 'open') f.open = true;
  if (state === 'closed') f.open = false;
  const sev = params.get('severity');
  if (sev && (SEVERITIES as readonly string[]).includes(sev)) f.minSeverity = sev;
  const device = params.get('device')?.trim();
  if (device) f.deviceIds = device.split(',').map((d) => d.trim()).filter(Boolean);
  const ack = params.get('ack');
  if (ack === 'yes') f.acknowledged = true;
  if (ack === 'no') f.acknowledged = false;
  return f;
}

function explorerLink(a: ListedAnomaly): string | null {
  if (!a.series) return null;
  const pad = 30 * 60_000;
  const to = (a.endedAt ?? Date.now()) + pad;
  return hrefOf('explore', new URLSearchParams({ s: a.series.id, from: String(Math.round(a.startedAt - pad)), to: String(Math.round(Math.min(Date.now(), to))) }));
}

export function AnomaliesPage(props: { session: Session; params: URLSearchParams }) {
  const { session, params } = props;
  const client = useClient();
  const paramKey = params.toString();
  const filter = useMemo(() => filterFromParams(params), [paramKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const [rows, setRows] = useState<ListedAnomaly[]>([]);
  const [page, setPage] = useState<{ total: number; cursor: string | null; more: boolean }>({ total: 0, cursor: null, more: false });
  const [state, setState] = useState<'loading' | 'ready' | 'failed'>('loading');
  const [ackError, setAckError] = useState('');
  const mayAck = canAcknowledge(session.role);
  const [silenceDraft, setSilenceDraft] = useState<MatcherDraft[] | null>(null);

  const load = async (after: string | null) => {
    setState('loading');
    const r = await client.query<AnomalyListQuery, AnomalyListQueryVariables>(ANOMALY_LIST_QUERY, { filter, first: PAGE_SIZE, after }).toPromise();
    if (!r.data) return setState('failed');
    const c = r.data.anomalies;
    setRows((prev) => (after ? [...prev, ...c.nodes] : c.nodes));
    setPage({ total: c.totalCount, cursor: c.pageInfo.endCursor, more: c.pageInfo.hasNextPage });
    setState('ready');
  };
  useEffect(() => {
    void load(null);
  }, [filter]); // eslint-disable-line react-hooks/exhaustive-deps

  // The list stays current: updates of listed anomalies are merged in, new OPENs that fit the
  // filter's state and devices come in at the top (severity is checked by the next reload).
  useEffect(() => {
    const devices = filter.deviceIds as string[] | undefined;
    const sub = client
      .subscription<AnomalyFeedSubscription, AnomalyFeedSubscriptionVariables>(ANOMALIES_SUBSCRIPTION, { filter: devices ? { deviceIds: devices } : null })
      .subscribe((r) => {
        const a = r.data?.anomalies.anomaly;
        if (!a) return;
        setRows((prev) => {
          const i = prev.findIndex((x) => x.id === a.id);
          if (i >= 0) return prev.map((x) => (x.id === a.id ? { ...x, ...a, series: x.series, acknowledgement: a.acknowledgement ?? x.acknowledgement } : x));
          return a.state === 'OPEN' && filter.open !== false && filter.acknowledged !== true ? [a, ...prev] : prev;
        });
      });
    return () => sub.unsubscribe();
  }, [client, filter]);

  const acknowledge = async (id: string) => {
    setAckError('');
    const r = await client.mutation<AcknowledgeMutation, AcknowledgeMutationVariables>(ACKNOWLEDGE_MUTATION, { id, note: null }).toPromise();
    if (r.error || !r.data) return setAckError(`Acknowledge failed: ${r.error?.graphQLErrors[0]?.message ?? r.error?.message ?? 'no answer'}`);
    const done = r.data.acknowledgeAnomaly;
    setRows((prev) => prev.map((a) => (a.id === id ? { ...a, acknowledgement: done.acknowledgement } : a)));
  };
  const setParam = (name: string, value: string) => {
    const p = new URLSearchParams(params);
    if (value) p.set(name, value);
    else p.delete(name);
    replaceParams(p);
  };

  return (
    <PageShell session={session} title="Anomalies">
      <div className="filters">
        <label>
          State
          <select data-testid="filter-state" value={params.get('state') ?? 'open'} onChange={(e) => setParam('state', e.target.value)}>
            <option value="open">open</option>
            <option value="closed">closed</option>
            <option value="all">all</option>
          </select>
        </label>
        <label>
          At least
          <select data-testid="filter-severity" value={params.get('severity') ?? ''} onChange={(e) => setParam('severity', e.target.value)}>
            <option value="">any severity</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Devices
          <input data-testid="filter-device" defaultValue={params.get('device') ?? ''} placeholder="lab-r1,lab-r2" onKeyDown={(e) => e.key === 'Enter' && setParam('device', e.currentTarget.value)} onBlur={(e) => setParam('device', e.currentTarget.value)} />
        </label>
        <label>
          Acknowledged
          <select value={params.get('ack') ?? ''} onChange={(e) => setParam('ack', e.target.value)}>
            <option value="">either</option>
            <option value="no">no</option>
            <option value="yes">yes</option>
          </select>
        </label>
        <span className="dim" data-testid="anomaly-total">{state === 'failed' ? 'could not load' : `${page.total} anomalies`}</span>
      </div>
      <SilencesPanel mayEdit={mayAck} prefill={silenceDraft} onPrefillUsed={() => setSilenceDraft(null)} onChanged={() => void load(null)} />
      {ackError ? <p className="error">{ackError}</p> : null}
      <table className="table" data-testid="anomaly-table">
        <thead>
          <tr><th>Severity</th><th>State</th><th>Device</th><th>Series</th><th>Started</th><th>Ended</th><th>Observed / expected</th><th>Reason</th><th>Acknowledged</th></tr>
        </thead>
        <tbody>
          {rows.map((a) => {
            const link = explorerLink(a);
            const unit = a.series?.unit ?? '';
            const silenced = silencedAt(a.silenced, Date.now());
            return (
              <tr key={a.id} data-anomaly-id={a.id} className={silenced || a.suppressedBy ? 'silenced' : undefined}>
                <td style={{ color: SEVERITY_COLORS[a.severity], fontWeight: 800 }}>{a.severity}</td>
                <td>
                  {a.state}
                  {silenced ? (
                    <span className="badge-silenced" data-testid="silenced-badge" title={`${silenced.comment}${silenced.endsAt ? ` (until ${new Date(silenced.endsAt).toLocaleString('en-GB')})` : ''}`}>
                      {silenced.kind === 'SILENCE' ? 'silenced' : 'maintenance'}
                    </span>
                  ) : null}
                  <ParentDownBadges deviceId={a.deviceId} suppressedBy={a.suppressedBy} suppressing={a.suppressing} />
                </td>
                <td><a href={hrefOf('device', undefined, a.deviceId)}>{a.deviceId}</a></td>
                <td className="mono">{link ? <a href={link}>{a.seriesKey}</a> : a.seriesKey}</td>
                <td>{new Date(a.startedAt).toLocaleString('en-GB')}</td>
                <td>{a.endedAt ? new Date(a.endedAt).toLocaleString('en-GB') : '—'}</td>
                <td>{formatValue(a.observed, unit)} / {formatValue(a.expected, unit)}</td>
                <td className="reason">{a.reason}</td>
                <td>
                  {a.acknowledgement ? (
                    <span data-testid="ack-done">{a.acknowledgement.by}, {new Date(a.acknowledgement.at).toLocaleTimeString('en-GB')}</span>
                  ) : mayAck ? (
                    <button type="button" data-testid="ack-button" onClick={() => void acknowledge(a.id)}>Acknowledge</button>
                  ) : null}
                  {mayAck && a.state !== 'CLOSE' && !silenced ? (
                    <button type="button" data-testid="silence-this" onClick={() => setSilenceDraft([{ field: 'DEVICE', value: a.deviceId, regex: false }, ...(a.detector ? [{ field: 'RULE' as const, value: a.detector, regex: false }] : [])])}>
                      Silence this
                    </button>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {page.more ? (
        <button type="button" disabled={state === 'loading'} onClick={() => void load(page.cursor)}>
          Load more
        </button>
      ) : null}
    </PageShell>
  );
}
