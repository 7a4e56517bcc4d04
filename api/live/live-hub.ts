// Fans LiveBatch records (from telemetry.live) out to graphql-ws subscribers. Each point is
// published on its own topic `live/<seriesId>`; mercurius' emitter (mqemitter) matches topics
// through a trie, so a point costs the same whether 0 or 10,000 clients watch other series.
//
// Batches name series by key; subscribers by id. Keys are resolved through a cache, misses in one
// query per batch; a key the sink has not inserted yet is remembered as unknown for a few
// seconds so a new device does not cost a query per point. Live data is best effort: nothing
// here throws at the Kafka consumer, drops are counted instead.

import type pg from 'pg';
import type { Logger } from '../../common/log.js';
import { API_DEFAULTS } from '../defaults.js';
import { eventsFannedOut, livePointsDropped, livePointsPublished } from '../metrics.js';

export interface LiveBatch {
  deviceId: string;
  ts: number; // ms epoch, event time
  points: Array<{ seriesKey: string; value: number }>;
}

export interface LivePoint {
  seriesId: string;
  seriesKey: string;
  ts: number;
  value: number;
  snapshot: boolean;
}

/** The part of mercurius' pubsub the hub needs. */
export interface LivePublisher {
  publish(event: { topic: string; payload: unknown }, callback?: () => void): void;
}

type Queryable = Pick<pg.Pool, 'query'>;

export function liveTopicFor(seriesId: string): string {
  return `live/${seriesId}`;
}

const LOOKUP_SQL = `select series_id::text as id, series_key as key from series where series_key = any($1::text[])`;

export class LiveHub {
  private readonly db: Queryable;
  private readonly logger: Logger;
  private publisher: LivePublisher | undefined;
  private readonly idByKey = new Map<string, string>();
  private readonly unknownUntil = new Map<string, number>(); // seriesKey → ms epoch
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly limits = API_DEFAULTS.live;

  constructor(opts: { db: Queryable; logger: Logger }) {
    this.db = opts.db;
    this.logger = opts.logger.child({ component: 'live-hub' });
  }

  /** Called by the GraphQL plugin once mercurius has built its pubsub. */
  attach(publisher: LivePublisher): void {
    this.publisher = publisher;
  }

  async publish(batch: LiveBatch): Promise<void> {
    const publisher = this.publisher;
    if (!publisher) throw new Error('LiveHub.publish called before the GraphQL plugin attached its pubsub');
    const points = batch.points.filter((p) => {
      if (Number.isFinite(p.value)) return true;
      livePointsDropped.inc({ reason: 'non_finite' });
      return false;
    });
    if (points.length === 0) return;

    await this.resolveKeys(points.map((p) => p.seriesKey));

    let published = 0;
    for (const { seriesKey, value } of points) {
      const seriesId = this.idByKey.get(seriesKey);
      if (seriesId === undefined) {
        livePointsDropped.inc({ reason: 'unknown_series' });
        continue;
      }
      const live: LivePoint = { seriesId, seriesKey, ts: batch.ts, value, snapshot: false };
      publisher.publish({ topic: liveTopicFor(seriesId), payload: { live } });
      published++;
    }
    if (published > 0) {
      livePointsPublished.inc(published);
      eventsFannedOut.inc({ kind: 'live' }, published);
    }
  }

  private async resolveKeys(keys: string[]): Promise<void> {
    const now = Date.now();
    const waits: Promise<void>[] = [];
    const missing: string[] = [];
    for (const key of new Set(keys)) {
      if (this.idByKey.has(key)) continue;
      const pending = this.inFlight.get(key);
      if (pending) waits.push(pending);
      else if ((this.unknownUntil.get(key) ?? 0) <= now) missing.push(key);
    }
    if (missing.length > 0) {
      const lookup = this.lookUp(missing);
      for (const key of missing) this.inFlight.set(key, lookup);
      waits.push(lookup);
    }
    await Promise.all(waits);
  }

  private async lookUp(keys: string[]): Promise<void> {
    try {
      const result = await this.db.query<{ id: string; key: string }>(LOOKUP_SQL, [keys]);
      for (const row of result.rows) this.remember(row.key, row.id);
      const retryAt = Date.now() + this.limits.unknownKeyRetryMs;
      for (const key of keys) if (!this.idByKey.has(key)) this.unknownUntil.set(key, retryAt);
      this.pruneUnknown();
    } catch (err) {
      livePointsDropped.inc({ reason: 'lookup_failed' }, keys.length);
      this.logger.warn('series key lookup failed; live points dropped', { err, keys: keys.length });
    } finally {
      for (const key of keys) this.inFlight.delete(key);
    }
  }

  private remember(key: string, id: string): void {
    this.unknownUntil.delete(key);
    this.idByKey.set(key, id);
    // Maps iterate in insertion order, so the first key is the oldest entry.
    if (this.idByKey.size > this.limits.seriesIdCacheSize) {
      const oldest = this.idByKey.keys().next().value;
      if (oldest !== undefined) this.idByKey.delete(oldest);
    }
  }

  private pruneUnknown(): void {
    if (this.unknownUntil.size <= this.limits.seriesIdCacheSize) return;
    const now = Date.now();
    for (const [key, until] of this.unknownUntil) if (until <= now) this.unknownUntil.delete(key);
  }
}
