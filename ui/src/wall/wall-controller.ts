// Feeds the wall's charts, outside React: one live subscription for all its series, the last
// window of history from `readings`, a backfill of the gap after the websocket reconnects, the
// baseline band of each series (refreshed now and then) and the anomaly markers from the store.
// Live points go straight from the subscription to the chart buffers.

import { authFailureOf, type ApiClients } from '../api/clients.js';
import { BASELINES_QUERY, LIVE_SUBSCRIPTION, READINGS_QUERY, type SeriesInfo } from '../api/documents.js';
import type { BaselinesQuery, BaselinesQueryVariables, ReadingsQuery, ReadingsQueryVariables } from '../api/operation-types.js';
import type { AnomalyStore } from '../data/anomaly-store.js';
import type { ChartMarker } from './chart-overlays.js';
import type { LiveChart } from './live-chart.js';

export const WALL_DEFAULTS = {
  historyMaxPoints: 900, // per series: 15 min at one point a second comes back raw
  retryMs: 3_000, // after a failed history load or an ended subscription
  slideEveryMs: 1_000, // the time axis moves on even when no point arrives
  baselineEveryMs: 60_000, // baselines move at most once a minute per series
  readingsChunk: 50, // series per readings request: stays under the API's points budget
} as const;

/** Shared with the status bar and the stale banner. */
export interface DataFreshness {
  lastDataAtMs: number | null;
  /** A gap is being filled after a reconnect: the wall is not yet whole again. */
  backfilling: boolean;
}

interface LivePointMessage {
  seriesId: string;
  ts: number;
  value: number;
}

export class WallController {
  private subscription: { unsubscribe(): void } | null = null;
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private intervals: Array<ReturnType<typeof setInterval>> = [];
  private offReconnect: (() => void) | undefined;
  private offAnomalies: (() => void) | undefined;
  private markerSignatures = new Map<string, string>();
  private stopped = false;

  constructor(
    private readonly api: ApiClients,
    private readonly charts: ReadonlyMap<string, LiveChart>,
    private readonly series: ReadonlyMap<string, SeriesInfo>,
    private readonly freshness: DataFreshness,
    private readonly anomalies: AnomalyStore,
    private readonly windowMs: number,
  ) {}

  start(): void {
    // Subscribe first, then load history: a point arriving meanwhile is merged, not lost.
    this.subscribe();
    void this.loadSince(Date.now() - this.windowMs);
    void this.loadBaselines();
    this.offReconnect = this.api.status.onReconnected(() => {
      this.freshness.backfilling = true;
      void this.loadSince(this.oldestLastPointMs());
    });
    this.offAnomalies = this.anomalies.subscribe(() => this.applyMarkers());
    this.applyMarkers();
    this.intervals.push(
      setInterval(() => {
        const now = Date.now();
        for (const chart of this.charts.values()) chart.slide(now, WALL_DEFAULTS.slideEveryMs);
      }, WALL_DEFAULTS.slideEveryMs),
      setInterval(() => void this.loadBaselines(), WALL_DEFAULTS.baselineEveryMs),
    );
  }

  stop(): void {
    this.stopped = true;
    this.subscription?.unsubscribe();
    this.offReconnect?.();
    this.offAnomalies?.();
    for (const i of this.intervals) clearInterval(i);
    for (const t of this.timers) clearTimeout(t);
  }

