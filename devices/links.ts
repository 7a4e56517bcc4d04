// Links between device interfaces, merged from what each source says: NetBox cables (intended),
// LLDP neighbours and Ciena MCP links (observed). Pure functions, shared by the inventory sync
// that writes inventory.links and by the readers (API, tests). A link is undirected: each end's
// LLDP table reports it, and both reports must make one link, so the key orders the two ends.

import type { Link, LinkSource, LinkState } from '../schemas/types.js';

export interface LinkEnd {
  deviceId: string;
  ifName: string;
}

/** One source's sighting of a link (an LLDP row is seen from its local end). */
export interface LinkSighting {
  source: LinkSource;
  a: LinkEnd;
  b: LinkEnd;
  speedBps?: number | null;
  netboxCableId?: string | null;
}

export const DIFFERENCE = {
  cableNotObserved: 'cable in NetBox, no LLDP neighbour',
  observedNotCabled: 'LLDP neighbour not in NetBox',
  mcpNotCabled: 'MCP link not in NetBox',
} as const;

const endKey = (e: LinkEnd) => `${e.deviceId}:${e.ifName}`;

/** The two ends with the lower `device:interface` first. */
export function orderedEnds(a: LinkEnd, b: LinkEnd): [LinkEnd, LinkEnd] {
  return endKey(a) <= endKey(b) ? [a, b] : [b, a];
}

export function linkIdOf(a: LinkEnd, b: LinkEnd): string {
  const [lo, hi] = orderedEnds(a, b);
  return `${endKey(lo)} <> ${endKey(hi)}`;
}

export interface MergeOptions {
  /** False when NetBox was not read: observed links then have no intended state to differ from. */
  netboxRead: boolean;
  now: number;
}

function stateOf(sources: Set<LinkSource>, netboxRead: boolean): { state: LinkState; difference: string | null } {
  const cabled = sources.has('netbox');
  const observed = sources.has('lldp') || sources.has('mcp');
  if (cabled && observed) return { state: 'CONFIRMED', difference: null };
  if (cabled) return { state: 'NETBOX_ONLY', difference: DIFFERENCE.cableNotObserved };
  if (!netboxRead) return { state: 'OBSERVED', difference: null };
  return { state: 'UNDOCUMENTED', difference: sources.has('lldp') ? DIFFERENCE.observedNotCabled : DIFFERENCE.mcpNotCabled };
}

/** Every sighting folded into one Link per pair of ends, sorted by linkId. */
export function mergeLinks(sightings: LinkSighting[], opts: MergeOptions): Link[] {
  const byId = new Map<string, { ends: [LinkEnd, LinkEnd]; sources: Set<LinkSource>; speeds: number[]; cable: string | null }>();
  for (const s of sightings) {
    if (s.a.deviceId === s.b.deviceId && s.a.ifName === s.b.ifName) continue; // a port looped to itself is not a link
    const id = linkIdOf(s.a, s.b);
    let entry = byId.get(id);
    if (!entry) byId.set(id, (entry = { ends: orderedEnds(s.a, s.b), sources: new Set(), speeds: [], cable: null }));
    entry.sources.add(s.source);
    if (s.speedBps != null && s.speedBps > 0) entry.speeds.push(s.speedBps);
    if (s.netboxCableId) entry.cable = s.netboxCableId;
  }
  const links: Link[] = [];
  for (const [linkId, e] of byId) {
    const { state, difference } = stateOf(e.sources, opts.netboxRead);
    links.push({
      linkId,
      aDeviceId: e.ends[0].deviceId,
      aInterface: e.ends[0].ifName,
      bDeviceId: e.ends[1].deviceId,
      bInterface: e.ends[1].ifName,
      sources: [...e.sources].sort(),
      state,
      difference,
      // The slower end limits the link (a 10G optic in a 100G port runs at 10G).
      speedBps: e.speeds.length > 0 ? Math.min(...e.speeds) : null,
      netboxCableId: e.cable,
      updatedAt: opts.now,
    });
  }
  return links.sort((x, y) => (x.linkId < y.linkId ? -1 : x.linkId > y.linkId ? 1 : 0));
}

/** True when two records say the same thing (updatedAt aside): nothing to publish. */
export function sameLink(a: Link, b: Link): boolean {
  return JSON.stringify({ ...a, updatedAt: 0 }) === JSON.stringify({ ...b, updatedAt: 0 });
}
