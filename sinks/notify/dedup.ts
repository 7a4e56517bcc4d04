// "Delivered already?" memory: an in-memory LRU, and optionally Redis (SET with TTL) so a restart
// or a replay of the log does not page twice. A key is written only after a delivery succeeded.
import { Redis } from 'ioredis';
import type { Logger } from '../../common/log.js';
import { WEEK_MS } from '../../common/time-units.js';

export class Lru<V> {
  private map = new Map<string, V>();
  constructor(private max: number) {}
  get(k: string): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) { this.map.delete(k); this.map.set(k, v); }
    return v;
  }
  delete(k: string): void {
    this.map.delete(k);
  }
  set(k: string, v: V): void {
    this.map.delete(k);
    this.map.set(k, v);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
}

export interface DeliveryLog {
  seen(key: string): Promise<boolean>;
  remember(key: string): Promise<void>;
  close(): Promise<void>;
}

export const dedupDefaults = { lruSize: 50_000, redisTtlMs: WEEK_MS /* ms: longer than any replay window */ };

export function createDeliveryLog(opts: { redisUrl?: string; keyPrefix?: string; logger: Logger }): DeliveryLog {
  const lru = new Lru<true>(dedupDefaults.lruSize);
  const redis = opts.redisUrl && opts.redisUrl !== 'off' ? new Redis(opts.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false }) : undefined;
  redis?.on('error', (err) => opts.logger.warn('notifier dedup Redis error', { err: err.message }));
  const prefix = opts.keyPrefix ?? 'oc:notify:sent:';
  return {
    async seen(key) {
      if (lru.get(key)) return true;
      if (!redis) return false;
      try {
        if ((await redis.exists(prefix + key)) === 1) { lru.set(key, true); return true; }
      } catch (err) {
        // Redis down: better a rare duplicate page than a lost one.
        opts.logger.warn('notifier dedup lookup failed; delivering', { err: (err as Error).message });
      }
      return false;
    },
    async remember(key) {
      lru.set(key, true);
      if (redis) await redis.set(prefix + key, '1', 'PX', dedupDefaults.redisTtlMs).catch((err: Error) => opts.logger.warn('notifier dedup store failed', { err: err.message }));
    },
    async close() {
      await redis?.quit().catch(() => undefined);
    },
  };
}
