// Anomalies whose OPEN a silence (or a parent down, alarms/parent-down.ts) held back, waiting for
// it to be over. A silence stops at
// its end time (or when an operator expires it), and an anomaly still open then must not stay
// unpaged for ever: a sweep every few seconds pages it as if it had just opened, unless it was
// acknowledged (dropped) or something still holds it (another silence; the maintenance window it
// opened in holds it for good). With Redis the list survives a restart (pending-store.ts): reloaded
// at start (swept only after a grace: time to read a CLOSE that came while the notifier was away),
// and an item is paged only if no replica settled it (read its CLOSE) meanwhile.
import type { AnomalyEvent } from '../../schemas/types.js';
import type { DeviceFacts } from './routes.js';
import type { PendingStore } from './pending-store.js';

export interface HeldAnomaly {
  ev: AnomalyEvent;
  device: DeviceFacts;
}

export const HELD_DEFAULTS = { sweepMs: 5_000 }; // ms between checks: a page comes at most this late after the silence ends

export type HeldVerdict = 'hold' | 'page' | 'drop';

export class HeldBySilence {
  private readonly held = new Map<string, HeldAnomaly>();
  private readonly notBefore = new Map<string, number>(); // restored items: ms epoch of their first sweep
  private readonly timer: NodeJS.Timeout;
  private sweeping = false;

  constructor(
    private readonly verdict: (ev: AnomalyEvent, device: DeviceFacts) => HeldVerdict,
    private readonly page: (ev: AnomalyEvent, device: DeviceFacts) => Promise<void>,
    sweepMs = HELD_DEFAULTS.sweepMs,
    private readonly store?: PendingStore<HeldAnomaly>,
  ) {
    this.timer = setInterval(() => void this.sweep(), sweepMs);
    this.timer.unref();
  }

  /** notBefore: ms epoch before which it is not even looked at (a parent-down settle time). */
  hold(ev: AnomalyEvent, device: DeviceFacts, notBefore?: number): void {
    this.held.set(ev.anomalyId, { ev, device });
    if (notBefore !== undefined) this.notBefore.set(ev.anomalyId, notBefore);
    void this.store?.save(ev.anomalyId, { ev, device });
  }

  /** What a previous run left in the store; returns how many. */
  async restore(graceMs: number): Promise<number> {
    const items = (await this.store?.all()) ?? [];
    for (const item of items) {
      if (this.held.has(item.ev.anomalyId)) continue;
      this.held.set(item.ev.anomalyId, item);
      this.notBefore.set(item.ev.anomalyId, Date.now() + graceMs);
    }
    return items.length;
  }

  /** Closed: nothing to page any more. Returns whether it was held (its CLOSE is not paged either). */
  release(anomalyId: string): boolean {
    const was = this.held.delete(anomalyId);
    this.notBefore.delete(anomalyId);
    void this.store?.remove([anomalyId]);
    return was;
  }

  size(): number {
    return this.held.size;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async sweep(): Promise<void> {
    if (this.sweeping) return; // a slow delivery must not start a second sweep of the same entries
    this.sweeping = true;
    try {
      for (const [id, { ev, device }] of [...this.held]) {
        if ((this.notBefore.get(id) ?? 0) > Date.now()) continue;
        const v = this.verdict(ev, device);
        if (v === 'hold') continue;
        this.held.delete(id);
        this.notBefore.delete(id);
        if (this.store) {
          if (!(await this.store.pending(id))) continue; // closed, read by another replica
          await this.store.remove([id]);
        }
        if (v === 'page') await this.page(ev, device);
      }
    } finally {
      this.sweeping = false;
    }
  }
}
