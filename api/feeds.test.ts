// Each replica consumes telemetry.anomalies, telemetry.health and telemetry.live from Kafka in a
// group of its own: a record produced once reaches the subscribers of both replicas.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../common/log.js';
import { connectStreams, type Streams } from '../streams/index.js';
import { streamConfig, uniquePrefix } from '../test/env.js';
import type { AnomalyEvent } from '../schemas/types.js';
import { startFeeds, type Feeds } from './feeds.js';
import type { ApiServer } from './server.js';
import { collect, disposeClients, REDIS_URL, testServer, tokenFor, uniqueRedisPrefix, waitFor, wsClient } from '../test/api-harness.js';
import { createTestDatabase, insertSeries, type TestDatabase } from '../test/api-db.js';

const logger = createLogger({ test: 'feeds' }, 'error');
let db: TestDatabase;
let streams: Streams;
const servers: ApiServer[] = [];
const feeds: Feeds[] = [];
const urls: string[] = [];
let series: { id: string; key: string };

before(async () => {
  db = await createTestDatabase();
  series = await insertSeries(db.pool, { deviceId: 'kafka-1', metric: 'if_in_bps', labels: { ifName: 'eth0' }, unit: 'bps' });
  streams = await connectStreams({ config: streamConfig(uniquePrefix('api-feeds')), clientId: 'api-feeds-test', logger, writes: ['anomalies', 'health', 'live'] });
  const redis = { url: REDIS_URL, keyPrefix: uniqueRedisPrefix('feeds') };
  for (const replica of ['a', 'b']) {
    const server = await testServer(db, { redis });
    servers.push(server);
    urls.push((await server.app.listen({ host: '127.0.0.1', port: 0 })).replace(/^http/, 'ws') + '/graphql');
    feeds.push(await startFeeds(streams, server, `${replica}-${process.pid}`));
  }
}, { timeout: 90_000 });

after(async () => {
  await disposeClients();
  for (const f of feeds) await f.stop();
  for (const s of servers) await s.app.close();
  await streams?.close();
  await db?.drop();
}, { timeout: 60_000 });

test('a record on each topic reaches the subscribers of both replicas', { timeout: 90_000 }, async () => {
  await waitFor(() => feeds.every((f) => f.ready()), 'the feeds to join their groups', 60_000);
  const watch = urls.map((url) => {
    const client = wsClient(url, { token: tokenFor('viewer') });
    return {
      anomalies: collect<{ anomalies: { kind: string; anomaly: { id: string; severity: string } } }>(client, 'subscription { anomalies { kind anomaly { id severity } } }', {}),
      health: collect<{ health: { score: number } }>(client, 'subscription { health(deviceIds: ["kafka-1"], snapshot: false) { score } }', {}),
      live: collect<{ live: { value: number } }>(client, `subscription { live(seriesIds: ["${series.id}"], snapshot: false) { value } }`, {}),
    };
  });
  const event: AnomalyEvent = {
    anomalyId: 'kafka-an-1', state: 'OPEN', seriesKey: series.key, deviceId: 'kafka-1', metric: 'if_in_bps', labels: { ifName: 'eth0' }, startedAt: Date.now(), ts: Date.now(),
    endedAt: null, severity: 'MAJOR', score: 5, observed: 10, expected: 1, lower: 0, upper: 2, detector: 'zscore', reason: 'test',
  };
  // A consumer that has just joined starts at the end: produce until every subscriber has one.
  const deadline = Date.now() + 60_000;
  const done = () => watch.every((w) => w.anomalies.items.length > 0 && w.health.items.length > 0 && w.live.items.length > 0);
  while (!done()) {
    assert.ok(Date.now() < deadline, `not delivered everywhere: ${JSON.stringify(watch.map((w) => [w.anomalies.items.length, w.health.items.length, w.live.items.length]))}`);
    const now = Date.now();
    await streams.producer.send(streams.topics.anomalies, [{ key: 'kafka-1', value: { ...event, ts: now }, timestamp: now }]);
    await streams.producer.send(streams.topics.health, [{ key: 'kafka-1', value: { deviceId: 'kafka-1', ts: now, score: 42, components: [] }, timestamp: now }]);
    await streams.producer.send(streams.topics.live, [{ key: 'kafka-1', value: { deviceId: 'kafka-1', ts: now, points: [{ seriesKey: series.key, value: 3.5 }] }, timestamp: now }]);
    await new Promise((r) => setTimeout(r, 500));
  }
  for (const w of watch) {
    assert.deepEqual(w.anomalies.items[0].anomalies, { kind: 'EVENT', anomaly: { id: 'kafka-an-1', severity: 'MAJOR' } });
    assert.equal(w.health.items[0].health.score, 42);
    assert.equal(w.live.items[0].live.value, 3.5);
    assert.deepEqual([w.anomalies.errors, w.health.errors, w.live.errors], [[], [], []]);
  }
});
