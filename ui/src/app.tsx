// The NOC wall page: pick the series, lay out the wall, report what is wrong in plain words.

import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { useQuery } from 'urql';
import { authFailureOf, type ApiClients } from './api/clients.js';
import { pickWallSeries, WALL_SERIES_QUERY, type WallSeriesData } from './api/queries.js';
import { StatusBar } from './wall/status-bar.js';
import { Wall } from './wall/wall.js';
import type { DataFreshness } from './wall/wall-controller.js';

const WALL_SIZE = 12; // charts

function Notice(props: { title: string; children?: React.ReactNode; tone?: 'bad' | 'plain' }) {
  return (
    <div className={`notice ${props.tone === 'bad' ? 'notice-bad' : ''}`}>
      <h1>{props.title}</h1>
      {props.children}
    </div>
  );
}

export function NoToken() {
  return (
    <Notice title="An API token is needed" tone="bad">
      <p>
        Open this page as <code>/?token=&lt;token&gt;</code>. Mint one with <code>node bin/opsconductor.mjs token</code>.
      </p>
    </Notice>
  );
}

export function App(props: { api: ApiClients }) {
  const { api } = props;
  const startedAt = useMemo(() => Date.now(), []);
  const freshness = useMemo<DataFreshness>(() => ({ lastDataAtMs: null }), []);
  const status = useSyncExternalStore(api.status.subscribe, api.status.get);
  const [{ data, error, fetching }, refetch] = useQuery<WallSeriesData>({ query: WALL_SERIES_QUERY, variables: { limit: WALL_SIZE } });
  const series = useMemo(() => (data ? pickWallSeries(data, WALL_SIZE) : []), [data]);

  const refused = authFailureOf(error);
  useEffect(() => {
    if (refused) api.status.unauthorized(refused);
  }, [refused, api]);
  useEffect(() => {
    // A failed or empty catalogue is asked again: the sink may not have written any series yet.
    if (fetching || refused || (data && series.length > 0)) return;
    const t = setTimeout(() => refetch({ requestPolicy: 'network-only' }), 5_000);
    return () => clearTimeout(t);
  }, [fetching, refused, data, series.length, refetch]);

  let body: React.ReactNode;
  if (status.state === 'unauthorized') {
    body = (
      <Notice title="The API refused the token" tone="bad">
        <p>Reason: {status.detail || 'UNAUTHENTICATED'}. Reopen the page with a fresh <code>?token=</code>.</p>
      </Notice>
    );
  } else if (error && !data) body = <Notice title="Cannot reach the API" tone="bad"><p>Retrying…</p></Notice>;
  else if (!data) body = <Notice title="Loading series…" />;
  else if (series.length === 0) body = <Notice title="No series yet"><p>Waiting for the first readings…</p></Notice>;
  else body = <Wall series={series} api={api} freshness={freshness} />;

  return (
    <div className="page">
      <StatusBar status={api.status} freshness={freshness} since={startedAt} subtitle={`NOC wall · ${series.length} series · last 15 min`} />
      {body}
    </div>
  );
}