  private later(fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, WALL_DEFAULTS.retryMs);
    this.timers.add(t);
  }

  // Straight on the graphql-ws client, not through urql: 48+ points a second arrive in bursts,
  // and each result through urql's exchange pipeline costs several times the push itself. The
  // client re-subscribes by itself after a reconnect.
  private subscribe(): void {
    const previous = this.subscription;
    this.subscription = null;
    previous?.unsubscribe();
    const ids = [...this.charts.keys()];
    if (ids.length === 0) return;
    const handle = { unsubscribe: () => undefined as void };
    // graphql-ws completes a sink when it is unsubscribed too: only the current one may retry.
    const isCurrent = () => this.subscription === handle && !this.stopped;
    handle.unsubscribe = this.api.ws.subscribe<{ live: LivePointMessage }>(
      { query: LIVE_SUBSCRIPTION, variables: { ids } },
      {
        next: (result) => {
          const point = result.data?.live;
          if (point) {
            this.freshness.lastDataAtMs = Date.now();
            this.charts.get(point.seriesId)?.push(point.ts, point.value);
            return;
          }
          if (result.errors?.length && isCurrent()) this.failed(result.errors);
        },
        error: (err) => {
          if (isCurrent()) this.failed(Array.isArray(err) ? err : []);
        },
        complete: () => {
          if (isCurrent()) this.later(() => this.subscribe());
        },
      },
    );
    this.subscription = handle;
  }

  private failed(errors: ReadonlyArray<{ extensions?: Record<string, unknown> }>): void {
    const refused = errors.find((e) => e.extensions?.code === 'UNAUTHENTICATED');
    if (refused) this.api.status.unauthorized(String(refused.extensions?.reason ?? 'UNAUTHENTICATED'));
    else if (!this.stopped && this.api.status.get().state !== 'unauthorized') this.later(() => this.subscribe());
  }

  private oldestLastPointMs(): number {
    const floor = Date.now() - this.windowMs;
    let oldest = Date.now();
    for (const chart of this.charts.values()) oldest = Math.min(oldest, chart.lastTimestampMs ?? floor);
    return Math.max(floor, oldest);
  }

  private chunks(): string[][] {
    const ids = [...this.charts.keys()];
    const out: string[][] = [];
    for (let i = 0; i < ids.length; i += WALL_DEFAULTS.readingsChunk) out.push(ids.slice(i, i + WALL_DEFAULTS.readingsChunk));
    return out;
  }

  private async loadSince(fromMs: number): Promise<void> {
    if (this.charts.size === 0 || this.stopped) return;
    const to = Date.now();
    const results = await Promise.all(
      this.chunks().map((ids) =>
        this.api.urql.query<ReadingsQuery, ReadingsQueryVariables>(READINGS_QUERY, { ids, from: fromMs, to, maxPoints: WALL_DEFAULTS.historyMaxPoints }).toPromise(),
      ),
    );
    if (this.stopped) return;
    let failed = false;
    let newest = this.freshness.lastDataAtMs ?? 0;
    for (const result of results) {
      if (result.error || !result.data) {
        const refused = authFailureOf(result.error);
        if (refused) return this.api.status.unauthorized(refused);
        failed = true;
        continue;
      }
      for (const cols of result.data.readings) {
        this.charts.get(cols.seriesId)?.load(cols.timestamps, cols.values);
        const last = cols.timestamps[cols.timestamps.length - 1];
        if (last !== undefined) newest = Math.max(newest, Math.min(last, Date.now()));
      }
    }
    if (newest > 0) this.freshness.lastDataAtMs = newest;
    if (failed) this.later(() => void this.loadSince(fromMs));
    else this.freshness.backfilling = false;
  }

  private async loadBaselines(): Promise<void> {
    if (this.charts.size === 0 || this.stopped) return;
    const now = Date.now();
    for (const ids of this.chunks()) {
      const result = await this.api.urql.query<BaselinesQuery, BaselinesQueryVariables>(BASELINES_QUERY, { ids, from: now - this.windowMs, to: now }).toPromise();
      if (this.stopped || !result.data) return; // the band is decoration: the next round tries again
      for (const band of result.data.baselines) {
        const b = band.baseline;
        this.charts.get(band.seriesId)?.setBand(b ? { expected: b.expected, lower: b.lower, upper: b.upper } : null);
      }
    }
  }

  private applyMarkers(): void {
    const bySeries = this.anomalies.markersBySeries();
    for (const [id, chart] of this.charts) {
      const key = this.series.get(id)?.key;
      const markers: ChartMarker[] = (key && bySeries.get(key)) || [];
      const signature = markers.map((m) => `${m.startMs}:${m.endMs}:${m.severity}`).join('|');
      if (signature === (this.markerSignatures.get(id) ?? '')) continue;
      this.markerSignatures.set(id, signature);
      chart.setMarkers(markers);
    }
  }
}
