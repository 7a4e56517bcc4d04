// The anomalies a page knows about, merged by id from a query and the live subscription, as a
// small external store (useSyncExternalStore): the ticker re-renders when the set changes, and
// charts get their markers through `markersBySeries`, never through React.
import { HOUR_MS } from '../../../common/time-units.js';

export interface Anomaly {
  anomalyId: string;
  state: 'OPEN' | 'UPDATE' | 'CLOSE';
  seriesKey: string;
  deviceId: string;
  metric: string;
  labels?: Record<string, string> | null;
  startedAt: number; // ms epoch
  ts: number; // ms epoch of the latest event
  endedAt: number | null;
  severity: string;
  score?: number | null;
  observed?: number | null;
  expected?: number | null;
  lower?: number | null;
  upper?: number | null;
  detector?: string | null;
  reason?: string | null;
  acknowledgedAt?: number | null;
  acknowledgedBy?: string | null;
  /** What holds its page back, as the API said with the latest event or query; undefined: not asked. */
  silenced?: Silenced | null;
  /** The down device it is reachable only through (parent-down suppression): not paged. */
  suppressedBy?: ParentDown | null;
  /** On a root cause's device-down anomaly: how many devices it cuts off. */
  suppressing?: number;
}

/** Anomaly.suppressedBy in the API. */
export interface ParentDown {
  deviceId: string;
  anomalyId: string | null;
}

/** A silence or the maintenance window the anomaly opened in (Anomaly.silenced in the API). */
export interface Silenced {
  kind: 'SILENCE' | 'MAINTENANCE';
  id: string;
  comment: string;
  endsAt: number | null;
}

/**
 * Whether to show the anomaly as silenced at `nowMs`: a silence only until its end time (the page
 * may come once it is over), a maintenance window for good (the anomaly opened inside it).
 */
export function silencedAt(s: Silenced | null | undefined, nowMs: number): Silenced | null {
  if (!s) return null;
  return s.kind === 'MAINTENANCE' || s.endsAt === null || s.endsAt > nowMs ? s : null;
}

export const SEVERITY_RANK: Record<string, number> = { INFO: 0, WARNING: 1, MINOR: 2, MAJOR: 3, CRITICAL: 4 };

export function isOpen(a: Pick<Anomaly, 'state' | 'endedAt'>): boolean {
  return a.state !== 'CLOSE' && a.endedAt === null;
}

export class AnomalyStore {
  private readonly byId = new Map<string, Anomaly>();
  private readonly listeners = new Set<() => void>();
  private openSorted: Anomaly[] = [];

  constructor(private readonly keepClosedMs = HOUR_MS) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Open anomalies, newest start first; a new array only when something changed. */
  getOpen = (): Anomaly[] => this.openSorted;

  get(id: string): Anomaly | undefined {
    return this.byId.get(id);
  }

  /** Merges events or rows; an older event never overwrites a newer one of the same anomaly. */
  upsert(items: readonly Anomaly[]): void {
    let changed = false;
    for (const a of items) {
      const known = this.byId.get(a.anomalyId);
      if (known && known.ts > a.ts) continue;
      // Acknowledgement is kept by the API, not by the event stream: keep what we know.
      this.byId.set(a.anomalyId, {
        ...a,
        acknowledgedAt: a.acknowledgedAt ?? known?.acknowledgedAt ?? null,
        acknowledgedBy: a.acknowledgedBy ?? known?.acknowledgedBy ?? null,
        silenced: a.silenced !== undefined ? a.silenced : known?.silenced,
        suppressedBy: a.suppressedBy !== undefined ? a.suppressedBy : known?.suppressedBy,
        suppressing: a.suppressing ?? known?.suppressing,
      });
      changed = true;
    }
    if (changed) this.changed();
  }

  acknowledged(id: string, by: string, atMs: number): void {
    const a = this.byId.get(id);
    if (!a) return;
    this.byId.set(id, { ...a, acknowledgedAt: atMs, acknowledgedBy: by });
    this.changed();
  }

  /** Forgets anomalies that closed long ago, so a wall running for weeks stays small. */
  prune(nowMs: number): void {
    let changed = false;
    for (const [id, a] of this.byId) {
      if (a.endedAt !== null && a.endedAt < nowMs - this.keepClosedMs) {
        this.byId.delete(id);
        changed = true;
      }
    }
    if (changed) this.changed();
  }

  markersBySeries(): Map<string, Array<{ startMs: number; endMs: number | null; severity: string }>> {
    const out = new Map<string, Array<{ startMs: number; endMs: number | null; severity: string }>>();
    for (const a of this.byId.values()) {
      let list = out.get(a.seriesKey);
      if (!list) out.set(a.seriesKey, (list = []));
      list.push({ startMs: a.startedAt, endMs: isOpen(a) ? null : (a.endedAt ?? a.ts), severity: a.severity });
    }
    return out;
  }

  private changed(): void {
    this.openSorted = [...this.byId.values()].filter(isOpen).sort((x, y) => y.startedAt - x.startedAt || (SEVERITY_RANK[y.severity] ?? 0) - (SEVERITY_RANK[x.severity] ?? 0));
    for (const l of this.listeners) l();
  }
}
