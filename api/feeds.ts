// The Kafka side of subscriptions: one consumer per topic (telemetry.live, telemetry.anomalies,
// telemetry.health) in a group of this replica's own, never committed, starting at the end, so
// every replica sees every record and fans it out to its own clients; inventory.links is followed
// whole instead (streams/follow-compacted.ts).

import type { Streams, StreamConsumer } from '../streams/index.js';
import type { AnomalyEvent, HealthScore, Link, LiveBatch } from '../schemas/types.js';
import { followCompacted } from '../streams/follow-compacted.js';
import type { ApiServer } from './server.js';

const LINKS_CATCH_UP_MS = 60_000; // ms to read inventory.links up to its end at start

export interface Feeds {
  ready(): boolean;
  stop(): Promise<void>;
}

export async function startFeeds(streams: Streams, server: Pick<ApiServer, 'publishLive' | 'publishAnomaly' | 'publishHealth' | 'publishLink'>, replicaId: string): Promise<Feeds> {
  const consumers: StreamConsumer[] = [];
  const feed = async (name: string, topic: string, handle: (value: unknown) => Promise<void> | void) => {
    const consumer = streams.consumer({
      groupId: `api-${name}-${replicaId}`,
      topics: [topic],
      stateless: true,
      fromBeginning: false,
      handler: async (records) => {
        for (const r of records) if (r.value !== null) await handle(r.value);
      },
    });
    consumers.push(consumer);
    await consumer.start();
  };
  await feed('live', streams.topics.live, (v) => server.publishLive(v as LiveBatch));
  await feed('anomalies', streams.topics.anomalies, (v) => server.publishAnomaly(v as AnomalyEvent));
  await feed('health', streams.topics.health, (v) => server.publishHealth(v as HealthScore));
  // The topology is state, not a stream of points: read from the beginning (compacted, small),
  // so a replica that starts knows every link, and tombstones delete. Not
  // awaited: the feeds are ready (readyz) once what the topic held at start is read.
  const links = await followCompacted<Link>(streams, streams.topics.links, {
    group: `api-links-${replicaId}`,
    catchUp: { ms: LINKS_CATCH_UP_MS, code: 'TOPOLOGY_READ_TIMEOUT' },
    onRecord: (key, link) => server.publishLink(key, link),
  });
  const all = [...consumers, links];
  return {
    ready: () => all.every((c) => c.isReady()),
    async stop() {
      for (const c of all.reverse()) await c.stop();
    },
  };
}
