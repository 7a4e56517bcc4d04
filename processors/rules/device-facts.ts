// The role and site of every inventory device, for file rules scoped by them. Every processor
// reads the whole compacted inventory.devices topic (a group of its own, never committed): a
// device's readings may land on any processor. Start returns once the inventory as it was at
// start is read, so the first readings are judged with their devices' facts.
import { randomBytes } from 'node:crypto';
import type { Device } from '../../schemas/types.js';
import { catchUpTo } from '../../streams/catch-up.js';
import type { Streams } from '../../streams/index.js';
import type { DeviceFacts } from './user-rules.js';

export interface DeviceFactsFollower {
  isReady(): boolean;
  stop(): Promise<void>;
}

const CATCH_UP = { ms: 60_000, code: 'INVENTORY_READ_TIMEOUT' } as const;

/** Keeps `facts` (changed in place) equal to the inventory topic's devices, from now on. */
export async function followDeviceFacts(streams: Streams, facts: Map<string, DeviceFacts>): Promise<DeviceFactsFollower> {
  const progress = await catchUpTo(streams.admin, streams.topics.inventory, CATCH_UP);
  const consumer = streams.consumer({
    groupId: `processor-inventory-${randomBytes(4).toString('hex')}`,
    topics: [streams.topics.inventory],
    stateless: true,
    fromBeginning: true,
    handler: async (records) => {
      for (const r of records) {
        if (r.key) {
          const d = r.value as Device | null;
          if (d === null) facts.delete(r.key);
          else facts.set(r.key, { role: d.role, site: d.site });
        }
        progress.seen(r);
      }
    },
  });
  await consumer.start();
  try {
    await progress.caughtUp;
  } catch (err) {
    await consumer.stop();
    throw err;
  }
  return { isReady: () => consumer.isReady(), stop: () => consumer.stop() };
}
