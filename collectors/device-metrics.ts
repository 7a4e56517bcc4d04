// A device this collector stops polling (deleted from the inventory, or moved to another collector
// by a rebalance) takes its per-device series out of the collector's /metrics: a last-success time
// left behind would age for ever and keep OpsConductorDeviceStale firing for a device nobody polls.

import client from 'prom-client';

/** Removes every series labelled only by `device` = deviceId from the process's default registry. */
export function forgetDeviceMetrics(deviceId: string, registry: client.Registry = client.register): number {
  let removed = 0;
  for (const metric of registry.getMetricsAsArray()) {
    const { labelNames, remove } = metric as unknown as { labelNames?: readonly string[]; remove?: (labels: Record<string, string>) => void };
    if (labelNames?.length !== 1 || labelNames[0] !== 'device' || typeof remove !== 'function') continue;
    remove.call(metric, { device: deviceId });
    removed++;
  }
  return removed;
}
