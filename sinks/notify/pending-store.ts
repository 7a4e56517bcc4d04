// Work the notifier owes for later, kept in Redis (when it has one) so a restart does not forget
// it: pending escalations, anomalies a silence holds. One hash per kind, a field per item. Whoever
// settles an item (the replica that read the CLOSE, any replica that read the acknowledgement)
// deletes the field, and an item is acted on only if its field is still there, so replicas that
// reloaded the same item cannot page an anomaly that was closed meanwhile. A Redis failure falls
// back to memory alone: better an item forgotten after a restart than no page now.
import { Redis } from 'ioredis';
import type { Logger } from '../../common/log.js';

export interface PendingStore<T> {
  save(field: string, item: T): Promise<void>;
  /** Still pending (not settled by any replica)? Unknown (Redis down): true. */
  pending(field: string): Promise<boolean>;
  remove(fields: readonly string[]): Promise<void>;
  all(): Promise<T[]>;
}

export interface PendingStores {
  of<T>(kind: string): PendingStore<T>;
  close(): Promise<void>;
}

export function createPendingStores(opts: { redisUrl?: string; keyPrefix?: string; logger: Logger }): PendingStores | undefined {
  if (!opts.redisUrl || opts.redisUrl === 'off') return undefined;
  const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: 2 });
  redis.on('error', (err) => opts.logger.warn('notifier pending-work Redis error', { err: err.message }));
  return {
    of<T>(kind: string): PendingStore<T> {
      const key = `${opts.keyPrefix ?? 'oc:notify:'}${kind}`;
      const warn = (what: string) => (err: Error) => opts.logger.warn(`notifier ${kind} ${what} failed; kept in memory only`, { err: err.message });
      return {
        async save(field, item) {
          await redis.hset(key, field, JSON.stringify(item)).catch(warn('store'));
        },
        async pending(field) {
          return redis.hexists(key, field).then((n) => n === 1, () => true);
        },
        async remove(fields) {
          if (fields.length) await redis.hdel(key, ...fields).catch(warn('delete'));
        },
        async all() {
          const entries = await redis.hvals(key).catch((err: Error) => (warn('reload')(err), [] as string[]));
          return entries.flatMap((text) => {
            try {
              return [JSON.parse(text) as T];
            } catch {
              return [];
            }
          });
        },
      };
    },
    async close() {
      await redis.quit().catch(() => undefined);
    },
  };
}
