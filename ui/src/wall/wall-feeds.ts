// The wall's side feeds, outside React: anomalies (what is open now, and what was active in the
// chart window, for markers) and device health, each loaded by a query and then kept current by
// a subscription. After a reconnect both are loaded again: events missed while the socket was
// down are not replayed by the API.

import { authFailureOf, type ApiClients } from '../api/clients.js';
import { ANOMALIES_QUERY, ANOMALIES_SUBSCRIPTION, HEALTH_QUERY, HEALTH_SUBSCRIPTION, toAnomaly } from '../api/documents.js';
import type {
  AnomaliesQuery,
  AnomaliesQueryVariables,
  AnomalyFeedSubscription,
  AnomalyFeedSubscriptionVariables,
  HealthFeedSubscription,
  HealthFeedSubscriptionVariables,
  HealthQuery,
  HealthQueryVariables,
} from '../api/operation-types.js';
import type { AnomalyStore } from '../data/anomaly-store.js';
import type { HealthStore } from '../data/health-store.js';

export const FEED_DEFAULTS = {
  anomaliesPage: 200, // active anomalies loaded at start (open ones and those in the window)
  retryMs: 5_000,
  pruneEveryMs: 60_000,
} as const;

export interface WallFeedOptions {
  deviceIds: string[] | null; // null: every device
  healthDeviceIds: string[]; // the tiles
  windowMs: number;
}

export class WallFeeds {
  private subs: Array<{ unsubscribe(): void }> = [];
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private pruneTimer: ReturnType<typeof setInterval> | undefined;
  private offReconnect: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly api: ApiClients,
    private readonly anomalies: AnomalyStore,
    private readonly health: HealthStore,
    private readonly opts: WallFeedOptions,
  ) {}

  start(): void {
    this.subscribeAnomalies();
    this.subscribeHealth();
    void this.loadAnomalies();
    void this.loadHealth();
    this.offReconnect = this.api.status.onReconnected(() => {
      void this.loadAnomalies();
      void this.loadHealth();
    });
    this.pruneTimer = setInterval(() => this.anomalies.prune(Date.now()), FEED_DEFAULTS.pruneEveryMs);
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.subs) s.unsubscribe();
    this.offReconnect?.();
    clearInterval(this.pruneTimer);
    for (const t of this.timers) clearTimeout(t);
  }

  private later(fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, FEED_DEFAULTS.retryMs);
    this.timers.add(t);
  }

  private failed(error: Parameters<typeof authFailureOf>[0], retry: () => void): void {
    const refused = authFailureOf(error);
    if (refused) this.api.status.unauthorized(refused);
    else this.later(retry);
  }

  private async loadAnomalies(): Promise<void> {
    const now = Date.now();
    const filter = { from: now - this.opts.windowMs, ...(this.opts.deviceIds ? { deviceIds: this.opts.deviceIds } : {}) };
    const r = await this.api.urql.query<AnomaliesQuery, AnomaliesQueryVariables>(ANOMALIES_QUERY, { filter, first: FEED_DEFAULTS.anomaliesPage }).toPromise();
    if (this.stopped) return;
    if (!r.data) return this.failed(r.error, () => void this.loadAnomalies());
    this.anomalies.upsert(r.data.anomalies.nodes.map(toAnomaly));
  }

  private async loadHealth(): Promise<void> {
    const ids = this.opts.healthDeviceIds;
    if (ids.length === 0) return;
    const r = await this.api.urql.query<HealthQuery, HealthQueryVariables>(HEALTH_QUERY, { ids }).toPromise();
    if (this.stopped) return;
    if (!r.data) return this.failed(r.error, () => void this.loadHealth());
    for (const h of r.data.health) this.health.update(h.deviceId, h.score, h.ts);
  }

  private subscribeAnomalies(): void {
    const filter = this.opts.deviceIds ? { deviceIds: this.opts.deviceIds } : null;
    const sub = this.api.urql
      .subscription<AnomalyFeedSubscription, AnomalyFeedSubscriptionVariables>(ANOMALIES_SUBSCRIPTION, { filter })
      .subscribe((result) => {
        if (result.error) return this.failed(result.error, () => this.subscribeAnomalies());
        const update = result.data?.anomalies;
        if (update) this.anomalies.upsert([toAnomaly(update.anomaly)]);
      });
    this.subs.push(sub);
  }

  private subscribeHealth(): void {
    const ids = this.opts.healthDeviceIds;
    if (ids.length === 0) return;
    const sub = this.api.urql.subscription<HealthFeedSubscription, HealthFeedSubscriptionVariables>(HEALTH_SUBSCRIPTION, { ids }).subscribe((result) => {
      if (result.error) return this.failed(result.error, () => this.subscribeHealth());
      const h = result.data?.health;
      if (h) this.health.update(h.deviceId, h.score, h.ts);
    });
    this.subs.push(sub);
  }
}
