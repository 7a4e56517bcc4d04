// The plain layout's housekeeping (maintenance.ts) every `everyMs`, one round at a time, on a
// connection of the caller's (`run` retries a lost connection; the sink hands its PgSession's).
// The first round is awaited before the first batch, so today's and the next days' partitions exist.
import type { Logger } from '../common/log.js';
import type { Queryable } from './migrations.js';
import { runMaintenance } from './maintenance.js';
import type { StoragePolicy } from './storage-policy.js';

export type RunOnConnection = <T>(what: string, work: (db: Queryable) => Promise<T>, o: { shouldStop: () => boolean }) => Promise<T>;

export interface MaintenanceLoop {
  start(): void;
  /** The round under way (the first, right after start). */
  first(): Promise<void>;
  stop(): Promise<void>;
}

export function maintenanceLoop(run: RunOnConnection, policy: StoragePolicy, everyMs: number, logger: Logger): MaintenanceLoop {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = run('storage maintenance', (db) => runMaintenance(db, policy), { shouldStop: () => stopped })
      .then((r) => {
        if (r.created.length || r.dropped.length || r.refreshedHours) logger.info('storage maintenance', { ...r, created: r.created.length });
      })
      .catch((err) => logger.warn('storage maintenance failed; next round retries', { err }))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, everyMs);
      });
  };
  return {
    start: () => tick(),
    first: () => running,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
