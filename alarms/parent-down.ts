// Parent-down suppression: when a device is down, the devices reachable only through it are not
// paged for; the down device's own anomaly is the root cause and names how many it cuts off.
// Pure and deterministic, shared by the notifier (what not to page) and the API (what to show as
// suppressed), so both always agree; each rebuilds its inputs by replay (inventory.links, the
// open device-down anomalies), so a restart or a replay reaches the same verdicts.
//
// Reachability is a walk of the topology from the upstream (the collector's site, or named root
// devices). Every link counts, whatever its state: a cable NetBox lists but LLDP no longer sees may
// be exactly the one behind the down device, and a link too many can only page more, never hide.
// A device the walk never reaches (not in the topology, an island) is never suppressed: nothing
// says what it depends on.
import type { Link } from '../schemas/types.js';

/** The detectors whose open anomaly says "this device does not answer" (processors/rules). */
export const DEVICE_DOWN_DETECTORS: ReadonlySet<string> = new Set(['rule:device-down']);

export interface Upstream {
  sites: readonly string[];
  devices: readonly string[];
}

/** "site:nyc1, core-1" → sites [nyc1], devices [core-1]; empty → null (suppression off). */
export function parseUpstream(text: string): Upstream | null {
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) return null;
  const sites = items.filter((s) => s.startsWith('site:')).map((s) => s.slice(5).trim());
  if (sites.some((s) => s.length === 0)) throw new Error('an upstream "site:" needs a site name, e.g. site:nyc1');
  return { sites, devices: items.filter((s) => !s.startsWith('site:')) };
}

export interface ParentDownInput {
  links: Iterable<Pick<Link, 'aDeviceId' | 'bDeviceId'>>;
  /** The site of a device of the topology (for site roots); undefined when unknown. */
  siteOf: (deviceId: string) => string | undefined;
  /** Devices with an open device-down anomaly → the earliest of them (its outage). */
  down: ReadonlyMap<string, string>;
  upstream: Upstream;
}

export interface ParentDownView {
  /** The down device a device is reachable only through (its root cause), or null. */
  suppressorOf(deviceId: string): string | null;
  /** How many devices a root cause cuts off (0 when it is not one). */
  behind(deviceId: string): number;
  /** Whether the device is reached from the upstream through another device: one a parent's outage can cut off. */
  dependent(deviceId: string): boolean;
  /**
   * The down device an anomaly is a consequence of, or null: its parent's outage (suppressorOf),
   * or its own device's when that is down and the anomaly is not the outage itself (100 % loss,
   * stale series, a second availability series, SNMP after ICMP, of a device that does not
   * answer say nothing new).
   */
  suppressedBy(deviceId: string, detector: string, anomalyId: string): string | null;
}

function adjacencyOf(links: ParentDownInput['links']): Map<string, string[]> {
  const adj = new Map<string, string[]>();
  const add = (a: string, b: string) => {
    let list = adj.get(a);
    if (!list) adj.set(a, (list = []));
    list.push(b);
  };
  for (const l of links) {
    if (l.aDeviceId === l.bDeviceId) continue;
    add(l.aDeviceId, l.bDeviceId);
    add(l.bDeviceId, l.aDeviceId);
  }
  return adj;
}

/** Breadth-first from `from`, never entering a device `blocked` says no to. */
function walk(adj: Map<string, string[]>, from: Iterable<string>, blocked: (d: string) => boolean): Set<string> {
  const seen = new Set<string>();
  const queue: string[] = [];
  for (const d of from) {
    if (!blocked(d) && !seen.has(d)) {
      seen.add(d);
      queue.push(d);
    }
  }
  for (let i = 0; i < queue.length; i++) {
    for (const n of adj.get(queue[i]) ?? []) {
      if (!seen.has(n) && !blocked(n)) {
        seen.add(n);
        queue.push(n);
      }
    }
  }
  return seen;
}

export function parentDown(input: ParentDownInput): ParentDownView {
  const suppressor = new Map<string, string>();
  const behind = new Map<string, number>();
  const adj = adjacencyOf(input.links);
  const rootSites = new Set(input.upstream.sites);
  const roots = [...adj.keys()].filter((d) => input.upstream.devices.includes(d) || rootSites.has(input.siteOf(d) ?? '\0')).sort();
  const inScope = walk(adj, roots, () => false);
  const rootSet = new Set(roots);
  const view: ParentDownView = {
    suppressorOf: (d) => suppressor.get(d) ?? null,
    behind: (d) => behind.get(d) ?? 0,
    dependent: (d) => inScope.has(d) && !rootSet.has(d),
    suppressedBy: (d, detector, anomalyId) => {
      const outage = input.down.get(d);
      return suppressor.get(d) ?? (outage !== undefined && (!DEVICE_DOWN_DETECTORS.has(detector) || outage !== anomalyId) ? d : null);
    },
  };
  if (input.down.size === 0) return view;
  const alive = walk(adj, roots, (d) => input.down.has(d));
  // A root cause: down, in scope, and next to the part still reached (or a root itself).
  const rootCauses = [...input.down.keys()].filter((d) => inScope.has(d) && (rootSet.has(d) || (adj.get(d) ?? []).some((n) => alive.has(n)))).sort();
  const causes = new Set(rootCauses);
  // Cut off = in scope, not reached any more; each is claimed by the first root cause (by id)
  // that reaches it without crossing the live part: dual-homed to two down parents names one.
  for (const cause of rootCauses) {
    const claimed = walk(adj, adj.get(cause) ?? [], (d) => alive.has(d) || causes.has(d) || suppressor.has(d));
    for (const d of claimed) suppressor.set(d, cause);
    behind.set(cause, claimed.size);
  }
  return view;
}
