// Administration against real Kafka and the real credential store: upsertDevice publishes the
// record to inventory.devices (read back from the topic as the sink and collectors read it) and
// deleteDevice a tombstone; setCredential seals a credential the collectors' store opens, and no
// field ever reads a secret back; a replica without a store answers NOT_CONFIGURED.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../common/log.js';
import { CredentialStore } from '../../credentials/credential-store.js';
import { generateCredentialKey, parseKey } from '../../credentials/credential-key.js';
import { readInventoryTopic } from '../../streams/inventory-topic.js';
import { connectStreams, type Streams } from '../../streams/index.js';
import { streamConfig, uniquePrefix } from '../../test/env.js';
import { kafkaInventoryPublisher } from './inventory.js';
import { openCredentialStore } from './credentials.js';
import type { ApiServer } from '../server.js';
import { as, gql, testServer } from '../../test/api-harness.js';
import { createTestDatabase, type TestDatabase } from '../../test/api-db.js';

const logger = createLogger({ test: 'admin' }, 'error');
let db: TestDatabase;
let streams: Streams;
let server: ApiServer;
let bare: ApiServer;
let dir: string;
let storeFile: string;
const key = generateCredentialKey();

before(async () => {
  db = await createTestDatabase();
  streams = await connectStreams({ config: streamConfig(uniquePrefix('api-admin')), clientId: 'api-admin-test', logger, writes: ['inventory'] });
  dir = mkdtempSync(join(tmpdir(), 'api-admin-'));
  storeFile = join(dir, 'credentials.enc.json');
  const credentials = openCredentialStore({ OC_CREDENTIALS_KEY: key, OC_CREDENTIALS_FILE: storeFile });
  server = await testServer(db, { inventory: kafkaInventoryPublisher(streams), credentials });
  bare = await testServer(db);
}, { timeout: 60_000 });

after(async () => {
  await server?.app.close();
  await bare?.app.close();
  await streams?.close();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
}, { timeout: 30_000 });

const UPSERT = `mutation U($input: DeviceInput!) { upsertDevice(input: $input) { deviceId kind device { id site status snmp } } }`;

test('upsertDevice publishes to inventory.devices; deleteDevice publishes a tombstone', { timeout: 60_000 }, async () => {
  const input = { id: 'lab-r9', hostname: 'lab-r9.example', address: '127.0.0.9', site: 'lab', role: 'edge', platform: 'iosxr', vendor: 'cisco', labels: { rack: 'A3' },
    snmp: { version: 'v3', credential: 'lab-v3', profiles: ['if-mib'] } };
  const r = await gql<{ upsertDevice: { deviceId: string; kind: string; device: { status: string; snmp: { port: number } } } }>(server, UPSERT, { input }, as('admin'));
  assert.equal(r.status, 200, JSON.stringify(r.errors));
  assert.deepEqual([r.data!.upsertDevice.kind, r.data!.upsertDevice.device.status, r.data!.upsertDevice.device.snmp.port], ['UPSERT', 'active', 161]);

  const topic = await readInventoryTopic(streams, logger, 30_000);
  const record = topic.get('lab-r9')!;
  assert.deepEqual({ ...JSON.parse(JSON.stringify(record)), updatedAt: 0 }, {
    deviceId: 'lab-r9', hostname: 'lab-r9.example', address: '127.0.0.9', site: 'lab', role: 'edge', platform: 'iosxr', vendor: 'cisco', status: 'active',
    tags: [], labels: { rack: 'A3' }, snmp: { version: 'v3', port: 161, credential: 'lab-v3', profiles: ['if-mib'], timeoutMs: null, retries: null, context: null }, updatedAt: 0,
  });

  const del = await gql<{ deleteDevice: { kind: string } }>(server, 'mutation { deleteDevice(id: "lab-r9") { deviceId kind } }', {}, as('admin'));
  assert.equal(del.data!.deleteDevice.kind, 'DELETE');
  assert.equal((await readInventoryTopic(streams, logger, 30_000)).has('lab-r9'), false, 'the tombstone removed it');

  const bad = await gql(server, UPSERT, { input: { ...input, id: 'bad id/with slash' } }, as('admin'));
  assert.equal(bad.errors?.[0]?.extensions.code, 'BAD_USER_INPUT');
  const off = await gql(bare, UPSERT, { input }, as('admin'));
  assert.equal(off.errors?.[0]?.extensions.code, 'NOT_CONFIGURED');
});

