// The current inventory as the compacted inventory.devices topic holds it (and the links as
// inventory.links holds them): read from the start to the end offsets taken at the beginning,
// latest record per key wins, tombstones delete. A sync diffs against this, not against its own
// memory, so a restarted or second syncer still sends tombstones for devices that vanished while it
// was away. Here, beside the topics, because the collectors' NetBox sync and the API's admin tests
// both read the inventory this way.

import type { Logger } from '../common/log.js';
import type { Device } from '../schemas/types.js';
import type { Streams } from './index.js';
import { readCompacted } from './follow-compacted.js';

export const INVENTORY_READ_DEFAULTS = { timeoutMs: 60_000 }; // ms to reach the end offsets
/** The catch-up of every reader of inventory.devices: its time and the code of its error. */
export const INVENTORY_CATCH_UP = { ms: INVENTORY_READ_DEFAULTS.timeoutMs, code: 'INVENTORY_READ_TIMEOUT' } as const;

export function readInventoryTopic(streams: Streams, logger: Logger, timeoutMs = INVENTORY_READ_DEFAULTS.timeoutMs): Promise<Map<string, Device>> {
  return readCompactedTopic<Device>(streams, streams.topics.inventory, logger, timeoutMs);
}

/** Any compacted topic (inventory.devices, inventory.links) as its latest value per key. */
export async function readCompactedTopic<T>(streams: Streams, topic: string, logger: Logger, timeoutMs = INVENTORY_READ_DEFAULTS.timeoutMs): Promise<Map<string, T>> {
  // A throwaway member of a group of its own, never committed.
  const current = await readCompacted<T>(streams, topic, { group: 'compacted-reader', catchUp: { ...INVENTORY_CATCH_UP, ms: timeoutMs } });
  logger.debug('compacted topic read back', { topic, keys: current.size });
  return current;
}
