// Pending escalations kept in Redis (when the notifier has one), so a restart does not forget
// them: one hash, a field per (anomalyId, route that paged). Whoever cancels one (the replica that
// read the CLOSE, or any replica that read the acknowledgement) deletes the field, and a timer
// fires only if its field is still there, so replicas that reloaded the same entry cannot escalate
// an anomaly that was closed meanwhile. A Redis failure falls back to memory alone: better a
// forgotten escalation after a restart than no page now.
import { Redis } from 'ioredis';
import type { Logger } from '../../common/log.js';
import type { AnomalyEvent } from '../../schemas/types.js';
import type { DeviceFacts } from './routes.js';

export interface StoredEscalation {
  ev: AnomalyEvent;
  from: string;
  to: string;
  device: DeviceFacts;
  /** ms epoch (wall clock) the escalation is due. */
  dueAt: number;
}

export interface EscalationStore {
  save(e: StoredEscalation): Promise<void>;
  /** Still pending (not cancelled by any replica)? Unknown (Redis down): true. */
  pending(anomalyId: string, from: string): Promise<boolean>;
  remove(anomalyId: string, froms: readonly string[]): Promise<void>;
  all(): Promise<StoredEscalation[]>;
  close(): Promise<void>;
}

const field = (anomalyId: string, from: string) => `${anomalyId}|${from}`;

export function createEscalationStore(opts: { redisUrl?: string; keyPrefix?: string; logger: Logger }): EscalationStore | undefined {
  if (!opts.redisUrl || opts.redisUrl === 'off') return undefined;
  const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: 2 });
  redis.on('error', (err) => opts.logger.warn('notifier escalation Redis error', { err: err.message }));
  const key = `${opts.keyPrefix ?? 'oc:notify:'}escalations`;
  const warn = (what: string) => (err: Error) => opts.logger.warn(`notifier escalation ${what} failed; kept in memory only`, { err: err.message });
  return {
    async save(e) {
      await redis.hset(key, field(e.ev.anomalyId, e.from), JSON.stringify(e)).catch(warn('store'));
    },
    async pending(anomalyId, from) {
      return redis.hexists(key, field(anomalyId, from)).then((n) => n === 1, () => true);
    },
    async remove(anomalyId, froms) {
      if (froms.length) await redis.hdel(key, ...froms.map((f) => field(anomalyId, f))).catch(warn('delete'));
    },
    async all() {
      const entries = await redis.hvals(key).catch((err: Error) => (warn('reload')(err), [] as string[]));
      return entries.flatMap((text) => {
        try {
          return [JSON.parse(text) as StoredEscalation];
        } catch {
          return [];
        }
      });
    },
    async close() {
      await redis.quit().catch(() => undefined);
    },
  };
}
