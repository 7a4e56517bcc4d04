// The topology query and subscription on a real listener: inventory.links records handed to the
// server (as the api role's feed does) are listed in pages ordered by id, a replayed duplicate is
// not re-sent, a change and a tombstone reach a graphql-ws subscriber, and a page larger than
// the schema's bound is refused before anything runs.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { linkIdOf, mergeLinks } from '../../devices/links.js';
import type { Link } from '../../schemas/types.js';
import { collect, disposeClients, gql, testServer, tokenFor, wsClient } from '../../test/api-harness.js';
import { createTestDatabase, type TestDatabase } from '../../test/api-db.js';
import type { ApiServer } from '../server.js';

let db: TestDatabase;
let server: ApiServer;
let wsUrl: string;

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

const LINK_FIELDS = 'id aDeviceId aInterface bDeviceId bInterface sources state difference speedBps netboxCableId updatedAt';

function link(n: number, extra: Partial<Link> = {}): Link {
  const [l] = mergeLinks([{ source: 'lldp', a: { deviceId: `r${n}`, ifName: 'p0' }, b: { deviceId: `r${n + 1}`, ifName: 'p1' }, speedBps: 10e9 }], { netboxRead: false, now: 1_000 + n });
  return { ...l, ...extra };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('topology lists the links in pages ordered by id; a page above the bound is refused', async () => {
  for (let n = 1; n <= 5; n++) server.publishLink(link(n).linkId, link(n));
  const first = await gql<{ topology: Array<{ id: string; state: string; speedBps: number }> }>(server, `{ topology(limit: 3) { ${LINK_FIELDS} } }`);
  assert.equal(first.errors, undefined, JSON.stringify(first.errors));
  assert.deepEqual(first.data!.topology.map((l) => l.id), [1, 2, 3].map((n) => link(n).linkId));
  assert.equal(first.data!.topology[0].state, 'OBSERVED');
  assert.equal(first.data!.topology[0].speedBps, 10e9);
  const rest = await gql<{ topology: Array<{ id: string }> }>(server, 'query($after: ID) { topology(after: $after) { id } }', { after: first.data!.topology[2].id });
  assert.deepEqual(rest.data!.topology.map((l) => l.id), [4, 5].map((n) => link(n).linkId));
  const huge = await gql(server, '{ topology(limit: 100000) { id } }');
  assert.equal(huge.errors?.[0]?.extensions.code, 'BAD_USER_INPUT');
  const anonymous = await gql(server, '{ topology { id } }', {}, {});
  assert.equal(anonymous.errors?.[0]?.extensions.code, 'UNAUTHENTICATED');
});

test('a subscriber gets each change once (not a replayed duplicate) and the tombstone', { timeout: 15_000 }, async () => {
  const client = wsClient(wsUrl, { token: tokenFor('viewer') });
  const sub = collect<{ topology: { linkId: string; link: { state: string; difference: string | null } | null } }>(client, 'subscription { topology { linkId link { state difference } } }', {});
  const id = linkIdOf({ deviceId: 'r1', ifName: 'p0' }, { deviceId: 'r2', ifName: 'p1' });
  const undocumented = link(1, { state: 'UNDOCUMENTED', difference: 'LLDP neighbour not in NetBox', updatedAt: 9 });
  // The subscription registers asynchronously: publish until the first change arrives.
  const deadline = Date.now() + 5_000;
  let flip = false;
  while (sub.items.length === 0) {
    assert.ok(Date.now() < deadline, 'no topology change arrived');
    flip = !flip;
    server.publishLink(id, flip ? undocumented : link(1));
    await new Promise((r) => setTimeout(r, 50));
  }
  const seen = sub.items.length;
  server.publishLink(id, flip ? undocumented : link(1)); // the same record again, as a replay sends it
  server.publishLink(id, null);
  await waitFor(() => sub.items.some((i) => i.topology.link === null), 'the tombstone');
  assert.equal(sub.items.length, seen + 1, 'the duplicate was not sent');
  assert.deepEqual(sub.errors, []);
  const left = await gql<{ topology: Array<{ id: string }> }>(server, '{ topology { id } }');
  assert.ok(!left.data!.topology.some((l) => l.id === id));
});
