// NetBox cables + LLDP neighbours → inventory.links. A sync reads the inventory, NetBox's cables
// (intended) and every SNMP device's LLDP table (observed), merges them into one link per pair of
// interfaces (devices/links.ts), reads the topic's current links back and publishes only what
// changed, plus a tombstone for every link no source sees any more. A changed record whose
// `difference` is set is the difference event ("cable in NetBox, no LLDP neighbour"); it is also
// logged and counted. Like the device sync, a failed NetBox read publishes nothing: without the
// intended state every observed link would look undocumented. Likewise a device whose LLDP table
// cannot be read keeps the observed links last seen through it (lastSeenThrough).
//
// The Ciena MCP is a third source in the design (its links API); the MCP simulator has no links
// yet, so no MCP sightings are read here.

import client from 'prom-client';
import type { Logger } from '../../common/log.js';
import { once } from '../../common/metrics.js';
import { mergeLinks, sameLink, type LinkSighting } from '../../devices/links.js';
import type { Device, Link } from '../../schemas/types.js';
import type { Streams } from '../../streams/index.js';
import { readCompactedTopic, readInventoryTopic } from '../../streams/inventory-topic.js';
import { snmpTargetOf } from '../snmp-target.js';
import { SessionPool } from '../snmp/session-pool.js';
import type { CredentialLookup } from '../../credentials/credential-store.js';
import { deviceResolver, lldpSightings, walkLldp } from './lldp-neighbours.js';
import { fetchNetboxCables, type NetboxClientOptions } from './netbox-client.js';
import { mapNetboxCable } from './netbox-cables.js';

export const LINKS_SYNC_DEFAULTS = {
  concurrency: 20, // devices walked at once
  timeoutMs: 2_000, // per SNMP attempt
  retries: 1,
  maxRepetitions: 25,
};

export const linksMetrics = {
  links: once('oc_topology_links', () => new client.Gauge({ name: 'oc_topology_links', help: 'Links of the last links sync, by state (CONFIRMED, NETBOX_ONLY, UNDOCUMENTED, OBSERVED).', labelNames: ['state'] })),
  skipped: once('oc_topology_skipped_total', () => new client.Counter({ name: 'oc_topology_skipped_total', help: 'Sightings a links sync could not use, by source and reason (cable not between interfaces, neighbour not in the inventory, LLDP walk failed).', labelNames: ['source', 'reason'] })),
  published: once('oc_topology_published_total', () => new client.Counter({ name: 'oc_topology_published_total', help: 'inventory.links records published, by kind (upsert|tombstone).', labelNames: ['kind'] })),
};

export interface LinksSyncOptions {
  streams: Streams;
  logger: Logger;
  /** null: NetBox not configured; links are then OBSERVED, never differences. */
  netbox: NetboxClientOptions | null;
  credentials: CredentialLookup;
  lldp?: Partial<typeof LINKS_SYNC_DEFAULTS>;
  now?: number;
}

export interface LinksReport {
  links: number;
  published: number;
  tombstoned: number;
  differences: Link[];
  walkFailures: { deviceId: string; message: string }[];
  skippedCables: string[];
  unknownNeighbours: string[];
}

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function observeLldp(devices: Device[], opts: LinksSyncOptions, report: LinksReport): Promise<LinkSighting[]> {
  const cfg = { ...LINKS_SYNC_DEFAULTS, ...opts.lldp };
  const pool = new SessionPool({ timeoutMs: cfg.timeoutMs, retries: cfg.retries, onMalformed: () => undefined, onSizeChange: () => undefined });
  const resolve = deviceResolver(devices);
  const sightings: LinkSighting[] = [];
  const polled = devices.filter((d) => d.snmp && d.status === 'active');
  try {
    await inParallel(polled, cfg.concurrency, async (device) => {
      const target = snmpTargetOf(device, opts.credentials);
      if (!target.ok) {
        report.walkFailures.push({ deviceId: device.deviceId, message: target.message });
        linksMetrics.skipped.inc({ source: 'lldp', reason: target.code });
        return;
      }
      try {
        const entry = pool.acquire(target.target);
        const guardMs = (target.target.timeoutMs ?? cfg.timeoutMs) * ((target.target.retries ?? cfg.retries) + 1) + 1_000;
        const values = await walkLldp(entry, { maxRepetitions: cfg.maxRepetitions, guardMs });
        const r = lldpSightings(device.deviceId, values, resolve);
        sightings.push(...r.sightings);
        report.unknownNeighbours.push(...r.unknownNeighbours.map((n) => `${device.deviceId}: ${n}`));
        if (r.unknownNeighbours.length > 0) linksMetrics.skipped.inc({ source: 'lldp', reason: 'neighbour_not_in_inventory' }, r.unknownNeighbours.length);
      } catch (err) {
        report.walkFailures.push({ deviceId: device.deviceId, message: (err as Error).message });
        linksMetrics.skipped.inc({ source: 'lldp', reason: 'walk_failed' });
      } finally {
        pool.release(device.deviceId);
      }
    });
  } finally {
    pool.closeAll();
  }
  return sightings;
}

