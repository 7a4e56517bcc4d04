// Webhook delivery: JSON body signed with HMAC-SHA256 (receivers verify with the shared secret),
// retried with exponential backoff and full jitter for a bounded number of attempts. Redirects
// are not followed: a 307/308 would re-send the signed body and its signature to wherever the
// receiver (or whoever answers in its place) points, so a 3xx is a final failure naming it.
import { createHmac } from 'node:crypto';
import { OpsError } from '../../common/errors.js';
import { withRetries } from '../../common/retry.js';

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
  const host = new URL(url).host;
  const failed = (why: string, canRetry: boolean) => new OpsError('NOTIFY_WEBHOOK_FAILED', `webhook ${host} ${why}`, { canRetry });
  const once = async () => {
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(o.timeoutMs) });
    } catch (err) {
      throw failed(`failed: ${(err as Error).message}`, true);
    }
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return;
    if (res.status >= 300 && res.status < 400) {
      const to = res.headers.get('location');
      throw failed(`answered HTTP ${res.status}${to ? ` (to ${safeLocation(to, url)})` : ''}: redirects are not followed, configure the final URL`, false);
    }
    // 4xx other than 408/429 will not get better by retrying.
    throw failed(`failed: HTTP ${res.status}`, !(res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429));
  };
  const { attempts } = await withRetries(once, { ...o, jitter: 'full', canRetry: (err) => (err as OpsError).canRetry });
  return { attempts };
}
