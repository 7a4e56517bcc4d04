// Follows what parent-down suppression needs, for as long as its readers run: the topology
// (inventory.links) and which devices are down now (the open device-down anomalies of
// telemetry.anomalies). Both are read from the beginning by a group of their own, never committed,
// so a restarted notifier knows a device that went down before it started, and a replay rebuilds
// the same state. `caughtUp` resolves once what both topics held at start is applied.
import type { Logger } from '../common/log.js';
import type { AnomalyEvent, Link } from '../schemas/types.js';
import type { Streams } from '../streams/index.js';
import { followCompacted, intoMap } from '../streams/follow-compacted.js';
import { DEVICE_DOWN_DETECTORS, parentDown, type ParentDownView, type Upstream } from './parent-down.js';

export const PARENT_DOWN_FEED_DEFAULTS = {
  catchUpTimeoutMs: 120_000, // ms to read both topics up to their end at start (anomalies keep 30 days)
  siteRefreshMs: 5_000, // ms a view may lag a device moving site (site roots); topology and outages apply at once
  // telemetry.anomalies is written in transactions: a partition whose last transaction aborted ends
  // in records no reader is handed, so "read to the end" also means no record for this long.
  outagesIdleMs: 5_000,
};

export interface ParentDownFeed {
  /** The verdicts for the topology and outages known now. */
  view(): ParentDownView;
  /** The open device-down anomaly of a device, if it is down. */
  downAnomalyOf(deviceId: string): string | undefined;
  caughtUp: Promise<void>;
  isReady(): boolean;
  stop(): Promise<void>;
}

export async function followParentDown(
  streams: Pick<Streams, 'consumer' | 'admin' | 'topics'>,
  opts: { groupPrefix: string; logger: Logger; upstream: Upstream; siteOf: (deviceId: string) => string | undefined; catchUpTimeoutMs?: number },
): Promise<ParentDownFeed> {
  const links = new Map<string, Link>();
  const down = new Map<string, Map<string, number>>(); // deviceId → open device-down anomalyId → startedAt
  let cached: { view: ParentDownView; at: number } | null = null;
  const catchUp = { ms: opts.catchUpTimeoutMs ?? PARENT_DOWN_FEED_DEFAULTS.catchUpTimeoutMs, code: 'PARENT_DOWN_FEED_TIMEOUT' } as const;
  const setLink = intoMap(links);
  const [linksReader, outages] = await Promise.all([
    followCompacted<Link>(streams, streams.topics.links, {
      group: `${opts.groupPrefix}-links`,
      catchUp,
      onRecord: (key, link) => {
        setLink(key, link);
        cached = null;
      },
    }),
    // Not compacted (anomalies keep 30 days), but read the same way: whole, then followed.
    followCompacted<AnomalyEvent>(streams, streams.topics.anomalies, {
      group: `${opts.groupPrefix}-outages`,
      catchUp,
      transactional: { idleMs: PARENT_DOWN_FEED_DEFAULTS.outagesIdleMs },
      onRecord: (_key, ev) => {
        if (!ev || !DEVICE_DOWN_DETECTORS.has(ev.detector)) return;
        let open = down.get(ev.deviceId);
        if (ev.state === 'CLOSE') {
          open?.delete(ev.anomalyId);
          if (open?.size === 0) down.delete(ev.deviceId);
        } else {
          if (!open) down.set(ev.deviceId, (open = new Map()));
          open.set(ev.anomalyId, ev.startedAt);
        }
        cached = null;
      },
    }),
  ]);
  const caughtUp = Promise.all([linksReader.caughtUp, outages.caughtUp]).then(() => undefined);
  caughtUp.catch(() => undefined);
  /** The earliest open device-down anomaly of a device: the same answer whichever series said so first. */
  function firstOutage(deviceId: string): string | undefined {
    const open = down.get(deviceId);
    return open ? [...open].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))[0][0] : undefined;
  }
  opts.logger.info('following topology and outages for parent-down suppression', { upstream: opts.upstream });
  return {
    view() {
      if (!cached || Date.now() - cached.at > PARENT_DOWN_FEED_DEFAULTS.siteRefreshMs) {
        const outages = new Map([...down.keys()].map((d) => [d, firstOutage(d)!]));
        cached = { view: parentDown({ links: links.values(), siteOf: opts.siteOf, down: outages, upstream: opts.upstream }), at: Date.now() };
      }
      return cached.view;
    },
    downAnomalyOf: firstOutage,
    caughtUp,
    isReady: () => linksReader.isReady() && outages.isReady(),
    stop: async () => {
      await outages.stop();
      await linksReader.stop();
    },
  };
}
