// The API's Prometheus metrics (the role runner serves the default registry at /metrics): request
// latency by operation, errors by code, subscriptions open, events fanned out.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { register } from 'prom-client';
import type { ApiServer } from './server.js';
import { as, collect, disposeClients, gql, testServer, tokenFor, wsClient } from '../test/api-harness.js';
import { createTestDatabase, insertSeries, type TestDatabase } from '../test/api-db.js';

let db: TestDatabase;
let server: ApiServer;
let wsUrl: string;

async function value(name: string, labels: Record<string, string>): Promise<number> {
  // Histograms list their _count/_sum/_bucket series under the base name, with metricName set.
  const base = name.replace(/_count$/, '');
  const metric = (await register.getMetricsAsJSON()).find((m) => m.name === name || m.name === base);
  const values = (metric?.values ?? []) as Array<{ value: number; labels: Record<string, unknown>; metricName?: string }>;
  const entry = values.find((v) => (v.metricName ?? name) === name && Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l));
  return Number(entry?.value ?? 0);
}

before(async () => {
  db = await createTestDatabase();
  server = await testServer(db);
  wsUrl = (await server.app.listen({ host: '127.0.0.1', port: 0 })).replace(/^http/, 'ws') + '/graphql';
}, { timeout: 30_000 });

after(async () => {
  await disposeClients();
  await server?.app.close();
  await db?.drop();
}, { timeout: 30_000 });

test('latency by operation, errors by code, subscriptions open and events fanned out', { timeout: 15_000 }, async () => {
  const before = await value('oc_api_request_duration_seconds_count', { operation: 'MetricsProbe', type: 'query' });
  await gql(server, 'query MetricsProbe { me { role } }', {}, as('viewer'));
  assert.equal(await value('oc_api_request_duration_seconds_count', { operation: 'MetricsProbe', type: 'query' }), before + 1);

  const forbidden = await value('oc_api_errors_total', { code: 'FORBIDDEN' });
  await gql(server, '{ apiKeys { id } }', {}, as('viewer'));
  assert.equal(await value('oc_api_errors_total', { code: 'FORBIDDEN' }), forbidden + 1);
  const unauth = await value('oc_api_errors_total', { code: 'UNAUTHENTICATED' });
  await gql(server, '{ me { role } }', {}, {});
  assert.equal(await value('oc_api_errors_total', { code: 'UNAUTHENTICATED' }), unauth + 1);

  const s = await insertSeries(db.pool, { deviceId: 'm-1', metric: 'if_in_bps', labels: {}, unit: 'bps' });
  const open0 = await value('oc_api_subscriptions_open', { field: 'live' });
  const fanned0 = await value('oc_api_events_fanned_out_total', { kind: 'live' });
  const watcher = collect(wsClient(wsUrl, { token: tokenFor('viewer') }), 'subscription { live(seriesIds: ["' + s.id + '"]) { value } }', {});
  let n = 0;
  while (watcher.items.length === 0 && n++ < 100) {
    await server.publishLive({ deviceId: 'm-1', ts: Date.now(), points: [{ seriesKey: s.key, value: 1 }] });
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(await value('oc_api_subscriptions_open', { field: 'live' }), open0 + 1);
  assert.ok((await value('oc_api_events_fanned_out_total', { kind: 'live' })) > fanned0);
  watcher.stop();
  const deadline = Date.now() + 3_000;
  while ((await value('oc_api_subscriptions_open', { field: 'live' })) !== open0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(await value('oc_api_subscriptions_open', { field: 'live' }), open0, 'closed subscriptions are no longer counted');
});
