// Poll scheduling. Each device gets a fixed phase inside the interval derived from its id, so
// 10,000 devices at 60 s spread evenly instead of bursting, and a device keeps its phase when it
// moves between collectors. Concurrency is bounded; a slow or dead device occupies one slot until
// its own timeout and never delays the others' schedule; a device still being polled when its
// next turn comes is skipped (counted), never polled twice at once.
import { createHash } from 'node:crypto';
import client from 'prom-client';

const overruns = new client.Counter({ name: 'oc_collector_poll_overruns_total', help: 'turns skipped because the previous poll of the device was still running', labelNames: ['protocol'] });
const queued = new client.Gauge({ name: 'oc_collector_polls_waiting', help: 'polls due but waiting for a concurrency slot', labelNames: ['protocol'] });
const scheduled = new client.Gauge({ name: 'oc_collector_devices_scheduled', help: 'devices this collector polls', labelNames: ['protocol'] });

export const SCHEDULER_DEFAULTS = {
  /** A device new to this collector is first polled within this long (or half an interval, if shorter). */
  adoptSpreadMs: 5_000,
};

export function phaseOf(id: string, intervalMs: number): number {
  return createHash('sha1').update(id).digest().readUInt32BE(0) % intervalMs;
}

/** The first time ≥ now at which a device with this phase is due. */
export function nextDue(now: number, phase: number, intervalMs: number): number {
  return Math.ceil((now - phase) / intervalMs) * intervalMs + phase;
}

interface Entry<T> {
  item: T;
  phase: number; // phaseOf(id): a SHA-1 per poll cost ~1.5 % of a collector's CPU when recomputed at every turn
  timer?: NodeJS.Timeout;
  running: boolean;
  lastFired?: number;
}

export class PollScheduler<T> {
  private entries = new Map<string, Entry<T>>();
  private active = 0;
  private waiting: (() => void)[] = [];
  private stopped = false;

  constructor(
    private readonly opts: { protocol: string; intervalMs: number; concurrency: number; poll: (item: T, dueAt: number) => Promise<void> },
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Adds or replaces a target; a replaced one keeps its phase and running state. */
  upsert(id: string, item: T): void {
    const e = this.entries.get(id);
    if (e) {
      e.item = item;
      return;
    }
    const entry: Entry<T> = { item, phase: phaseOf(id, this.opts.intervalMs), running: false };
    this.entries.set(id, entry);
    this.arm(id, entry, true);
    scheduled.set({ protocol: this.opts.protocol }, this.entries.size);
  }

  remove(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    clearTimeout(e.timer);
    this.entries.delete(id);
    scheduled.set({ protocol: this.opts.protocol }, this.entries.size);
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  /** Stops scheduling and waits for polls in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const e of this.entries.values()) clearTimeout(e.timer);
    const released = this.waiting.splice(0);
    this.active += released.length; // each was owed a slot; it gives it back as it returns
    released.forEach((release) => release());
    while (this.active > 0) await new Promise((r) => setTimeout(r, 20));
  }

  /**
   * A device new to this collector (at start, or moved here by a rebalance) is polled within
   * adoptSpreadMs (half an interval if that is shorter), spread by its phase, rather than at its
   * next grid slot up to a whole interval away. Its previous owner may have polled it up to an
   * interval before the move, so the gap is at most an interval plus the rebalance plus this
   * spread (half an interval was 45-49 s at 30 s polls, over the session timeout + interval the
   * scaling proof allows). Bursts of adoptions queue behind the concurrency bound. Afterwards the
   * device keeps its grid, skipping a slot that would come less than half an interval after the
   * adoption poll.
   */
  private arm(id: string, entry: Entry<T>, adopted = false): void {
    if (this.stopped) return;
    const { intervalMs } = this.opts;
    const now = Date.now();
    const { phase } = entry;
    let due = nextDue(now + 1, phase, intervalMs);
    if (adopted) due = Math.min(due, now + (phase % Math.max(1, Math.floor(Math.min(intervalMs / 2, SCHEDULER_DEFAULTS.adoptSpreadMs)))));
    else if (entry.lastFired !== undefined && due - entry.lastFired < intervalMs / 2) due += intervalMs;
    entry.timer = setTimeout(() => this.fire(id, entry, due), due - now);
  }

  private fire(id: string, entry: Entry<T>, due: number): void {
    if (this.entries.get(id) !== entry || this.stopped) return;
    entry.lastFired = due;
    this.arm(id, entry);
    if (entry.running) {
      overruns.inc({ protocol: this.opts.protocol });
      return;
    }
    entry.running = true;
    void this.withSlot(() => this.opts.poll(entry.item, due)).finally(() => (entry.running = false));
  }

  private async withSlot(fn: () => Promise<void>): Promise<void> {
    if (this.active >= this.opts.concurrency) {
      queued.inc({ protocol: this.opts.protocol });
      await new Promise<void>((r) => this.waiting.push(r)); // the finishing poll hands its slot over
      queued.dec({ protocol: this.opts.protocol });
    } else this.active++;
    try {
      if (!this.stopped) await fn();
    } catch {
      // poll functions report their own failures; a throw must not stop the schedule
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
