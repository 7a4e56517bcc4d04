// Freshness of a NetBox webhook event. NetBox signs the body (X-Hook-Signature), and the body
// holds the event's `timestamp`, so a captured event can be neither altered nor re-dated; what
// is left to refuse is sending it again. An event is accepted once, and only within maxAgeMs of
// its timestamp (either side: clocks differ); one seen before within that window is a replay.
// A replay is recognised by the SHA-256 of the whole body (a replay is byte for byte the captured
// event, anything else fails the signature). Digests are forgotten once their event is too old to
// be accepted anyway; past `maxRemembered`, the oldest are forgotten early and everything at
// least as old as them is refused as stale, so memory stays bounded without reopening a window.
// The memory is per process: run one receiver (or accept that replicas do not share it).

import { createHash } from 'node:crypto';

export type Freshness = 'fresh' | 'stale' | 'replay' | 'no-timestamp';

export const REPLAY_GUARD_DEFAULTS = {
  maxAgeMs: 300_000, // 5 min: NetBox posts within seconds of a change
  maxRemembered: 100_000, // digests kept at most (~10 MB)
};

/** NetBox writes str(timezone.now()): "2026-12-07 10:15:02.123456+00:00"; ISO 8601 is read too. */
export function parseNetboxTimestamp(value: unknown): number {
  if (typeof value !== 'string') return NaN;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(value.trim());
  if (!m) return NaN;
  const fraction = m[3] ? m[3].slice(0, 4) : '';
  const zone = !m[4] || m[4].toUpperCase() === 'Z' ? 'Z' : m[4].includes(':') ? m[4] : `${m[4].slice(0, 3)}:${m[4].slice(3)}`;
  return Date.parse(`${m[1]}T${m[2]}${fraction}${zone}`);
}

export class ReplayGuard {
  private readonly seen = new Map<string, number>(); // digest → when it may be forgotten
  private floor = 0; // events expiring at or before this were forgotten early: refused as stale
  private readonly maxAgeMs: number;
  private readonly maxRemembered: number;

  constructor(opts: Partial<typeof REPLAY_GUARD_DEFAULTS> = {}) {
    this.maxAgeMs = opts.maxAgeMs ?? REPLAY_GUARD_DEFAULTS.maxAgeMs;
    this.maxRemembered = opts.maxRemembered ?? REPLAY_GUARD_DEFAULTS.maxRemembered;
  }

  static digestOf(body: Buffer): string {
    return createHash('sha256').update(body).digest('base64');
  }

  /** Checks an event and, when fresh, remembers it; `forget` undoes that (the event was not applied). */
  admit(digest: string, eventTs: number, now = Date.now()): Freshness {
    if (!Number.isFinite(eventTs)) return 'no-timestamp';
    const expires = eventTs + this.maxAgeMs;
    if (Math.abs(now - eventTs) > this.maxAgeMs || expires <= this.floor) return 'stale';
    this.prune(now);
    if (this.seen.has(digest)) return 'replay';
    this.seen.set(digest, expires);
    return 'fresh';
  }

  forget(digest: string): void {
    this.seen.delete(digest);
  }

  get size(): number {
    return this.seen.size;
  }

  private prune(now: number): void {
    if (this.seen.size < this.maxRemembered && this.seen.size % 1024 !== 0) return;
    for (const [d, expires] of this.seen) if (expires < now) this.seen.delete(d);
    while (this.seen.size >= this.maxRemembered) {
      let oldest: [string, number] | null = null;
      for (const e of this.seen) if (!oldest || e[1] < oldest[1]) oldest = e;
      this.seen.delete(oldest![0]);
      this.floor = Math.max(this.floor, oldest![1]);
    }
  }
}
