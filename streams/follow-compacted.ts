// Holding a topic's state in memory: read it from its beginning in a group of this process's own
// (a random suffix; stateless, so never committed and every member reads every partition), up to
// the end offsets taken at start (catch-up.ts), then on for as long as the follower runs. The
// inventory, the links, the alarm operations and the outages are each followed by several
// components; here once, so "ready" means the same everywhere: what the topic held at start is
// applied, and the member holds its partitions.
import { randomBytes } from 'node:crypto';
import type { InRecord, Streams } from './index.js';
import { catchUpTo, type CatchUp } from './catch-up.js';
import type { ErrorCode } from '../common/errors.js';

export interface FollowOptions<T> {
  /** The group's name; a random suffix makes it this process's own. */
  group: string;
  /** Each keyed record in order (value null: a tombstone). A compacted topic keeps no record without key. */
  onRecord(key: string, value: T | null, record: InRecord): void;
  /** After each batch's records (work worth doing once a batch, not once a record). */
  onBatch?(): void;
  /** How long reading what the topic held at start may take, and the code of the error when longer. */
  catchUp: { ms: number; code: ErrorCode };
  /**
   * The topic is written in transactions: a partition whose last transaction aborted ends in
   * records no reader is handed, so "read to the end" also means no record for idleMs.
   */
  transactional?: { idleMs: number };
}

export interface Follower {
  /** Resolves once what the topic held at start is applied; rejects after catchUp.ms (the caller awaits it or not). */
  caughtUp: Promise<void>;
  /** Caught up (late counts too) and the member holds its partitions. */
  isReady(): boolean;
  stop(): Promise<void>;
}

type FollowStreams = Pick<Streams, 'consumer' | 'admin'>;

/** How often a transactional topic is checked for the quiet that ends its catch-up. */
const IDLE_CHECK_MS = 1_000;

/** Follows `topic` from its beginning; returns once the consumer started, before it caught up. */
export async function followCompacted<T>(streams: FollowStreams, topic: string, opts: FollowOptions<T>): Promise<Follower> {
  const progress = await catchUpTo(streams.admin, topic, opts.catchUp, { transactional: opts.transactional !== undefined });
  return follow(streams, topic, opts, progress);
}

/** The topic as it was at start, latest value per key, read once (the consumer stops after). */
export async function readCompacted<T>(streams: FollowStreams, topic: string, opts: Pick<FollowOptions<T>, 'group' | 'catchUp'>): Promise<Map<string, T>> {
  const current = new Map<string, T>();
  const progress = await catchUpTo(streams.admin, topic, opts.catchUp);
  if (progress.empty) return current; // nothing to read: no member to start
  const reader = await follow(streams, topic, { ...opts, onRecord: intoMap(current) }, progress);
  try {
    await reader.caughtUp;
  } finally {
    await reader.stop();
  }
  return current;
}

/** An onRecord that keeps `map` equal to the topic: latest value per key (through `of`), a tombstone deletes. */
export function intoMap<T, V = T>(map: Map<string, V>, of: (value: T) => V = (v) => v as unknown as V): (key: string, value: T | null) => void {
  return (key, value) => {
    if (value === null) map.delete(key);
    else map.set(key, of(value));
  };
}

async function follow<T>(streams: FollowStreams, topic: string, opts: FollowOptions<T>, progress: CatchUp): Promise<Follower> {
  let lastBatchAt = Date.now();
  const consumer = streams.consumer({
    groupId: `${opts.group}-${randomBytes(4).toString('hex')}`,
    topics: [topic],
    stateless: true,
    fromBeginning: true,
    handler: async (records) => {
      lastBatchAt = Date.now();
      for (const r of records) {
        if (r.key) opts.onRecord(r.key, r.value as T | null, r);
        progress.seen(r);
      }
      opts.onBatch?.();
    },
    // A record dead-lettered (undecodable) at the end of a partition never reaches the handler.
    onPassed: (_topic, partition, offset) => progress.seen({ partition, offset }),
  });
  await consumer.start();
  let idle: NodeJS.Timeout | undefined;
  if (opts.transactional) {
    const { idleMs } = opts.transactional;
    idle = setInterval(() => {
      if (consumer.isReady() && Date.now() - lastBatchAt > idleMs) progress.finish();
    }, IDLE_CHECK_MS);
    idle.unref();
    void progress.caughtUp.finally(() => clearInterval(idle)).catch(() => undefined);
  }
  return {
    caughtUp: progress.caughtUp,
    isReady: () => progress.reached() && consumer.isReady(),
    stop: async () => {
      clearInterval(idle);
      await consumer.stop();
    },
  };
}