test('upsertDevice refuses a record carrying a password or community in clear: nothing reaches inventory.devices', { timeout: 60_000 }, async () => {
  const base = { hostname: 'h', address: '127.0.0.10', site: 'lab', role: 'edge', platform: 'junos', vendor: 'juniper' };
  const attempts = [
    { id: 'leak-1', ...base, labels: { 'ssh.credential': 'login:noc:hunter2-api' } },
    { id: 'leak-2', ...base, labels: { 'snmp.community': 'hunter2-api' } },
    { id: 'leak-3', ...base, snmp: { version: 'v2c', credential: 'community:hunter2-api', profiles: ['system'] } },
  ];
  for (const input of attempts) {
    const r = await gql(server, UPSERT, { input }, as('admin'));
    assert.equal(r.errors?.[0]?.extensions.code, 'BAD_USER_INPUT', input.id);
    assert.equal(r.errors?.[0]?.extensions.reason, 'INVENTORY_SECRET_LITERAL', input.id);
    assert.ok(!r.raw.includes('hunter2-api'), 'the refusal does not echo the secret');
  }
  const named = await gql(server, UPSERT, { input: { id: 'named-1', ...base, labels: { 'ssh.credential': 'core-ssh' }, snmp: { version: 'v2c', credential: 'core-v2', profiles: ['system'] } } }, as('admin'));
  assert.equal(named.status, 200, JSON.stringify(named.errors));
  const topic = await readInventoryTopic(streams, logger, 30_000);
  assert.deepEqual(['leak-1', 'leak-2', 'leak-3'].filter((id) => topic.has(id)), []);
  assert.equal(topic.get('named-1')?.labels['ssh.credential'], 'core-ssh');
});

test('setCredential seals a credential the collectors open; nothing reads the secret back', { timeout: 10_000 }, async () => {
  const secret = 'auth-passphrase-9f8e7d6c';
  const set = await gql<{ setCredential: { name: string; kind: string; updatedAt: number } }>(
    server,
    'mutation S($c: JSON!) { setCredential(name: "lab-v3", credential: $c) { name kind updatedAt } }',
    { c: { kind: 'snmp-v3', user: 'noc', authProtocol: 'sha256', authKey: secret, privProtocol: 'aes', privKey: 'priv-passphrase-1234' } },
    as('admin'),
  );
  assert.equal(set.status, 200, JSON.stringify(set.errors));
  assert.deepEqual([set.data!.setCredential.name, set.data!.setCredential.kind], ['lab-v3', 'snmp-v3']);
  assert.ok(!readFileSync(storeFile, 'utf8').includes(secret), 'sealed at rest');
  const opened = CredentialStore.open(storeFile, parseKey(key, 'test key')).get('lab-v3');
  assert.equal(opened && opened.kind === 'snmp-v3' ? opened.authKey : undefined, secret);

  const listed = await gql(server, '{ credentials { name kind updatedAt } }', {}, as('admin'));
  assert.ok(!listed.raw.includes(secret));
  assert.deepEqual((listed.data as { credentials: Array<{ name: string }> }).credentials.map((c) => c.name), ['lab-v3']);

  const invalid = await gql(server, 'mutation { setCredential(name: "x", credential: { kind: "telnet", user: "noc" }) { name } }', {}, as('admin'));
  assert.equal(invalid.errors?.[0]?.extensions.code, 'BAD_USER_INPUT');
  assert.ok(!invalid.raw.includes('stack'));
  const removed = await gql(server, 'mutation { deleteCredential(name: "lab-v3") }', {}, as('admin'));
  assert.deepEqual(removed.data, { deleteCredential: true });
  assert.equal((await gql(bare, '{ credentials { name } }', {}, as('admin'))).errors?.[0]?.extensions.code, 'NOT_CONFIGURED');
});
