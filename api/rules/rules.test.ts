// The rules query: the built-in rule files and the operator's, as the api read them; a viewer may
// read them, an unauthenticated caller may not. A changed file shows without a restart.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../common/log.js';
import { followRules } from '../../devices/rule-set.js';
import type { ApiServer } from '../server.js';
import { as, gql, testServer } from '../../test/api-harness.js';
import { createTestDatabase, type TestDatabase } from '../../test/api-db.js';
import { eventually } from '../../test/env.js';

const QUERY = '{ rules { name description metric severity forMs builtin source scope { device role site interface } condition { above below in rateAbove rateBelow perMs } } }';
const dir = mkdtempSync(path.join(os.tmpdir(), 'oc-api-rules-'));
const file = path.join(dir, 'mine.yaml');
writeFileSync(file, "rules:\n  - { name: hot-core, metric: env_temperature_c, scope: { role: [core] }, condition: { rateAbove: 2, per: 1m }, for: 5m, severity: MINOR }\n");
const rules = followRules(dir, 100, createLogger({ test: 'api-rules' }, 'error'));
let db: TestDatabase;
let server: ApiServer;

before(async () => {
  db = await createTestDatabase();
  server = await testServer(db, { rules: () => rules.current().rules });
});
after(async () => {
  rules.stop();
  await server?.app.close();
  await db?.drop();
});

test('a viewer reads the rules in force, built-in ones marked, each with its file and line', async () => {
  const res = await gql(server, QUERY, {}, as('viewer'));
  assert.equal(res.errors, undefined, res.raw);
  const byName = new Map(res.data!.rules.map((r: { name: string }) => [r.name, r]));
  assert.deepEqual([...byName.keys()], ['bgp-peer-down', 'fan-failed', 'hot-core', 'power-supply-failed']);
  assert.deepEqual(byName.get('hot-core'), {
    name: 'hot-core', description: '', metric: 'env_temperature_c', severity: 'MINOR', forMs: 300_000, builtin: false, source: `${file}:2`,
    scope: { device: [], role: ['core'], site: [], interface: null },
    condition: { above: null, below: null, in: null, rateAbove: 2, rateBelow: null, perMs: 60_000 },
  });
  const bgp = byName.get('bgp-peer-down') as { builtin: boolean; source: string; condition: { below: number } };
  assert.deepEqual([bgp.builtin, bgp.source, bgp.condition.below], [true, 'devices/rules/bgp.yaml:4', 6]);
  assert.deepEqual((byName.get('fan-failed') as { condition: { in: number[] } }).condition.in, [3, 4, 6]);
  const anonymous = await gql(server, QUERY, {}, {});
  assert.equal(anonymous.errors?.[0]?.extensions.code, 'UNAUTHENTICATED');
});

test('an edited file shows in the query without a restart', async () => {
  writeFileSync(file, 'rules:\n  - { name: hot-edge, metric: env_temperature_c, condition: { above: 70 }, severity: MAJOR }\n');
  const names = await eventually('the reload', async () => {
    const res = await gql(server, '{ rules { name } }', {}, as('viewer'));
    const list = res.data!.rules.map((r: { name: string }) => r.name);
    return list.includes('hot-edge') ? list : undefined;
  }, 10_000, 100);
  assert.deepEqual(names, ['bgp-peer-down', 'fan-failed', 'hot-edge', 'power-supply-failed']);
});
