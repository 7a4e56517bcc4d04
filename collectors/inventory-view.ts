// The devices this collector owns: those on the inventory.devices partitions the consumer group
// assigned to it. The topic is compacted and never committed by collectors, so on every
// assignment a member re-reads its partitions from the start and rebuilds the set; devices of
// partitions it lost are dropped at once.
import type { Device } from '../schemas/types.js';

export type InventoryChange = { kind: 'upsert'; device: Device } | { kind: 'remove'; deviceId: string };

export class InventoryView {
  private byPartition = new Map<number, Map<string, Device>>();

  /** Applies a new assignment; returns the ids of devices no longer owned. */
  assign(partitions: number[]): string[] {
    const keep = new Set(partitions);
    const dropped: string[] = [];
    for (const [p, devices] of this.byPartition)
      if (!keep.has(p)) {
        dropped.push(...devices.keys());
        this.byPartition.delete(p);
      }
    for (const p of partitions) if (!this.byPartition.has(p)) this.byPartition.set(p, new Map());
    return dropped;
  }

  /** Applies one inventory record (null value: tombstone). */
  apply(partition: number, deviceId: string, device: Device | null): InventoryChange | null {
    const devices = this.byPartition.get(partition);
    if (!devices) return null; // a record of a partition we no longer own (late after a rebalance)
    if (device === null || device.status !== 'active') {
      return devices.delete(deviceId) ? { kind: 'remove', deviceId } : null;
    }
    devices.set(deviceId, device);
    return { kind: 'upsert', device };
  }

  get size(): number {
    let n = 0;
    for (const d of this.byPartition.values()) n += d.size;
    return n;
  }
}
