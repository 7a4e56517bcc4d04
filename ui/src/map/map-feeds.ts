// Loads what the weathermap draws and keeps it live: devices (placed by map-layout.ts), the
// topology, the interface-rate and optical series of every link end, then subscriptions to their
// live points, to device health, to anomalies (open ones mark their device) and to the topology
// (a change reloads the links). Live points change numbers in the model only; drawing is the
// renderer's, once a frame.

import { authFailureOf, type ApiClients } from '../api/clients.js';
import {
  ANOMALIES_QUERY,
  ANOMALIES_SUBSCRIPTION,
  DEVICES_QUERY,
  HEALTH_QUERY,
  HEALTH_SUBSCRIPTION,
  LIVE_SUBSCRIPTION,
  SERIES_BY_METRIC_QUERY,
  TOPOLOGY_QUERY,
  TOPOLOGY_SUBSCRIPTION,
  toAnomaly,
  type DeviceRow,
  type SeriesInfo,
  type TopologyLinkRow,
} from '../api/documents.js';
import type {
  AnomaliesQuery,
  AnomaliesQueryVariables,
  AnomalyFeedSubscription,
  AnomalyFeedSubscriptionVariables,
  DevicesQuery,
  DevicesQueryVariables,
  HealthFeedSubscription,
  HealthFeedSubscriptionVariables,
  HealthQuery,
  HealthQueryVariables,
  SeriesByMetricQuery,
} from '../api/operation-types.js';
import { AnomalyStore } from '../data/anomaly-store.js';
import { placeDevices, type Positions } from './map-layout.js';
import { STALE_COLOUR, type MapLink, type MapModel, type RateSlot } from './map-model.js';

export const MAP_FEED_DEFAULTS = {
  devicesPage: 500, // the API's max page
  linksPage: 1_000,
  seriesPage: 1_000,
  idsPerSubscription: 500, // the API's max series (and devices) per subscription
  reloadAfterTopologyChangeMs: 1_000, // a sync publishes its changes together: one reload for all
  retryMs: 5_000,
} as const;

