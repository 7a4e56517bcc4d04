// The role and site of every inventory device, for file rules scoped by them. Every processor
// reads the whole compacted inventory.devices topic (a group of its own, never committed): a
// device's readings may land on any processor. Start returns once the inventory as it was at
// start is read, so the first readings are judged with their devices' facts.
import type { Device } from '../../schemas/types.js';
import { followCompacted, intoMap } from '../../streams/follow-compacted.js';
import type { Streams } from '../../streams/index.js';
import { INVENTORY_CATCH_UP } from '../../streams/inventory-topic.js';
import type { DeviceFacts } from './user-rules.js';

export interface DeviceFactsFollower {
  isReady(): boolean;
  stop(): Promise<void>;
}

/** Keeps `facts` (changed in place) equal to the inventory topic's devices, from now on. */
export async function followDeviceFacts(streams: Streams, facts: Map<string, DeviceFacts>): Promise<DeviceFactsFollower> {
  const follower = await followCompacted<Device>(streams, streams.topics.inventory, {
    group: 'processor-inventory',
    catchUp: INVENTORY_CATCH_UP,
    onRecord: intoMap(facts, (d) => ({ role: d.role, site: d.site })),
  });
  try {
    await follower.caughtUp;
  } catch (err) {
    await follower.stop();
    throw err;
  }
  return follower;
}
