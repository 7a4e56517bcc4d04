// Webhook delivery: JSON body signed with HMAC-SHA256 (receivers verify with the shared secret),
// retried with exponential backoff and full jitter for a bounded number of attempts.
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

export async function postSigned(url: string, secret: string, payload: unknown, opts: Partial<typeof webhookDefaults> & { idempotencyKey?: string } = {}): Promise<{ attempts: number }> {
  const o = { ...webhookDefaults, ...opts };
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-opsconductor-signature': signBody(body, secret) };
  if (opts.idempotencyKey) headers['x-opsconductor-delivery'] = opts.idempotencyKey;
  let last = '';
  for (let attempt = 1; attempt <= o.attempts; attempt++) {
    try {
      const res = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(o.timeoutMs) });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { attempts: attempt };
      last = `HTTP ${res.status}`;
      // 4xx other than 408/429 will not get better by retrying.
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) break;
    } catch (err) {
      last = (err as Error).message;
    }
    if (attempt < o.attempts) {
      const cap = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (attempt - 1));
      await new Promise((r) => setTimeout(r, Math.random() * cap));
    }
  }
  throw new OpsError('NOTIFY_WEBHOOK_FAILED', `webhook ${new URL(url).host} failed: ${last}`, { canRetry: true });
}
