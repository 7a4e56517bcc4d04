// Request rate per token subject or API key, and before authentication per client address (a
// larger budget: several people behind one NAT), shared by every replica through Redis: a sliding
// window approximated from two fixed windows (the previous one weighted by how much of it still
// overlaps the sliding window), counted by one Lua script, so a check is one round trip and
// replicas never race. When Redis does not answer the request is let through (and counted):
// the limiter protects the API, it must not become the reason it is down.

import type { Redis } from 'ioredis';
import type { Logger } from '../../common/log.js';
import { ApiError } from '../errors.js';
import { rateLimitChecks } from '../metrics.js';
import { rateSubject, type Principal } from './principal.js';

// KEYS[1] current window counter, KEYS[2] previous window counter
// ARGV[1] window ms, ARGV[2] ms elapsed in the current window → weighted count
const SLIDING_WINDOW = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) * 2) end
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
local window = tonumber(ARGV[1])
return math.floor(previous * (window - tonumber(ARGV[2])) / window) + current`;

type ScriptedRedis = Redis & { ocSlidingWindow(current: string, previous: string, windowMs: number, elapsedMs: number): Promise<number> };

export class RateLimiter {
  private readonly redis: ScriptedRedis;

  constructor(
    redis: Redis,
    private readonly opts: { keyPrefix: string; requestsPerWindow: number; addressRequestsPerWindow: number; windowMs: number; logger: Logger },
  ) {
    this.redis = redis as ScriptedRedis;
    if (typeof this.redis.ocSlidingWindow !== 'function') this.redis.defineCommand('ocSlidingWindow', { numberOfKeys: 2, lua: SLIDING_WINDOW });
  }

  /** Counts one request of `principal`; throws LIMIT_RATE when it is over the limit. */
  async check(principal: Principal, nowMs: number = Date.now()): Promise<void> {
    await this.count(rateSubject(principal), this.opts.requestsPerWindow, principal.via === 'API_KEY' ? 'API key' : 'token', nowMs);
  }

  /** Counts one request or websocket of a client address, before it authenticates; LIMIT_RATE past the limit. */
  async checkAddress(address: string, nowMs: number = Date.now()): Promise<void> {
    await this.count(`addr:${address}`, this.opts.addressRequestsPerWindow, 'address', nowMs);
  }

  private async count(subject: string, requestsPerWindow: number, what: string, nowMs: number): Promise<void> {
    const { windowMs, keyPrefix } = this.opts;
    const index = Math.floor(nowMs / windowMs);
    const base = `${keyPrefix}rate:${subject}:`;
    let count: number;
    try {
      count = await this.redis.ocSlidingWindow(base + index, base + (index - 1), windowMs, nowMs - index * windowMs);
    } catch (err) {
      rateLimitChecks.inc({ result: 'redis_failed' });
      this.opts.logger.warn('rate limit check failed; request let through', { err });
      return;
    }
    if (count > requestsPerWindow) {
      rateLimitChecks.inc({ result: 'limited' });
      const retryAfterMs = windowMs - (nowMs - index * windowMs);
      throw new ApiError('LIMIT_RATE', `more than ${requestsPerWindow} requests in ${windowMs} ms for this ${what}; retry later`, {
        canRetry: true,
        detail: { retryAfterMs },
      });
    }
    rateLimitChecks.inc({ result: 'ok' });
  }
}
