// Feeds the wall's charts, outside React: one live subscription for all its series, the last
// window of history from `readings`, and a backfill of the gap after the websocket reconnects.
// Live points go straight from the subscription to the chart buffers.

import { authFailureOf, type ApiClients } from '../api/clients.js';
import { LIVE_SUBSCRIPTION, READINGS_QUERY, type LivePoint, type SeriesColumns } from '../api/queries.js';
import type { LiveChart } from './live-chart.js';

export const WALL_DEFAULTS = {
  windowMs: 15 * 60_000,
  historyMaxPoints: 900, // 15 min at one point a second comes back raw
  retryMs: 3_000, // after a failed history load or an ended subscription
  slideEveryMs: 1_000, // the time axis moves on even when no point arrives
} as const;

/** Shared with the status bar, which shows how old the newest data is. */
export interface DataFreshness {
  lastDataAtMs: number | null;
}

export class WallController {
  private subscription: { unsubscribe(): void } | null = null;
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private slideTimer: ReturnType<typeof setInterval> | undefined;
  private offReconnect: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly api: ApiClients,
    private readonly charts: ReadonlyMap<string, LiveChart>,
    private readonly freshness: DataFreshness,
  ) {}

  start(): void {
    // Subscribe first, then load history: a point arriving meanwhile is merged, not lost.
    this.subscribe();
    void this.loadSince(Date.now() - WALL_DEFAULTS.windowMs);
    this.offReconnect = this.api.status.onReconnected(() => void this.loadSince(this.oldestLastPointMs()));
    this.slideTimer = setInterval(() => {
      for (const chart of this.charts.values()) chart.slide();
    }, WALL_DEFAULTS.slideEveryMs);
  }

  stop(): void {
    this.stopped = true;
    this.subscription?.unsubscribe();
    this.offReconnect?.();
    clearInterval(this.slideTimer);
    for (const t of this.timers) clearTimeout(t);
  }

  private later(fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, WALL_DEFAULTS.retryMs);
    this.timers.add(t);
  }

  private subscribe(): void {
    this.subscription?.unsubscribe();
    const ids = [...this.charts.keys()];
    this.subscription = this.api.urql.subscription<{ live: LivePoint }>(LIVE_SUBSCRIPTION, { ids }).subscribe((result) => {
      if (result.error) {
        const refused = authFailureOf(result.error);
        if (refused) this.api.status.unauthorized(refused);
        else this.later(() => this.subscribe());
        return;
      }
      const point = result.data?.live;
      if (!point) return;
      this.freshness.lastDataAtMs = Date.now();
      this.charts.get(point.seriesId)?.push(point.ts, point.value);
    });
  }

  private oldestLastPointMs(): number {
    const floor = Date.now() - WALL_DEFAULTS.windowMs;
    let oldest = Date.now();
    for (const chart of this.charts.values()) oldest = Math.min(oldest, chart.lastTimestampMs ?? floor);
    return Math.max(floor, oldest);
  }

  private async loadSince(fromMs: number): Promise<void> {
    const ids = [...this.charts.keys()];
    if (ids.length === 0 || this.stopped) return;
    const result = await this.api.urql
      .query<{ readings: SeriesColumns[] }>(READINGS_QUERY, { ids, from: fromMs, to: Date.now(), maxPoints: WALL_DEFAULTS.historyMaxPoints })
      .toPromise();
    if (this.stopped) return;
    if (result.error || !result.data) {
      const refused = authFailureOf(result.error);
      if (refused) this.api.status.unauthorized(refused);
      else this.later(() => void this.loadSince(fromMs));
      return;
    }
    let newest = this.freshness.lastDataAtMs ?? 0;
    for (const cols of result.data.readings) {
      this.charts.get(cols.seriesId)?.load(cols.timestamps, cols.values);
      const last = cols.timestamps[cols.timestamps.length - 1];
      if (last !== undefined) newest = Math.max(newest, Math.min(last, Date.now()));
    }
    if (newest > 0) this.freshness.lastDataAtMs = newest;
  }
}
