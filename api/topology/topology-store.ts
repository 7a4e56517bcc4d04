// The topology as this replica knows it: every record of the compacted inventory.links topic
// (read from the beginning, so a restart rebuilds it by replay), latest per key, tombstones
// delete. Changes are fanned out to `topology` subscribers. Held in memory: a network of
// thousands of links is a few MB, and the map asks for all of it at once.

import type { Link } from '../../schemas/types.js';
import type { LivePublisher } from '../live/live-hub.js';

export const TOPOLOGY_TOPIC = 'topology';

export interface TopologyChange {
  linkId: string;
  /** null: the link is gone (a tombstone). */
  link: Link | null;
}

export class TopologyStore {
  private readonly byId = new Map<string, Link>();
  private sorted: Link[] | null = null;
  private publisher: LivePublisher | undefined;

  attach(publisher: LivePublisher): void {
    this.publisher = publisher;
  }

  /** One inventory.links record; returns false when it changed nothing (a replayed duplicate). */
  apply(linkId: string, link: Link | null): boolean {
    const had = this.byId.get(linkId);
    if (link === null ? !had : had && JSON.stringify(had) === JSON.stringify(link)) return false;
    if (link === null) this.byId.delete(linkId);
    else this.byId.set(linkId, link);
    this.sorted = null;
    const change: TopologyChange = { linkId, link };
    this.publisher?.publish({ topic: TOPOLOGY_TOPIC, payload: { topology: change } });
    return true;
  }

  /** Links ordered by linkId, the first `limit` after `after`. */
  page(after: string | null, limit: number): Link[] {
    this.sorted ??= [...this.byId.values()].sort((a, b) => (a.linkId < b.linkId ? -1 : a.linkId > b.linkId ? 1 : 0));
    let start = 0;
    if (after !== null) {
      // first linkId greater than `after` (binary search: the map pages through thousands)
      let lo = 0;
      let hi = this.sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.sorted[mid].linkId <= after) lo = mid + 1;
        else hi = mid;
      }
      start = lo;
    }
    return this.sorted.slice(start, start + limit);
  }

  /** Every link, in no particular order (parent-down suppression walks them). */
  links(): IterableIterator<Link> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }
}