/**
 * The observed links of the topic that touch a device whose LLDP table was not read this time,
 * as they were last seen. A device that does not answer (down, or cut off behind a down one) is
 * not a cable pulled out: its far ends soon age it out of their own tables, and without this the
 * links around an outage would vanish (or turn NETBOX_ONLY) exactly when parent-down suppression
 * needs them. A link goes only once a device that answers stops reporting it, or NetBox drops it.
 */
export function lastSeenThrough(current: ReadonlyMap<string, Link>, unread: ReadonlySet<string>): LinkSighting[] {
  const kept: LinkSighting[] = [];
  for (const l of current.values()) {
    if (!unread.has(l.aDeviceId) && !unread.has(l.bDeviceId)) continue;
    for (const source of l.sources) {
      if (source === 'netbox') continue; // read afresh from NetBox
      kept.push({ source, a: { deviceId: l.aDeviceId, ifName: l.aInterface }, b: { deviceId: l.bDeviceId, ifName: l.bInterface }, speedBps: l.speedBps });
    }
  }
  return kept;
}

export async function syncLinks(opts: LinksSyncOptions): Promise<LinksReport> {
  const logger = opts.logger.child({ component: 'links-sync' });
  const now = opts.now ?? Date.now();
  const report: LinksReport = { links: 0, published: 0, tombstoned: 0, differences: [], walkFailures: [], skippedCables: [], unknownNeighbours: [] };
  const cables: LinkSighting[] = [];
  if (opts.netbox) {
    for (const raw of await fetchNetboxCables(opts.netbox)) {
      const r = mapNetboxCable(raw);
      if (r.ok) cables.push(r.sighting);
      else report.skippedCables.push(r.reason);
    }
    if (report.skippedCables.length > 0) linksMetrics.skipped.inc({ source: 'netbox', reason: 'not_an_interface_link' }, report.skippedCables.length);
  }
  const devices = [...(await readInventoryTopic(opts.streams, logger)).values()];
  const observed = await observeLldp(devices, opts, report);
  const current = await readCompactedTopic<Link>(opts.streams, opts.streams.topics.links, logger);
  const kept = lastSeenThrough(current, new Set(report.walkFailures.map((f) => f.deviceId)));
  const links = mergeLinks([...cables, ...observed, ...kept], { netboxRead: opts.netbox !== null, now });
  const changed = links.filter((l) => {
    const have = current.get(l.linkId);
    return !have || !sameLink(have, l);
  });
  const wanted = new Set(links.map((l) => l.linkId));
  const gone = [...current.keys()].filter((id) => !wanted.has(id));
  if (changed.length > 0) await opts.streams.producer.send(opts.streams.topics.links, changed.map((l) => ({ key: l.linkId, value: l, timestamp: l.updatedAt })));
  if (gone.length > 0) await opts.streams.producer.sendRaw(opts.streams.topics.links, gone.map((id) => ({ key: id, value: null })));
  linksMetrics.published.inc({ kind: 'upsert' }, changed.length);
  linksMetrics.published.inc({ kind: 'tombstone' }, gone.length);
  for (const state of ['CONFIRMED', 'NETBOX_ONLY', 'UNDOCUMENTED', 'OBSERVED']) linksMetrics.links.set({ state }, links.filter((l) => l.state === state).length);
  for (const l of changed) if (l.difference) logger.warn('link difference', { linkId: l.linkId, state: l.state, difference: l.difference, sources: l.sources });
  for (const f of report.walkFailures) logger.warn('LLDP neighbours not read; the links last seen through this device are kept', { deviceId: f.deviceId, reason: f.message });
  report.links = links.length;
  report.published = changed.length;
  report.tombstoned = gone.length;
  report.differences = links.filter((l) => l.difference !== null);
  logger.info('links sync done', { links: links.length, published: changed.length, tombstoned: gone.length, differences: report.differences.length, walkFailures: report.walkFailures.length, skippedCables: report.skippedCables.length });
  return report;
}
