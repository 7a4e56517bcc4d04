// The current inventory as the compacted inventory.devices topic holds it (and the links as
// inventory.links holds them): read from the start to the end offsets taken at the beginning,
// latest record per key wins, tombstones delete. A sync diffs against this, not against its own
// memory, so a restarted or second syncer still sends tombstones for devices that vanished while it
// was away. Here, beside the topics, because the collectors' NetBox sync and the API's admin tests
// both read the inventory this way.

import { randomBytes } from 'node:crypto';
import type { Logger } from '../common/log.js';
import type { Device } from '../schemas/types.js';
import type { Streams } from './index.js';
import { catchUpTo } from './catch-up.js';

export const INVENTORY_READ_DEFAULTS = { timeoutMs: 60_000 }; // ms to reach the end offsets

export function readInventoryTopic(streams: Streams, logger: Logger, timeoutMs = INVENTORY_READ_DEFAULTS.timeoutMs): Promise<Map<string, Device>> {
  return readCompactedTopic<Device>(streams, streams.topics.inventory, logger, timeoutMs);
}

/** Any compacted topic (inventory.devices, inventory.links) as its latest value per key. */
export async function readCompactedTopic<T>(streams: Streams, topic: string, logger: Logger, timeoutMs = INVENTORY_READ_DEFAULTS.timeoutMs): Promise<Map<string, T>> {
  const current = new Map<string, T>();
  const progress = await catchUpTo(streams.admin, topic, { ms: timeoutMs, code: 'INVENTORY_READ_TIMEOUT' });
  if (progress.empty) return current;
  const consumer = streams.consumer({
    groupId: `compacted-reader-${randomBytes(4).toString('hex')}`, // never committed: a throwaway member
    topics: [topic],
    stateless: true,
    fromBeginning: true,
    handler: async (records) => {
      for (const r of records) {
        if (r.key) {
          if (r.value === null) current.delete(r.key);
          else current.set(r.key, r.value as T);
        }
        progress.seen(r);
      }
    },
  });
  await consumer.start();
  try {
    await progress.caughtUp;
  } finally {
    await consumer.stop();
  }
  logger.debug('compacted topic read back', { topic, keys: current.size });
  return current;
}
