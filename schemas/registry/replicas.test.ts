// Several replicas, one log: state survives a restart, replicas agree on every id and version
// whichever replica took the write, and races between replicas are decided by log order.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { register as metrics } from 'prom-client';
import { call, dropSchemaTopic, randomSchemaTopic, schemaBody, startTestRegistry } from '../../test/schema-registry.js';
import type { RunningRegistry } from './server.js';

const record = (name: string, fields: object[] = [{ name: 'a', type: 'int' }]) => ({ type: 'record', name, namespace: 'replica', fields });

/** Everything a client can observe of a replica's subjects. */
async function view(url: string): Promise<object> {
  const subjects: string[] = (await call(url, 'GET', '/subjects?deleted=true')).body;
  const out: Record<string, unknown> = { config: (await call(url, 'GET', '/config')).body };
  for (const s of subjects.sort()) {
    const versions: number[] = (await call(url, 'GET', `/subjects/${s}/versions?deleted=true`)).body;
    const live: number[] = (await call(url, 'GET', `/subjects/${s}/versions`)).body;
    const entries = [];
    for (const v of versions) entries.push((await call(url, 'GET', `/subjects/${s}/versions/${v}?deleted=true`)).body);
    out[s] = { live, entries, config: (await call(url, 'GET', `/config/${s}`)).body };
  }
  return out;
}

async function withReplicas(count: number, fn: (replicas: RunningRegistry[], topic: string) => Promise<void>): Promise<void> {
  const topic = randomSchemaTopic();
  const replicas: RunningRegistry[] = [];
  try {
    for (let i = 0; i < count; i++) replicas.push(await startTestRegistry(topic));
    await fn(replicas, topic);
  } finally {
    await Promise.allSettled(replicas.map((r) => r.close()));
    await dropSchemaTopic(topic);
  }
}

test('a restarted replica has the same ids, versions, deletes and config, and never reuses an id', { timeout: 90_000 }, async () => {
  await withReplicas(1, async ([first], topic) => {
    const url = first.url;
    await call(url, 'POST', '/subjects/r-a-value/versions', schemaBody(record('A')));
    await call(url, 'POST', '/subjects/r-a-value/versions', schemaBody(record('A', [{ name: 'a', type: 'int' }, { name: 'b', type: 'int', default: 1 }])));
    await call(url, 'POST', '/subjects/r-b-value/versions', schemaBody(record('B')));
    await call(url, 'PUT', '/config/r-b-value', { compatibility: 'FULL_TRANSITIVE' });
    await call(url, 'PUT', '/config', { compatibility: 'FORWARD' });
    await call(url, 'DELETE', '/subjects/r-a-value/versions/1');
    await call(url, 'POST', '/subjects/r-c-value/versions', schemaBody(record('C')));
    await call(url, 'DELETE', '/subjects/r-c-value');
    await call(url, 'DELETE', '/subjects/r-c-value?permanent=true');
    const before = await view(url);
    await first.close();

    const second = await startTestRegistry(topic);
    try {
      assert.deepEqual(await view(second.url), before);
      const next = await call(second.url, 'POST', '/subjects/r-d-value/versions', schemaBody(record('D')));
      assert.equal(next.body.id, 5, 'ids 1-4 stay taken, including the permanently deleted C');
    } finally {
      await second.close();
    }
  });
});

test('two replicas answer the same ids for schemas registered through either', { timeout: 90_000 }, async () => {
  await withReplicas(2, async ([a, b]) => {
    const viaA = await call(a.url, 'POST', '/subjects/two-a-value/versions', schemaBody(record('TwoA')));
    const viaB = await call(b.url, 'POST', '/subjects/two-b-value/versions', schemaBody(record('TwoB')));
    assert.notEqual(viaA.body.id, viaB.body.id);
    // Read-your-write across replicas: B has not necessarily applied A's write yet when asked.
    assert.deepEqual((await call(b.url, 'GET', `/schemas/ids/${viaA.body.id}`)).body, { schema: JSON.stringify(record('TwoA')) });
    assert.deepEqual((await call(a.url, 'POST', '/subjects/two-b-value', schemaBody(record('TwoB')))).body.id, viaB.body.id);
    // The same schema through the other replica is not a new id.
    assert.deepEqual((await call(b.url, 'POST', '/subjects/two-a-value/versions', schemaBody(record('TwoA')))).body, viaA.body);
    assert.deepEqual(await view(a.url), await view(b.url));
  });
});

test('concurrent registrations through two replicas get distinct ids, and both replicas agree', { timeout: 90_000 }, async (t) => {
  await withReplicas(2, async ([a, b]) => {
    const before = (await metrics.getSingleMetric('oc_registry_write_conflicts_total')?.get())?.values[0]?.value ?? 0;
    // Same next id predicted on both sides: one of each pair loses the race and decides again.
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => call(i % 2 ? b.url : a.url, 'POST', `/subjects/race-${i}-value/versions`, schemaBody(record(`R${i}`)))),
    );
    assert.ok(answers.every((r) => r.status === 200), JSON.stringify(answers.map((r) => r.body)));
    const ids = answers.map((r) => r.body.id).sort((x, y) => x - y);
    assert.deepEqual(ids, [1, 2, 3, 4, 5, 6, 7, 8]);
    for (let i = 0; i < 8; i++) {
      const viaOther = await call(i % 2 ? a.url : b.url, 'GET', `/subjects/race-${i}-value/versions/1`);
      assert.equal(viaOther.body.id, answers[i].body.id);
    }
    assert.deepEqual(await view(a.url), await view(b.url));
    const after = (await metrics.getSingleMetric('oc_registry_write_conflicts_total')?.get())?.values[0]?.value ?? 0;
    t.diagnostic(`registrations that lost a race and were decided again: ${after - before}`);
  });
});

test('a registration that log order made incompatible answers 409; the winner is the same everywhere', { timeout: 90_000 }, async () => {
  await withReplicas(2, async ([a, b]) => {
    for (let round = 0; round < 3; round++) {
      const s = `order-${round}-value`;
      await call(a.url, 'POST', `/subjects/${s}/versions`, schemaBody(record('O')));
      // Each is BACKWARD-compatible with v1, but not with the other: b as string vs b as int.
      const asString = record('O', [{ name: 'a', type: 'int' }, { name: 'b', type: 'string', default: '' }]);
      const asInt = record('O', [{ name: 'a', type: 'int' }, { name: 'b', type: 'int', default: 0 }]);
      const [viaA, viaB] = await Promise.all([
        call(a.url, 'POST', `/subjects/${s}/versions`, schemaBody(asString)),
        call(b.url, 'POST', `/subjects/${s}/versions`, schemaBody(asInt)),
      ]);
      assert.deepEqual([viaA.status, viaB.status].sort(), [200, 409], JSON.stringify([viaA.body, viaB.body]));
      const loser = viaA.status === 409 ? viaA : viaB;
      assert.match(loser.body.message, /field "b"/);
      const winnerId = (viaA.status === 200 ? viaA : viaB).body.id;
      for (const url of [a.url, b.url]) {
        assert.deepEqual((await call(url, 'GET', `/subjects/${s}/versions`)).body, [1, 2]);
        assert.equal((await call(url, 'GET', `/subjects/${s}/versions/2`)).body.id, winnerId);
      }
    }
    assert.deepEqual(await view(a.url), await view(b.url));
  });
});
