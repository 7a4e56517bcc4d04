// Escalation: an OPEN page that nobody acknowledged within the route's delay is paged again to the
// route's second route, once. An acknowledgement (alarm.operations) or the anomaly's CLOSE before
// the deadline cancels it. Deadlines are wall-clock from the page, held in memory: a notifier
// restart forgets the pending ones (said in README's Alarm operations).
import type { AnomalyEvent } from '../../schemas/types.js';
import type { DeviceFacts, Route } from './routes.js';

export interface EscalationDue {
  ev: AnomalyEvent;
  from: Route;
  to: Route;
  device: DeviceFacts;
}

export class Escalations {
  private readonly timers = new Map<string, NodeJS.Timeout[]>(); // anomalyId → pending timers

  constructor(
    private readonly routes: ReadonlyMap<string, Route>,
    private readonly fire: (due: EscalationDue) => Promise<void>,
  ) {}

  /** After `from` paged this OPEN: escalate later, when the route has a policy. */
  schedule(ev: AnomalyEvent, from: Route, device: DeviceFacts): void {
    const policy = from.escalation;
    const to = policy && this.routes.get(policy.to);
    if (!policy || !to) return;
    const timer = setTimeout(() => {
      this.forget(ev.anomalyId, timer);
      void this.fire({ ev, from, to, device });
    }, policy.afterMs);
    this.timers.set(ev.anomalyId, [...(this.timers.get(ev.anomalyId) ?? []), timer]);
  }

  /** Acknowledged or closed: nothing more to escalate. Returns how many were pending. */
  cancel(anomalyId: string): number {
    const pending = this.timers.get(anomalyId) ?? [];
    for (const t of pending) clearTimeout(t);
    this.timers.delete(anomalyId);
    return pending.length;
  }

  pending(): number {
    let n = 0;
    for (const list of this.timers.values()) n += list.length;
    return n;
  }

  stop(): void {
    for (const id of [...this.timers.keys()]) this.cancel(id);
  }

  private forget(anomalyId: string, timer: NodeJS.Timeout): void {
    const left = (this.timers.get(anomalyId) ?? []).filter((t) => t !== timer);
    if (left.length) this.timers.set(anomalyId, left);
    else this.timers.delete(anomalyId);
  }
}
