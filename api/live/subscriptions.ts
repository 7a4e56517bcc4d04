// Subscription plumbing shared by live, anomalies and health: the per-connection limit, the
// open-subscriptions gauge, snapshot values delivered before the stream, and a filter over the
// stream. The returned iterator hands return() to the pubsub queue at once, so an unsubscribe
// frees its topics even while no event is pending.

import { ApiError } from '../errors.js';
import { requireAuth, type ApiContext } from '../graphql/context.js';
import { errorsByCode, subscriptionsOpen } from '../metrics.js';

export interface SubscriptionCounter {
  open: number;
}

export interface PubSubLike {
  subscribe(topics: string | string[]): Promise<AsyncIterable<unknown>>;
}

export async function openSubscription<T>(opts: {
  field: string;
  pubsub: PubSubLike;
  topics: string[];
  counter: SubscriptionCounter | undefined;
  limit: number;
  snapshot?: T[];
  accept?: (payload: T) => boolean;
}): Promise<AsyncIterableIterator<T>> {
  const { counter } = opts;
  if (counter && counter.open >= opts.limit) {
    throw new ApiError('LIMIT_SUBSCRIPTIONS', `at most ${opts.limit} subscriptions per connection`, { detail: { limit: opts.limit } });
  }
  const queue = (await opts.pubsub.subscribe(opts.topics))[Symbol.asyncIterator]() as AsyncIterator<T>;
  // The caller may still fill the snapshot after this returns (it subscribes first, then reads
  // the cache, so nothing is lost in between): the array is used as it is, not copied.
  const pending = opts.snapshot ?? [];
  let closed = false;
  if (counter) counter.open++;
  subscriptionsOpen.inc({ field: opts.field });
  const close = () => {
    if (closed) return;
    closed = true;
    if (counter) counter.open--;
    subscriptionsOpen.dec({ field: opts.field });
  };
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      if (closed) return { done: true, value: undefined };
      const first = pending.shift();
      if (first !== undefined) return { done: false, value: first };
      for (;;) {
        const r = await queue.next();
        if (r.done) {
          close();
          return r;
        }
        if (!opts.accept || opts.accept(r.value)) return r;
      }
    },
    async return() {
      close();
      await queue.return?.();
      return { done: true, value: undefined };
    },
    async throw(err?: unknown) {
      close();
      await queue.return?.();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** Runs a subscription's set-up as the authenticated caller; any error leaves as a coded ApiError
 * (mercurius sends subscription errors without the formatter). */
export async function guarded<T>(ctx: ApiContext, what: string, work: () => Promise<T>): Promise<T> {
  try {
    requireAuth(ctx);
    return await work();
  } catch (err) {
    const coded = err instanceof ApiError ? err : new ApiError('INTERNAL', 'internal error', { cause: err });
    if (coded !== err) ctx.logger.error(`${what} subscription failed`, { err });
    errorsByCode.inc({ code: coded.code });
    throw coded;
  }
}
