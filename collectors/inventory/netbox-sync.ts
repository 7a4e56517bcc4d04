// NetBox → inventory.devices. A full sync reads every NetBox device, maps it, reads the topic's
// current set back, and publishes only what changed, plus a tombstone for every device of this
// source that NetBox no longer has. Entries that cannot be mapped (bad address, unknown
// credential…) are counted, logged with the device and cause, and left as they are on the topic
// (neither published nor tombstoned: a typo in NetBox must not delete a polled device).
// Webhook events (netbox-webhook.ts) apply single changes between full syncs.

import client from 'prom-client';
import type { Logger } from '../../common/log.js';
import type { Device } from '../../schemas/types.js';
import type { Streams } from '../../streams/index.js';
import { fetchNetboxDevices, type NetboxClientOptions } from './netbox-client.js';
import { mapNetboxDevice, sameDevice, type NetboxMappingOptions, NETBOX_MAPPING_DEFAULTS } from './netbox-mapping.js';
import { readInventoryTopic } from '../../streams/inventory-topic.js';
import { once } from '../../common/metrics.js';

export const NETBOX_SOURCE_LABEL = 'netbox'; // labels.source of devices this sync owns

export const netboxMetrics = {
  errors: once('oc_inventory_errors_total', () => new client.Counter({ name: 'oc_inventory_errors_total', help: 'Inventory entries or requests that failed, by source and code.', labelNames: ['source', 'code'] })),
  published: once('oc_inventory_published_total', () => new client.Counter({ name: 'oc_inventory_published_total', help: 'Inventory records published, by source and kind (upsert|tombstone).', labelNames: ['source', 'kind'] })),
};

export interface SyncReport {
  seen: number;
  published: number;
  unchanged: number;
  tombstoned: number;
  errors: { deviceId: string; code: string; message: string }[];
}

export interface NetboxSyncOptions {
  client: NetboxClientOptions;
  mapping?: Partial<NetboxMappingOptions>;
  streams: Streams;
  logger: Logger;
}

export function mappingOptions(partial?: Partial<NetboxMappingOptions>): NetboxMappingOptions {
  return { ...NETBOX_MAPPING_DEFAULTS, ...partial };
}

export function tagSource(device: Device): Device {
  return { ...device, labels: { ...device.labels, source: NETBOX_SOURCE_LABEL } };
}

export async function publishDevices(streams: Streams, upserts: Device[], tombstones: string[]): Promise<void> {
  if (upserts.length > 0) await streams.producer.send(streams.topics.inventory, upserts.map((d) => ({ key: d.deviceId, value: d, timestamp: d.updatedAt })));
  if (tombstones.length > 0) await streams.producer.sendRaw(streams.topics.inventory, tombstones.map((id) => ({ key: id, value: null })));
  netboxMetrics.published.inc({ source: NETBOX_SOURCE_LABEL, kind: 'upsert' }, upserts.length);
  netboxMetrics.published.inc({ source: NETBOX_SOURCE_LABEL, kind: 'tombstone' }, tombstones.length);
}

export async function syncNetbox(opts: NetboxSyncOptions): Promise<SyncReport> {
  const logger = opts.logger.child({ component: 'netbox-sync' });
  const mapping = mappingOptions(opts.mapping);
  let raw: unknown[];
  try {
    raw = await fetchNetboxDevices(opts.client);
  } catch (err) {
    netboxMetrics.errors.inc({ source: NETBOX_SOURCE_LABEL, code: (err as { code?: string }).code ?? 'NETBOX_ERROR' });
    throw err; // nothing is published or tombstoned from a failed read
  }
  const report: SyncReport = { seen: raw.length, published: 0, unchanged: 0, tombstoned: 0, errors: [] };
  const wanted = new Map<string, Device>();
  const failedIds = new Set<string>();
  for (const entry of raw) {
    const r = mapNetboxDevice(entry, mapping);
    if (!r.ok) {
      report.errors.push({ deviceId: r.deviceId, code: r.code, message: r.message });
      failedIds.add(r.deviceId);
      netboxMetrics.errors.inc({ source: NETBOX_SOURCE_LABEL, code: r.code });
      logger.warn('NetBox device skipped', { deviceId: r.deviceId, code: r.code, reason: r.message });
      continue;
    }
    wanted.set(r.device.deviceId, tagSource(r.device));
  }
  const current = await readInventoryTopic(opts.streams, logger);
  const upserts: Device[] = [];
  for (const d of wanted.values()) {
    const have = current.get(d.deviceId);
    if (have && sameDevice(have, d)) report.unchanged++;
    else upserts.push(d);
  }
  const tombstones = [...current.values()].filter((d) => d.labels?.source === NETBOX_SOURCE_LABEL && !wanted.has(d.deviceId) && !failedIds.has(d.deviceId)).map((d) => d.deviceId);
  await publishDevices(opts.streams, upserts, tombstones);
  report.published = upserts.length;
  report.tombstoned = tombstones.length;
  logger.info('NetBox sync done', { seen: report.seen, published: report.published, unchanged: report.unchanged, tombstoned: report.tombstoned, errors: report.errors.length });
  return report;
}