const RATE_METRICS: Record<string, 'Out' | 'In'> = { if_out_bps: 'Out', if_in_bps: 'In' };
const RX_METRIC = 'optical_rx_dbm';
const RX_LOW_METRIC = 'optical_rx_low_alarm_dbm'; // the transceiver's own threshold, labelled as its Rx reading

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class MapFeeds {
  private subs: Array<{ unsubscribe(): void }> = [];
  private liveSubs: Array<{ unsubscribe(): void }> = [];
  private readonly anomalies = new AnomalyStore();
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  error: string | null = null;
  onError: (message: string) => void = () => undefined;

  constructor(
    private readonly api: ApiClients,
    private readonly model: MapModel,
    private readonly saved: () => Positions,
  ) {}

  async start(): Promise<void> {
    await this.loadDevices();
    await this.loadLinks();
    this.subscribeTopology();
    this.subscribeAnomalies();
    void this.loadAnomalies();
    void this.loadHealth();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.reloadTimer);
    for (const s of [...this.subs, ...this.liveSubs]) s.unsubscribe();
  }

  private fail(error: Parameters<typeof authFailureOf>[0]): never {
    const refused = authFailureOf(error);
    if (refused) this.api.status.unauthorized(refused);
    const message = error?.message ?? 'the API did not answer';
    this.onError(message);
    throw new Error(message);
  }

  private async loadDevices(): Promise<void> {
    const rows: DeviceRow[] = [];
    for (let after: string | null = null; ; ) {
      const r = await this.api.urql.query<DevicesQuery, DevicesQueryVariables>(DEVICES_QUERY, { first: MAP_FEED_DEFAULTS.devicesPage, after }).toPromise();
      if (!r.data) this.fail(r.error);
      rows.push(...r.data.devices.nodes);
      if (!r.data.devices.pageInfo.hasNextPage) break;
      after = r.data.devices.pageInfo.endCursor;
    }
    const placed = placeDevices(
      rows.map((d) => ({ deviceId: d.id, site: d.site, role: d.role })),
      this.saved(),
    );
    this.model.setDevices(rows.map((d) => ({ id: d.id, site: d.site, role: d.role, x: placed.get(d.id)!.x, y: placed.get(d.id)!.y, health: d.health?.score ?? null, anomalies: 0 })));
  }

  private async paged<T extends { id: string }>(query: string, field: string, vars: Record<string, unknown>, limit: number): Promise<T[]> {
    const out: T[] = [];
    for (let after: string | null = null; ; ) {
      const r: { data?: Record<string, T[]>; error?: Parameters<typeof authFailureOf>[0] } = await this.api.urql.query<Record<string, T[]>>(query, { ...vars, limit, after }, { requestPolicy: 'network-only' }).toPromise();
      if (!r.data) this.fail(r.error);
      const page: T[] = r.data[field];
      out.push(...page);
      if (page.length < limit) return out;
      after = field === 'series' ? (page[page.length - 1] as unknown as SeriesInfo).key : page[page.length - 1].id;
    }
  }

  private async loadLinks(): Promise<void> {
    const rows = await this.paged<TopologyLinkRow>(TOPOLOGY_QUERY, 'topology', {}, MAP_FEED_DEFAULTS.linksPage);
    const links: MapLink[] = [];
    const byEnd = new Map<string, { link: MapLink; end: 'a' | 'b' }>();
    for (const r of rows) {
      const a = this.model.indexOf(r.aDeviceId);
      const b = this.model.indexOf(r.bDeviceId);
      if (a === undefined || b === undefined) continue; // an end the inventory no longer has
      const link: MapLink = { id: r.id, a, b, aInterface: r.aInterface, bInterface: r.bInterface, speedBps: r.speedBps, state: r.state, difference: r.difference, aOut: NaN, aIn: NaN, bOut: NaN, bIn: NaN, aRx: NaN, bRx: NaN, aRxLow: NaN, bRxLow: NaN, ts: 0, offset: 0, colour: STALE_COLOUR, outline: null };
      links.push(link);
      byEnd.set(`${r.aDeviceId}\u0000${r.aInterface}`, { link, end: 'a' });
      byEnd.set(`${r.bDeviceId}\u0000${r.bInterface}`, { link, end: 'b' });
    }
    this.model.setLinks(links);
    const ids: string[] = [];
    for (const metric of [...Object.keys(RATE_METRICS), RX_METRIC, RX_LOW_METRIC]) {
      const series = await this.paged<SeriesByMetricQuery['series'][number]>(SERIES_BY_METRIC_QUERY, 'series', { metric }, MAP_FEED_DEFAULTS.seriesPage);
      for (const s of series) {
        const ifName = s.labels?.ifName;
        const hit = ifName ? byEnd.get(`${s.deviceId}\u0000${ifName}`) : undefined;
        if (!hit) continue;
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- tsc needs it: the template's type is string
        const slot = (metric === RX_METRIC ? `${hit.end}Rx` : metric === RX_LOW_METRIC ? `${hit.end}RxLow` : `${hit.end}${RATE_METRICS[metric]}`) as RateSlot;
        this.model.feed(s.id, hit.link, slot);
        ids.push(s.id);
      }
    }
    this.subscribeLive(ids);
  }

  // Straight on the graphql-ws client, as the wall's charts: urql's exchanges would build a result
  // object per point, and the map takes a point per link end per second.
  private subscribeLive(ids: string[]): void {
    for (const s of this.liveSubs) s.unsubscribe();
    this.liveSubs = chunks(ids, MAP_FEED_DEFAULTS.idsPerSubscription).map((chunk) => ({
      unsubscribe: this.api.ws.subscribe<{ live: { seriesId: string; ts: number; value: number } }>(
        { query: LIVE_SUBSCRIPTION, variables: { ids: chunk } },
        {
          next: (r) => {
            const p = r.data?.live;
            if (p) this.model.point(p.seriesId, p.ts, p.value);
          },
          error: () => undefined, // the socket reconnects; the next load resubscribes
          complete: () => undefined,
        },
      ),
    }));
  }

  private subscribeTopology(): void {
    this.subs.push(
      this.api.urql.subscription(TOPOLOGY_SUBSCRIPTION, {}).subscribe((r) => {
        if (!r.data) return;
        clearTimeout(this.reloadTimer);
        this.reloadTimer = setTimeout(() => void this.loadLinks().catch(() => undefined), MAP_FEED_DEFAULTS.reloadAfterTopologyChangeMs);
      }),
    );
  }

  private countOpen(): void {
    const counts = new Map<string, number>();
    for (const a of this.anomalies.getOpen()) counts.set(a.deviceId, (counts.get(a.deviceId) ?? 0) + 1);
    this.model.setAnomalies(counts);
  }

  private async loadAnomalies(): Promise<void> {
    const r = await this.api.urql.query<AnomaliesQuery, AnomaliesQueryVariables>(ANOMALIES_QUERY, { filter: { open: true }, first: 500 }).toPromise();
    if (this.stopped || !r.data) return;
    this.anomalies.upsert(r.data.anomalies.nodes.map(toAnomaly));
    this.countOpen();
  }

  private subscribeAnomalies(): void {
    this.subs.push(
      this.api.urql.subscription<AnomalyFeedSubscription, AnomalyFeedSubscriptionVariables>(ANOMALIES_SUBSCRIPTION, { filter: null }).subscribe((r) => {
        const a = r.data?.anomalies.anomaly;
        if (!a) return;
        this.anomalies.upsert([toAnomaly(a)]);
        this.countOpen();
      }),
    );
  }

  private async loadHealth(): Promise<void> {
    const ids = this.model.devices.map((d) => d.id);
    for (const chunk of chunks(ids, MAP_FEED_DEFAULTS.idsPerSubscription)) {
      this.subs.push(
        this.api.urql.subscription<HealthFeedSubscription, HealthFeedSubscriptionVariables>(HEALTH_SUBSCRIPTION, { ids: chunk }).subscribe((r) => {
          const h = r.data?.health;
          if (h) this.model.setHealth(h.deviceId, h.score);
        }),
      );
      const r = await this.api.urql.query<HealthQuery, HealthQueryVariables>(HEALTH_QUERY, { ids: chunk }).toPromise();
      if (this.stopped) return;
      for (const h of r.data?.health ?? []) this.model.setHealth(h.deviceId, h.score);
    }
  }
}
