// The notifications this receiver has published recently, by dedup key: a re-sent inform (its
// acknowledgement was lost) or a datagram duplicated on the way is published once. Bounded by
// time (the window) and by count, so a flood cannot grow it without limit.

export class RecentNotifications {
  private readonly seen = new Map<string, number>(); // key → time first seen, insertion-ordered

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries = 100_000,
  ) {}

  /** True when `key` was recorded within the window before `now`. */
  has(key: string, now: number): boolean {
    this.expire(now);
    const at = this.seen.get(key);
    return at !== undefined && now - at < this.windowMs;
  }

  /** Records `key` as published at `now`. */
  add(key: string, now: number): void {
    if (this.windowMs === 0) return;
    this.seen.delete(key); // re-inserted last: the map stays in time order
    this.seen.set(key, now);
    if (this.seen.size > this.maxEntries) this.seen.delete(this.seen.keys().next().value!);
  }

  private expire(now: number): void {
    for (const [key, at] of this.seen) {
      if (now - at < this.windowMs) return; // insertion order is time order
      this.seen.delete(key);
    }
  }
}
