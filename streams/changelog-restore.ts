// Restores per-key state from a compacted changelog topic, for the partitions a member was just
// assigned: a consumer outside any group, assigned those partitions from their start, reads
// read_committed up to each partition's end (librdkafka's partition EOF, which for read_committed
// is the last stable offset).
//
// Why the end it reads to is the right one: the runtime restores only after its fetch of the
// group's committed offsets has returned, and librdkafka asks for stable offsets (KIP-447's
// require_stable) when it reads committed: the broker answers only once no transaction holding
// offsets of those partitions is still open. So every transaction of a previous owner that will
// ever commit has committed; one still open is a zombie's that can no longer commit its offsets
// (fenced by the group generation) and will abort, and its records are never part of the state.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../common/log.js';
import { OpsError } from '../common/errors.js';
import { Kafka, attachLogger, call, commonConfig, type KafkaSecurity, type NativeConsumer } from './kafka-client.js';
import { OFFSET_BEGINNING, keyText } from './consume-loop.js';
import { jsonChangelogCodec, type ChangelogCodec } from './state-codec.js';

/** Keys of bookkeeping records earlier versions wrote to the changelog (restore sentinels, input
 * positions): they start with NUL, which no state key does, and are ignored. */
const INTERNAL_KEY_PREFIX = '\u0000';
const RESTORE_BATCH = 5_000;

export async function restorePartitions<S>(opts: {
  brokers: string[];
  security?: KafkaSecurity;
  clientId: string;
  topic: string;
  partitions: number[];
  logger: Logger;
  timeoutMs?: number;
  /** How the records decode into states (default: one JSON record per key). */
  codec?: ChangelogCodec<S>;
}): Promise<Map<number, Map<string, S>>> {
  if (opts.partitions.length === 0) return new Map();
  const codec = opts.codec ?? jsonChangelogCodec<S>();
  // Raw values first, decoded once the partition is read to its end: a codec may spread a key's
  // state over several records, and only the latest value of each record key counts.
  const raw = new Map<number, Map<string, Buffer>>(opts.partitions.map((p) => [p, new Map()]));
  const pending = new Set(opts.partitions);
  const consumer: NativeConsumer = new Kafka.KafkaConsumer(
    {
      ...commonConfig({ brokers: opts.brokers, security: opts.security, clientId: `${opts.clientId}-restore`, logger: opts.logger }),
      'group.id': `restore-${randomUUID()}`, // required by the client; never joined (assign only)
      'enable.auto.commit': false,
      'isolation.level': 'read_committed',
      'enable.partition.eof': true,
      'max.partition.fetch.bytes': 8 * 1024 * 1024,
    } as never,
    {},
  );
  attachLogger(consumer, opts.logger);
  consumer.setDefaultConsumeTimeout(500);
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  await call((cb) => consumer.connect({ timeout: 10_000 }, cb as never));
  try {
    consumer.assign(opts.partitions.map((partition) => ({ topic: opts.topic, partition, offset: OFFSET_BEGINNING })));
    consumer.on('partition.eof', (e) => pending.delete(e.partition));
    while (pending.size > 0) {
      if (Date.now() > deadline) throw new OpsError('KAFKA_UNAVAILABLE', `restore of ${opts.topic} partitions ${[...pending].join(',')} did not reach their end within ${timeoutMs} ms`, { canRetry: true });
      const messages = await new Promise<{ partition: number; key?: unknown; value: Buffer | null }[]>((resolve, reject) =>
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- librdkafka's errors are plain objects, read as they are
        consumer.consume(RESTORE_BATCH, (err, m) => (err ? reject(err) : resolve((m ?? [])))),
      );
      for (const m of messages) {
        const records = raw.get(m.partition);
        if (!records) continue;
        const key = keyText(m.key as never) ?? '';
        if (key.startsWith(INTERNAL_KEY_PREFIX)) continue;
        if (m.value === null) records.delete(key);
        else records.set(key, m.value);
      }
    }
  } finally {
    await call((cb) => consumer.disconnect(cb as never)).catch(() => undefined);
  }
  return new Map([...raw].map(([p, records]) => [p, codec.decode(records)]));
}
