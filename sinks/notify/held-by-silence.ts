// Anomalies whose OPEN a silence held back, waiting for the silence to be over. A silence stops at
// its end time (or when an operator expires it), and an anomaly still open then must not stay
// unpaged for ever: a sweep every few seconds pages it as if it had just opened, unless it was
// acknowledged (dropped) or something still holds it (another silence; the maintenance window it
// opened in holds it for good). Held in memory: a restart forgets them (README, Alarm operations).
import type { AnomalyEvent } from '../../schemas/types.js';
import type { DeviceFacts } from './routes.js';

export const HELD_DEFAULTS = { sweepMs: 5_000 }; // ms between checks: a page comes at most this late after the silence ends

export type HeldVerdict = 'hold' | 'page' | 'drop';

export class HeldBySilence {
  private readonly held = new Map<string, { ev: AnomalyEvent; device: DeviceFacts }>();
  private readonly timer: NodeJS.Timeout;
  private sweeping = false;

  constructor(
    private readonly verdict: (ev: AnomalyEvent, device: DeviceFacts) => HeldVerdict,
    private readonly page: (ev: AnomalyEvent, device: DeviceFacts) => Promise<void>,
    sweepMs = HELD_DEFAULTS.sweepMs,
  ) {
    this.timer = setInterval(() => void this.sweep(), sweepMs);
    this.timer.unref();
  }

  hold(ev: AnomalyEvent, device: DeviceFacts): void {
    this.held.set(ev.anomalyId, { ev, device });
  }

  /** Closed: nothing to page any more. */
  release(anomalyId: string): void {
    this.held.delete(anomalyId);
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
        const v = this.verdict(ev, device);
        if (v === 'hold') continue;
        this.held.delete(id);
        if (v === 'page') await this.page(ev, device);
      }
    } finally {
      this.sweeping = false;
    }
  }
}
