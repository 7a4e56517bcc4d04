// Restores per-key state from a compacted changelog topic, for the partitions a member was just
// assigned. kafkajs has no manual partition assignment, so a short-lived consumer of a group of
// its own reads the changelog with the partitions it does not need paused.
//
// Knowing when the restore is complete: every changelog write is transactional, so the log ends
// in control markers that read_committed consumers never see, and the high watermark cannot be
// compared with the last offset delivered. Instead the new owner first commits a sentinel record
// (fixed key, a fresh id) to each partition through its own transactional producer — which also
// fences any zombie of the previous owner and aborts its open transaction — and the restore reads
// until it meets its own sentinel.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../common/log.js';
import type { KafkaClient } from './kafka-client.js';
import { jsonChangelogCodec, type ChangelogCodec } from './state-codec.js';

export const SENTINEL_KEY = '\u0000restore-sentinel';
/** The key of the record holding, per input topic, the next offset the group is to process:
 * written in every transaction beside the state it produced, so it is committed exactly when that
 * state and those outputs are (one per group: groups may share a changelog topic). */
const POSITIONS_PREFIX = '\u0000input-positions:';
export const positionsKey = (groupId: string) => `${POSITIONS_PREFIX}${groupId}`;

/** Input topic → next offset to process, as committed in the changelog. */
export type InputPositions = Map<string, bigint>;

export function encodePositions(positions: InputPositions): Buffer {
  return Buffer.from(JSON.stringify(Object.fromEntries([...positions].map(([t, o]) => [t, o.toString()]))));
}

function decodePositions(value: Buffer): InputPositions {
  return new Map(Object.entries(JSON.parse(value.toString('utf8')) as Record<string, string>).map(([t, o]) => [t, BigInt(o)]));
}

export interface RestoredPartition<S> {
  states: Map<string, S>;
  positions: InputPositions;
}

export async function restorePartitions<S>(opts: {
  kafka: KafkaClient;
  topic: string;
  partitions: number[];
  /** Commits `{key: SENTINEL_KEY, value: id}` to the partition, transactionally. */
  writeSentinel(partition: number, id: string): Promise<void>;
  logger: Logger;
  timeoutMs?: number;
  /** How the records decode into states (default: one JSON record per key). */
  codec?: ChangelogCodec<S>;
  /** The group whose input positions to restore. */
  groupId: string;
}): Promise<Map<number, RestoredPartition<S>>> {
  // Raw values first, decoded once the partition is read to its end: a codec may spread a key's
  // state over several records, and only the latest value of each record key counts.
  const raw = new Map<number, Map<string, Buffer>>(opts.partitions.map((p) => [p, new Map()]));
  const codec = opts.codec ?? jsonChangelogCodec<S>();
  if (opts.partitions.length === 0) return new Map();
  // Side by side: each is a transaction of its own producer (several round trips on a cluster).
  const sentinels = new Map<number, string>(opts.partitions.map((p) => [p, randomUUID()]));
  await Promise.all([...sentinels].map(([p, id]) => opts.writeSentinel(p, id)));
  const wanted = new Set(opts.partitions);
  const pending = new Set(opts.partitions);
  const consumer = opts.kafka.consumer({ groupId: `restore-${randomUUID()}`, readUncommitted: false, allowAutoTopicCreation: false, maxBytesPerPartition: 8 * 1024 * 1024 });
  let finish!: () => void;
  let fail!: (e: Error) => void;
  const done = new Promise<void>((resolve, reject) => ((finish = resolve), (fail = reject)));
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    const parts = (e.payload.memberAssignment[opts.topic] ?? []) as number[];
    const others = parts.filter((p) => !wanted.has(p));
    if (others.length > 0) consumer.pause([{ topic: opts.topic, partitions: others }]);
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: opts.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        const records = raw.get(batch.partition);
        if (!records || !pending.has(batch.partition)) return;
        for (const m of batch.messages) {
          const key = m.key?.toString('utf8') ?? '';
          if (key === SENTINEL_KEY) {
            if (m.value?.toString('utf8') === sentinels.get(batch.partition)) pending.delete(batch.partition);
            continue;
          }
          if (m.value === null) records.delete(key);
          else records.set(key, m.value);
        }
        await heartbeat();
        if (pending.size === 0) finish();
      },
    });
    const timer = setTimeout(() => fail(new Error(`restore of ${opts.topic} partitions ${[...pending].join(',')} did not reach its sentinel within ${opts.timeoutMs ?? 120_000} ms`)), opts.timeoutMs ?? 120_000);
    await done.finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
  }
  return new Map(
    [...raw].map(([p, records]) => {
      const positions = records.get(positionsKey(opts.groupId));
      for (const key of records.keys()) if (key.startsWith(POSITIONS_PREFIX)) records.delete(key); // this group's and others'
      return [p, { states: codec.decode(records), positions: positions ? decodePositions(positions) : new Map() }];
    }),
  );
}
