// NetBox cables + LLDP neighbours + Ciena MCP's links → inventory.links. A sync reads the
// inventory, NetBox's cables (intended), every SNMP device's LLDP table and, when an MCP is
// configured, MCP's links (observed), merges them into one link per pair of
// interfaces (devices/links.ts), reads the topic's current links back and publishes only what
// changed, plus a tombstone for every link no source sees any more. A changed record whose
// `difference` is set is the difference event ("cable in NetBox, no LLDP neighbour"); it is also
// logged and counted. Like the device sync, a failed NetBox read publishes nothing: without the
// intended state every observed link would look undocumented. Likewise a device whose LLDP table
// cannot be read keeps the observed links last seen through it, and an MCP that cannot be read
// (down, or a reply of the wrong shape) keeps every link it last reported (lastSeenThrough).

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
import type { McpClientOptions } from '../ciena/mcp-client.js';
import { observeMcp } from './mcp-sightings.js';

export const LINKS_SYNC_DEFAULTS = {
  concurrency: 20, // devices walked at once
  timeoutMs: 2_000, // per SNMP attempt
  retries: 1,
  maxRepetitions: 25,
};

export const linksMetrics = {
  links: once('oc_topology_links', () => new client.Gauge({ name: 'oc_topology_links', help: 'Links of the last links sync, by state (CONFIRMED, NETBOX_ONLY, UNDOCUMENTED, OBSERVED).', labelNames: ['state'] })),
  skipped: once('oc_topology_skipped_total', () => new client.Counter({ name: 'oc_topology_skipped_total', help: 'Sightings a links sync could not use, by source and reason (cable or FRE not between two interfaces, neighbour not in the inventory, LLDP walk or MCP read failed).', labelNames: ['source', 'reason'] })),
  published: once('oc_topology_published_total', () => new client.Counter({ name: 'oc_topology_published_total', help: 'inventory.links records published, by kind (upsert|tombstone).', labelNames: ['kind'] })),
};

export interface LinksSyncOptions {
  streams: Streams;
  logger: Logger;
  /** null: NetBox not configured; links are then OBSERVED, never differences. */
  netbox: NetboxClientOptions | null;
  credentials: CredentialLookup;
  /** null or absent: no MCP; no link has the "mcp" source then. */
  mcp?: McpClientOptions | null;
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
  /** FREs MCP reported that are not a link between two ports. */
  skippedFres: string[];
  /** Why MCP's links were not read this time (its last links are kept); null when read or not configured. */
  mcpError: { code: string; message: string } | null;
}

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
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
 * The observed sightings of the topic's links that were not read afresh this time, as they were
 * last seen: LLDP's of a link touching a device whose LLDP table was not read, and every MCP one
 * when MCP was not read. A device that does not answer (down, or cut off behind a down one) is
 * not a cable pulled out: its far ends soon age it out of their own tables, and without this the
 * links around an outage would vanish (or turn NETBOX_ONLY) exactly when parent-down suppression
 * needs them. Likewise an MCP that is down or sends a broken reply has not seen the links go. A
 * link goes only once a source that was read stops reporting it, or NetBox drops it.
 */
export function lastSeenThrough(current: ReadonlyMap<string, Link>, unread: ReadonlySet<string>, mcpUnread = false): LinkSighting[] {
  const kept: LinkSighting[] = [];
  for (const l of current.values()) {
    const touchesUnread = unread.has(l.aDeviceId) || unread.has(l.bDeviceId);
    for (const source of l.sources) {
      if (source === 'netbox') continue; // read afresh from NetBox, or nothing is published
      if (source === 'lldp' ? !touchesUnread : !mcpUnread) continue;
      kept.push({ source, a: { deviceId: l.aDeviceId, ifName: l.aInterface }, b: { deviceId: l.bDeviceId, ifName: l.bInterface }, speedBps: l.speedBps });
    }
  }
  return kept;
}

async function observeMcpInto(devices: Device[], mcp: McpClientOptions, report: LinksReport): Promise<LinkSighting[]> {
  try {
    const r = await observeMcp(devices, mcp);
    report.skippedFres.push(...r.skipped);
    report.unknownNeighbours.push(...r.unknownEnds.map((e) => `mcp: ${e}`));
    if (r.skipped.length > 0) linksMetrics.skipped.inc({ source: 'mcp', reason: 'not_an_interface_link' }, r.skipped.length);
    if (r.unknownEnds.length > 0) linksMetrics.skipped.inc({ source: 'mcp', reason: 'neighbour_not_in_inventory' }, r.unknownEnds.length);
    return r.sightings;
  } catch (err) {
    const e = err as { code?: string; message?: string };
    report.mcpError = { code: e.code ?? 'MCP_SHAPE', message: e.message ?? String(err) };
    linksMetrics.skipped.inc({ source: 'mcp', reason: 'read_failed' });
    return [];
  }
}

export async function syncLinks(opts: LinksSyncOptions): Promise<LinksReport> {
  const logger = opts.logger.child({ component: 'links-sync' });
  const now = opts.now ?? Date.now();
  const report: LinksReport = { links: 0, published: 0, tombstoned: 0, differences: [], walkFailures: [], skippedCables: [], unknownNeighbours: [], skippedFres: [], mcpError: null };
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
  const fromMcp = opts.mcp ? await observeMcpInto(devices, opts.mcp, report) : [];
  const current = await readCompactedTopic<Link>(opts.streams, opts.streams.topics.links, logger);
  const kept = lastSeenThrough(current, new Set(report.walkFailures.map((f) => f.deviceId)), report.mcpError !== null);
  const links = mergeLinks([...cables, ...observed, ...fromMcp, ...kept], { netboxRead: opts.netbox !== null, now });
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
  if (report.mcpError) logger.warn('MCP links not read; the links MCP last reported are kept', report.mcpError);
  for (const reason of report.skippedFres) logger.info('MCP FRE skipped', { reason });
  report.links = links.length;
  report.published = changed.length;
  report.tombstoned = gone.length;
  report.differences = links.filter((l) => l.difference !== null);
  logger.info('links sync done', { links: links.length, published: changed.length, tombstoned: gone.length, differences: report.differences.length, walkFailures: report.walkFailures.length, skippedCables: report.skippedCables.length, skippedFres: report.skippedFres.length, mcpRead: opts.mcp ? report.mcpError === null : null });
  return report;
}
