// Exponential backoff with jitter, in one place: webhook and e-mail deliveries, the sink's
// PostgreSQL session. Jitter matters more than the curve: replicas that failed together (a relay
// restart, a database failover) must not come back together.

export interface Backoff {
  baseDelayMs: number; // the first retry waits up to this
  maxDelayMs: number; // the wait stops growing here
  /** full: anywhere in [0, cap] (spreads most); equal: in [cap/2, cap] (never retries at once). */
  jitter?: 'full' | 'equal';
}

/** How long to wait before retry number `retry` (0 for the first retry). */
export function backoffDelayMs(retry: number, b: Backoff): number {
  const cap = Math.min(b.maxDelayMs, b.baseDelayMs * 2 ** Math.min(retry, 30));
  return (b.jitter ?? 'full') === 'full' ? Math.random() * cap : cap / 2 + Math.random() * (cap / 2);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it succeeds, `canRetry` says its failure is final, or `attempts` are spent;
 * then throws the last failure. Resolves with the value and how many attempts it took.
 */
export async function withRetries<T>(attempt: (n: number) => Promise<T>, o: Backoff & { attempts: number; canRetry: (err: unknown) => boolean }): Promise<{ value: T; attempts: number }> {
  for (let n = 1; ; n++) {
    try {
      return { value: await attempt(n), attempts: n };
    } catch (err) {
      if (n >= o.attempts || !o.canRetry(err)) throw err;
      await sleep(backoffDelayMs(n - 1, o));
    }
  }
}
