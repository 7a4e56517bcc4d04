// Webhook delivery: JSON body signed with HMAC-SHA256 (receivers verify with the shared secret),
// retried with exponential backoff and full jitter for a bounded number of attempts. Redirects
// are not followed: a 307/308 would re-send the signed body and its signature to wherever the
// receiver (or whoever answers in its place) points, so a 3xx is a final failure naming it.
import { createHmac } from 'node:crypto';
import { OpsError } from '../../common/errors.js';

export const webhookDefaults = {
  attempts: 5,
  baseDelayMs: 200, // ms, doubled per attempt
  maxDelayMs: 10_000, // ms
  timeoutMs: 5_000, // ms per request
};

export function signBody(body: string, secret: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

/** Where a redirect points, without its query (it may carry tokens), for the error message. */
function safeLocation(location: string, base: string): string {
  try {
    const u = new URL(location, base);
    return `${u.protocol}//${u.host}${u.pathname}`.slice(0, 200);
  } catch {
    return 'an unparsable location';
  }
}

export async function postSigned(url: string, secret: string, payload: unknown, opts: Partial<typeof webhookDefaults> & { idempotencyKey?: string } = {}): Promise<{ attempts: number }> {
  const o = { ...webhookDefaults, ...opts };
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-opsconductor-signature': signBody(body, secret) };
  if (opts.idempotencyKey) headers['x-opsconductor-delivery'] = opts.idempotencyKey;
  let last = '';
  for (let attempt = 1; attempt <= o.attempts; attempt++) {
    try {
      const res = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(o.timeoutMs) });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { attempts: attempt };
      if (res.status >= 300 && res.status < 400) {
        const to = res.headers.get('location');
        throw new OpsError('NOTIFY_WEBHOOK_FAILED', `webhook ${new URL(url).host} answered HTTP ${res.status}${to ? ` (to ${safeLocation(to, url)})` : ''}: redirects are not followed, configure the final URL`, { canRetry: false });
      }
      last = `HTTP ${res.status}`;
      // 4xx other than 408/429 will not get better by retrying.
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) break;
    } catch (err) {
      if (err instanceof OpsError) throw err; // a redirect: final
      last = (err as Error).message;
    }
    if (attempt < o.attempts) {
      const cap = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (attempt - 1));
      await new Promise((r) => setTimeout(r, Math.random() * cap));
    }
  }
  throw new OpsError('NOTIFY_WEBHOOK_FAILED', `webhook ${new URL(url).host} failed: ${last}`, { canRetry: true });
}
