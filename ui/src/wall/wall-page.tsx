// The NOC wall page: the current layout's charts, health tiles and anomaly ticker under a status
// bar with a clock and the age of the newest data; rotates through the layouts of its URL, and
// in kiosk mode shows nothing to click.

import { useEffect, useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { authFailureOf, type ApiClients } from '../api/clients.js';
import { DEVICES_QUERY, TOP_SERIES_QUERY, wallSeriesQuery, type SeriesInfo } from '../api/documents.js';
import type { DevicesQuery, DevicesQueryVariables, TopSeriesQuery, TopSeriesQueryVariables } from '../api/operation-types.js';
import { AnomalyStore } from '../data/anomaly-store.js';
import { HealthStore } from '../data/health-store.js';
import { Notice } from '../notice.js';
import { AnomalyTicker } from './anomaly-ticker.js';
import { HealthTiles } from './health-tiles.js';
import type { WallConfig, WallLayout } from './layout.js';
import { LayoutMenu } from './layout-menu.js';
import { selectRankedSeries, selectWallSeries } from './layout-series.js';
import { StaleBanner, StatusBar } from './status-bar.js';
import { Wall } from './wall.js';
import { WallFeeds } from './wall-feeds.js';
import type { DataFreshness } from './wall-controller.js';

const SERIES_PER_TERM = 1_000; // the API's cap on one series search
const DEVICES_MAX = 500; // the API's cap on one devices page
const CATALOGUE_REFRESH_MS = 10 * 60_000;
const CATALOGUE_EMPTY_RETRY_MS = 5_000; // nothing found yet
const CATALOGUE_FILL_MS = 15_000; // fewer series than the layout has room for
const RANKING_REFRESH_MS = 5 * 60_000; // a ranked wall re-ranks this often (charts move only when the top changes)
const RANKED_EXTRA = 8; // ranked series asked beyond the charts: an interface's in and out share a rank
const RANKED_MAX = 200; // the API's cap on topSeries

function useRotation(count: number, everyS: number): number {
  const [index, setIndex] = useState(0);
  useEffect(() => {
    if (count <= 1 || everyS <= 0) return;
    const t = setInterval(() => setIndex((i) => (i + 1) % count), everyS * 1000);
    return () => clearInterval(t);
  }, [count, everyS]);
  return Math.min(index, count - 1);
}

export function WallPage(props: { api: ApiClients; config: WallConfig; token: string }) {
  const { api, config } = props;
  const index = useRotation(config.layouts.length, config.rotateS);
  const layout = config.layouts[index];
  useEffect(() => {
    document.body.classList.toggle('kiosk', config.kiosk);
    document.title = `${layout.name} · OpsConductor`;
  }, [config.kiosk, layout.name]);
  // One freshness record for the page: the badge keeps counting across a rotation.
  const freshness = useMemo<DataFreshness>(() => ({ lastDataAtMs: null, backfilling: false }), []);
  const startedAt = useMemo(() => Date.now(), []);
  const rotation = config.layouts.length > 1 ? ` · ${index + 1}/${config.layouts.length}` : '';
  return (
    <div className="page">
      <StatusBar status={api.status} freshness={freshness} since={startedAt} subtitle={`${layout.name}${rotation}`} staleAfterMs={config.staleS * 1000}>
        {config.kiosk ? null : <LayoutMenu config={config} layout={layout} token={props.token} />}
      </StatusBar>
      <StaleBanner status={api.status} freshness={freshness} staleAfterMs={config.staleS * 1000} />
      <LayoutView key={`${index}:${layout.name}`} api={api} layout={layout} freshness={freshness} kiosk={config.kiosk} />
    </div>
  );
}

function LayoutView(props: { api: ApiClients; layout: WallLayout; freshness: DataFreshness; kiosk: boolean }) {
  const { api, layout, freshness } = props;
  const seriesVars = useMemo(() => Object.fromEntries([...layout.series.map((t, i) => [`s${i}`, t]), ['limit', SERIES_PER_TERM]]), [layout.series]);
  const seriesDoc = useMemo(() => wallSeriesQuery(layout.series.length), [layout.series.length]);
  const [catalogueResult, refetchCatalogue] = useQuery<Record<string, SeriesInfo[]>>({ query: seriesDoc, variables: seriesVars, pause: layout.rank !== null });
  // A ranked layout asks for the top of the catalogue instead (explicit devices filtered by the
  // API; sites are resolved here, so the API is asked for more).
  const rankVars = useMemo(
    (): TopSeriesQueryVariables => ({
      search: layout.series,
      order: layout.rank === 'lowest' ? 'LOWEST' : 'HIGHEST',
      limit: Math.min(RANKED_MAX, (layout.sites.length > 0 ? 4 : 2) * layout.charts + RANKED_EXTRA),
      deviceIds: layout.devices.length > 0 && layout.sites.length === 0 ? layout.devices : null,
    }),
    [layout],
  );
  const [rankedResult, refetchRanked] = useQuery<TopSeriesQuery, TopSeriesQueryVariables>({ query: TOP_SERIES_QUERY, variables: rankVars, pause: layout.rank === null });
  const seriesResult = layout.rank ? rankedResult : catalogueResult;
  const refetchSeries = layout.rank ? refetchRanked : refetchCatalogue;
  const [devicesResult, refetchDevices] = useQuery<DevicesQuery, DevicesQueryVariables>({ query: DEVICES_QUERY, variables: { first: DEVICES_MAX } });

  const selection = useMemo(() => {
    const devices = devicesResult.data?.devices.nodes ?? [];
    if (layout.rank) return rankedResult.data ? selectRankedSeries(layout, rankedResult.data.topSeries.map((r) => r.series), devices) : null;
    if (!catalogueResult.data) return null;
    const found = layout.series.map((_, i) => catalogueResult.data?.[`t${i}`] ?? []);
    return selectWallSeries(layout, found, devices);
  }, [catalogueResult.data, rankedResult.data, devicesResult.data, layout]);

  const anomalies = useMemo(() => new AnomalyStore(), []);
  const health = useMemo(() => new HealthStore(), []);
  const tileKey = selection?.tileDevices.map((d) => d.id).join(',') ?? '';
  const filterKey = selection?.deviceFilter?.join(',') ?? '*';
  useEffect(() => {
    if (!selection) return;
    health.setDevices(selection.tileDevices.map((d) => ({ deviceId: d.id, site: d.site, score: d.health?.score ?? null, ts: d.health?.ts ?? null })));
    const feeds = new WallFeeds(api, anomalies, health, {
      deviceIds: selection.deviceFilter,
      healthDeviceIds: selection.tileDevices.map((d) => d.id),
      windowMs: layout.windowMin * 60_000,
    });
    feeds.start();
    return () => feeds.stop();
    // The feeds follow the set of devices, not each new selection object.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, anomalies, health, tileKey, filterKey, layout.windowMin, selection !== null]);

  // A wall runs for weeks: devices and series come and go, so the catalogue is read again now
  // and then (charts are only rebuilt when the chosen series actually change).
  useEffect(() => {
    const t = setInterval(() => {
      refetchSeries({ requestPolicy: 'network-only' });
      refetchDevices({ requestPolicy: 'network-only' });
    }, layout.rank ? RANKING_REFRESH_MS : CATALOGUE_REFRESH_MS);
    return () => clearInterval(t);
  }, [refetchSeries, refetchDevices, layout.rank]);

  const refused = authFailureOf(seriesResult.error) ?? authFailureOf(devicesResult.error);
  useEffect(() => {
    if (refused) api.status.unauthorized(refused);
  }, [refused, api]);
  useEffect(() => {
    // A failed or empty catalogue is asked again soon: the sink may not have written any series
    // yet. A wall with room for more charts than it found asks again too, less often: on a fresh
    // start the SNMP series come first and the SSH optics a poll later, and a wall opened in
    // between would otherwise miss them for CATALOGUE_REFRESH_MS.
    if (seriesResult.fetching || refused) return;
    const found = selection?.series.length ?? 0;
    if (found >= layout.charts) return;
    const t = setTimeout(() => {
      refetchSeries({ requestPolicy: 'network-only' });
      refetchDevices({ requestPolicy: 'network-only' });
    }, found === 0 ? CATALOGUE_EMPTY_RETRY_MS : CATALOGUE_FILL_MS);
    return () => clearTimeout(t);
  }, [seriesResult.fetching, refused, selection, layout.charts, refetchSeries, refetchDevices]);

  const siteOf = useMemo(() => (layout.bySite ? new Map((devicesResult.data?.devices.nodes ?? []).map((d) => [d.id, d.site])) : null), [layout.bySite, devicesResult.data]);
  const series = selection?.series;
  const stableSeries = useMemo(() => series ?? [], [series?.map((s) => s.id).join(',')]); // eslint-disable-line react-hooks/exhaustive-deps

  let main: React.ReactNode;
  if (refused) {
    main = (
      <Notice title="The API refused the token" tone="bad">
        <p>Reason: {refused}. Reopen the page with a fresh <code>?token=</code>.</p>
      </Notice>
    );
  } else if (seriesResult.error && !seriesResult.data) main = <Notice title="Cannot reach the API" tone="bad"><p>Retrying…</p></Notice>;
  else if (!selection) main = <Notice title="Loading series…" />;
  else if (stableSeries.length === 0) main = <Notice title="No series yet"><p>Waiting for the first readings of {layout.series.join(', ')}…</p></Notice>;
  else main = <Wall series={stableSeries} api={api} freshness={freshness} anomalies={anomalies} windowMs={layout.windowMin * 60_000} columns={selection.columns} siteOf={siteOf} />;

  return (
    <div className="wall-body">
      {main}
      <aside className="wall-side">
        <HealthTiles store={health} linkToDevices={!props.kiosk} />
        <AnomalyTicker store={anomalies} />
      </aside>
    </div>
  );
}
