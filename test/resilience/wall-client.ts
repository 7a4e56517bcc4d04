// A NOC wall as the resilience suite sees it: a graphql-ws client on the api role's /graphql,
// subscribed to live points of chosen series, noting when each point arrives. From that: the
// end-to-end latency (reading timestamp → point received), the largest gap per series on the wall,
// and when fresh data flowed again after a fault. It reconnects on its own when the api dies.
import { createRequire } from 'node:module';
import { createClient, type Client } from 'graphql-ws';
import { signToken } from '../../api/auth/jwt.js';

const WebSocketImpl = createRequire(import.meta.url)('ws') as unknown;
const LIVE = 'subscription L($ids: [ID!]!) { live(seriesIds: $ids) { seriesId ts } }';
const MAX_IDS_PER_SUBSCRIPTION = 500; // api/defaults.ts live.maxSeriesPerSubscription

export interface WallPoint {
  seriesId: string;
  ts: number; // event time
  at: number; // received, wall clock
}

export const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);

export class WallClient {
  readonly points: WallPoint[] = [];
  private readonly client: Client;
  private readonly subs: Array<() => void> = [];

  constructor(apiUrl: string, jwtSecret: string) {
    const token = signToken({ sub: 'resilience-wall', role: 'viewer', expiresInS: 6 * 3600 }, jwtSecret);
    this.client = createClient({
      url: apiUrl.replace(/^http/, 'ws') + '/graphql',
      webSocketImpl: WebSocketImpl,
      connectionParams: { token },
      lazy: false,
      retryAttempts: 1_000, // the api is killed on purpose: keep coming back
      retryWait: async () => new Promise((r) => setTimeout(r, 250)),
      shouldRetry: () => true,
      onNonLazyError: () => {},
    });
  }

  subscribe(seriesIds: string[]): void {
    for (let i = 0; i < seriesIds.length; i += MAX_IDS_PER_SUBSCRIPTION) {
      const ids = seriesIds.slice(i, i + MAX_IDS_PER_SUBSCRIPTION);
      this.subs.push(
        this.client.subscribe<{ live: { seriesId: string; ts: number } }>(
          { query: LIVE, variables: { ids } },
          { next: (r) => r.data && this.points.push({ ...r.data.live, at: Date.now() }), error: () => {}, complete: () => {} },
        ),
      );
    }
  }

  /** Latency of the points received in [from, to) (wall clock), ms. */
  latency(from = 0, to = Infinity): { n: number; p50: number; p99: number; max: number } {
    const l = this.points.filter((p) => p.at >= from && p.at < to).map((p) => p.at - p.ts).sort((a, b) => a - b);
    return { n: l.length, p50: percentile(l, 50), p99: percentile(l, 99), max: l.length ? l[l.length - 1] : 0 };
  }

  /** Largest wall-clock gap between consecutive points of one series, over points received in [from, to]. */
  maxGap(from: number, to: number): number {
    const last = new Map<string, number>();
    let gap = 0;
    for (const p of this.points) {
      if (p.at < from) {
        last.set(p.seriesId, p.at);
        continue;
      }
      if (p.at > to) break;
      const prev = last.get(p.seriesId);
      if (prev !== undefined) gap = Math.max(gap, p.at - prev);
      last.set(p.seriesId, p.at);
    }
    return gap;
  }

  /** Series among `ids` without a point received within the last `withinMs`. */
  stale(ids: string[], withinMs: number): number {
    const since = Date.now() - withinMs;
    const fresh = new Set<string>();
    for (let i = this.points.length - 1; i >= 0 && this.points[i].at >= since; i--) fresh.add(this.points[i].seriesId);
    return ids.filter((id) => !fresh.has(id)).length;
  }

  /** When the first point read at or after `since` (event time) arrived, or undefined. */
  firstFreshAfter(since: number): number | undefined {
    return this.points.find((p) => p.ts >= since)?.at;
  }

  async close(): Promise<void> {
    for (const s of this.subs) s();
    await this.client.dispose();
  }
}
