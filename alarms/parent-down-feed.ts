// Follows what parent-down suppression needs, for as long as its readers run: the topology
// (inventory.links) and which devices are down now (the open device-down anomalies of
// telemetry.anomalies). Both are read from the beginning by a group of their own, never committed,
// so a restarted notifier knows a device that went down before it started, and a replay rebuilds
// the same state. `caughtUp` resolves once what both topics held at start is applied.
import { randomBytes } from 'node:crypto';
import type { Logger } from '../common/log.js';
import type { AnomalyEvent, Link } from '../schemas/types.js';
import type { Streams } from '../streams/index.js';
import { catchUpTo } from '../streams/catch-up.js';
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
  const timeout = { ms: opts.catchUpTimeoutMs ?? PARENT_DOWN_FEED_DEFAULTS.catchUpTimeoutMs, code: 'PARENT_DOWN_FEED_TIMEOUT' } as const;
  const [linksProgress, anomaliesProgress] = await Promise.all([
    catchUpTo(streams.admin, streams.topics.links, timeout),
    catchUpTo(streams.admin, streams.topics.anomalies, timeout, { transactional: true }),
  ]);
  let lastOutageRecordAt = Date.now();
  const group = (what: string) => `${opts.groupPrefix}-${what}-${randomBytes(4).toString('hex')}`;

  const linksReader = streams.consumer({
    groupId: group('links'),
    topics: [streams.topics.links],
    stateless: true,
    fromBeginning: true,
    handler: async (records) => {
      for (const r of records) {
        if (r.key) {
          const l = r.value as Link | null;
          if (l === null) links.delete(r.key);
          else links.set(r.key, l);
          cached = null;
        }
        linksProgress.seen(r);
      }
    },
  });
  const outages = streams.consumer({
    groupId: group('outages'),
    topics: [streams.topics.anomalies],
    stateless: true,
    fromBeginning: true,
    handler: async (records) => {
      lastOutageRecordAt = Date.now();
      for (const r of records) {
        const ev = r.value as AnomalyEvent | null;
        if (ev && DEVICE_DOWN_DETECTORS.has(ev.detector)) {
          let open = down.get(ev.deviceId);
          if (ev.state === 'CLOSE') {
            open?.delete(ev.anomalyId);
            if (open?.size === 0) down.delete(ev.deviceId);
          } else {
            if (!open) down.set(ev.deviceId, (open = new Map()));
            open.set(ev.anomalyId, ev.startedAt);
          }
          cached = null;
        }
        anomaliesProgress.seen(r);
      }
    },
  });
  await Promise.all([linksReader.start(), outages.start()]);
  const idle = setInterval(() => {
    if (outages.isReady() && Date.now() - lastOutageRecordAt > PARENT_DOWN_FEED_DEFAULTS.outagesIdleMs) anomaliesProgress.finish();
  }, 1_000);
  idle.unref();
  const caughtUp = Promise.all([linksProgress.caughtUp, anomaliesProgress.caughtUp]).then(() => undefined);
  void anomaliesProgress.caughtUp.finally(() => clearInterval(idle)).catch(() => undefined);
  caughtUp.catch(() => undefined);
  let current = false;
  void caughtUp.then(() => (current = true), () => undefined);
  /** The earliest open device-down anomaly of a device: the same answer whichever series said so first. */
  function firstOutage(deviceId: string): string | undefined {
    const open = down.get(deviceId);
    return open ? [...open].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))[0]![0] : undefined;
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
    isReady: () => current && linksReader.isReady() && outages.isReady(),
    stop: async () => {
      clearInterval(idle);
      await outages.stop();
      await linksReader.stop();
    },
  };
}
