// Escalation: an OPEN page that nobody acknowledged within the route's delay is paged again to the
// route's second route, once. An acknowledgement (alarm.operations) or the anomaly's CLOSE before
// the deadline cancels it. Deadlines are wall-clock from the page. With Redis they survive a
// restart (pending-store.ts): reloaded at start, an overdue one fires after `restoreGraceMs`,
// time for the CLOSE or acknowledgement that came while the notifier was away to be read first.
import type { AnomalyEvent } from '../../schemas/types.js';
import type { DeviceFacts, Route } from './routes.js';
import type { PendingStore } from './pending-store.js';

// ms an overdue item reloaded at start waits: a CLOSE or acknowledgement read first settles it
export const RESTORE_DEFAULTS = { graceMs: 30_000 };

export interface StoredEscalation {
  ev: AnomalyEvent;
  from: string;
  to: string;
  device: DeviceFacts;
  /** ms epoch (wall clock) the escalation is due. */
  dueAt: number;
}

const field = (anomalyId: string, from: string) => `${anomalyId}|${from}`;

export interface EscalationDue {
  ev: AnomalyEvent;
  from: Route;
  to: Route;
  device: DeviceFacts;
}

export class Escalations {
  private readonly timers = new Map<string, Map<string, NodeJS.Timeout>>(); // anomalyId → route that paged → timer

  constructor(
    private readonly routes: ReadonlyMap<string, Route>,
    private readonly fire: (due: EscalationDue) => Promise<void>,
    private readonly store?: PendingStore<StoredEscalation>,
    private readonly restoreGraceMs = RESTORE_DEFAULTS.graceMs,
  ) {}

  /** After `from` paged this OPEN: escalate later, when the route has a policy. */
  schedule(ev: AnomalyEvent, from: Route, device: DeviceFacts): void {
    const policy = from.escalation;
    if (!policy || !this.routes.get(policy.to)) return;
    const dueAt = Date.now() + policy.afterMs;
    this.arm(ev, from.name, device, dueAt);
    void this.store?.save(field(ev.anomalyId, from.name), { ev, from: from.name, to: policy.to, device, dueAt });
  }

  /** Escalations a previous run left in the store; returns how many were re-armed. */
  async restore(): Promise<number> {
    let n = 0;
    for (const e of (await this.store?.all()) ?? []) {
      if (!this.routes.get(e.from)?.escalation) continue; // the route lost its policy since
      this.arm(e.ev, e.from, e.device, Math.max(e.dueAt, Date.now() + this.restoreGraceMs));
      n++;
    }
    return n;
  }

  /** Acknowledged or closed: nothing more to escalate. Returns how many were pending here. */
  cancel(anomalyId: string): number {
    const pending = this.timers.get(anomalyId);
    for (const t of pending?.values() ?? []) clearTimeout(t);
    this.timers.delete(anomalyId);
    // Another replica may hold it (reloaded from the store): the field's removal stops it there.
    if (this.store) void this.store.remove([...this.routes.values()].filter((r) => r.escalation).map((r) => field(anomalyId, r.name)));
    return pending?.size ?? 0;
  }

  pending(): number {
    let n = 0;
    for (const byRoute of this.timers.values()) n += byRoute.size;
    return n;
  }

  /** Stops the timers; what the store holds stays for the next run. */
  stop(): void {
    for (const byRoute of this.timers.values()) for (const t of byRoute.values()) clearTimeout(t);
    this.timers.clear();
  }

  private arm(ev: AnomalyEvent, fromName: string, device: DeviceFacts, dueAt: number): void {
    const from = this.routes.get(fromName);
    const to = from?.escalation && this.routes.get(from.escalation.to);
    if (!from || !to) return;
    const byRoute = this.timers.get(ev.anomalyId) ?? new Map<string, NodeJS.Timeout>();
    if (byRoute.has(fromName)) return; // armed already (a redelivered OPEN, a reload)
    const timer = setTimeout(() => void this.due(ev, from, to, device), Math.max(0, dueAt - Date.now()));
    byRoute.set(fromName, timer);
    this.timers.set(ev.anomalyId, byRoute);
  }

  private async due(ev: AnomalyEvent, from: Route, to: Route, device: DeviceFacts): Promise<void> {
    const byRoute = this.timers.get(ev.anomalyId);
    byRoute?.delete(from.name);
    if (byRoute?.size === 0) this.timers.delete(ev.anomalyId);
    if (this.store) {
      if (!(await this.store.pending(field(ev.anomalyId, from.name)))) return; // cancelled by another replica
      await this.store.remove([field(ev.anomalyId, from.name)]);
    }
    await this.fire({ ev, from, to, device });
  }
}
