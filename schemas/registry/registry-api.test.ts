// The REST API against a real replica (Kafka at KAFKA_BROKERS): answers, Confluent error codes,
// config, lookup and deletes.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaJS } from '@confluentinc/kafka-javascript';
import { waitForLeaders } from '../../common/kafka.js';
import { call, dropSchemaTopic, kafkaBrokers, randomSchemaTopic, schemaBody, startTestRegistry } from '../../test/schema-registry.js';
import type { RunningRegistry } from './server.js';

const topic = randomSchemaTopic();
let registry: RunningRegistry;
let url: string;

const record = (name: string, fields: object[] = [{ name: 'a', type: 'int' }]) => ({ type: 'record', name, namespace: 'test', fields });

before(async () => {
  registry = await startTestRegistry(topic);
  url = registry.url;
});

after(async () => {
  await registry?.close();
  await dropSchemaTopic(topic);
});

const expectError = (answer: { status: number; body: any }, status: number, errorCode: number, pattern?: RegExp) => {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.equal(answer.body.error_code, errorCode, JSON.stringify(answer.body));
  if (pattern) assert.match(answer.body.message, pattern);
};

test('register, read back by id, subject and version, in the Confluent content type', { timeout: 30_000 }, async () => {
  const registered = await call(url, 'POST', '/subjects/api-a-value/versions', schemaBody(record('A')));
  assert.equal(registered.status, 200);
  assert.equal(registered.contentType, 'application/vnd.schemaregistry.v1+json');
  const id = registered.body.id;
  assert.ok(Number.isInteger(id) && id > 0);

  const again = await call(url, 'POST', '/subjects/api-a-value/versions', { schema: JSON.stringify(record('A'), null, 4) }, 'application/json');
  assert.deepEqual(again.body, { id }, 'same schema, other whitespace and content type: same id, no new version');

  assert.deepEqual((await call(url, 'GET', `/schemas/ids/${id}`)).body, { schema: JSON.stringify(record('A')) });
  assert.deepEqual((await call(url, 'GET', `/schemas/ids/${id}/versions`)).body, [{ subject: 'api-a-value', version: 1 }]);
  assert.deepEqual((await call(url, 'GET', '/schemas/types')).body, ['AVRO']);
  assert.ok((await call(url, 'GET', '/subjects')).body.includes('api-a-value'));
  assert.deepEqual((await call(url, 'GET', '/subjects/api-a-value/versions')).body, [1]);
  const latest = await call(url, 'GET', '/subjects/api-a-value/versions/latest');
  assert.deepEqual(latest.body, { subject: 'api-a-value', version: 1, id, schema: JSON.stringify(record('A')) });
  assert.deepEqual((await call(url, 'GET', '/subjects/api-a-value/versions/1/schema')).body, record('A'));

  const lookup = await call(url, 'POST', '/subjects/api-a-value', schemaBody(record('A')));
  assert.deepEqual(lookup.body, latest.body, 'POST /subjects/{s} finds the version holding a schema');
  expectError(await call(url, 'POST', '/subjects/api-a-value', schemaBody(record('Other'))), 404, 40403);
});

test('unknown subject, version and id; invalid version', { timeout: 30_000 }, async () => {
  await call(url, 'POST', '/subjects/api-b-value/versions', schemaBody(record('B')));
  expectError(await call(url, 'GET', '/subjects/nope-value/versions'), 404, 40401, /nope-value/);
  expectError(await call(url, 'GET', '/subjects/nope-value/versions/latest'), 404, 40401, /nope-value/);
  expectError(await call(url, 'POST', '/subjects/nope-value', schemaBody(record('B'))), 404, 40401);
  expectError(await call(url, 'GET', '/subjects/api-b-value/versions/7'), 404, 40402, /Version 7/);
  expectError(await call(url, 'GET', '/schemas/ids/99999'), 404, 40403, /99999/);
  expectError(await call(url, 'GET', '/subjects/api-b-value/versions/zero'), 422, 42202, /zero/);
  expectError(await call(url, 'GET', '/subjects/api-b-value/versions/0'), 422, 42202);
  expectError(await call(url, 'DELETE', '/subjects/api-b-value/versions/-5'), 422, 42202);
});

test('invalid schemas and non-Avro schema types are refused with 42201', { timeout: 30_000 }, async () => {
  expectError(await call(url, 'POST', '/subjects/api-c-value/versions', { schema: '{"type": "record", "name": "C"' }), 422, 42201, /not JSON/);
  expectError(
    await call(url, 'POST', '/subjects/api-c-value/versions', schemaBody(record('C', [{ name: 'a', type: 'integer' }]))),
    422,
    42201,
    /Invalid Avro schema/,
  );
  expectError(await call(url, 'POST', '/subjects/api-c-value/versions', {}), 422, 42201);
  expectError(
    await call(url, 'POST', '/subjects/api-c-value/versions', { schemaType: 'PROTOBUF', schema: 'syntax = "proto3";' }),
    422,
    42201,
    /only AVRO/,
  );
  expectError(await call(url, 'GET', '/subjects/api-c-value/versions'), 404, 40401, /api-c-value/);
});

test('config: global and per subject, get and put, invalid level', { timeout: 30_000 }, async () => {
  assert.deepEqual((await call(url, 'GET', '/config')).body, { compatibilityLevel: 'BACKWARD' });
  expectError(await call(url, 'GET', '/config/api-d-value'), 404, 40408, /api-d-value/);
  assert.deepEqual((await call(url, 'GET', '/config/api-d-value?defaultToGlobal=true')).body, { compatibilityLevel: 'BACKWARD' });

  assert.deepEqual((await call(url, 'PUT', '/config/api-d-value', { compatibility: 'full' })).body, { compatibility: 'FULL' });
  assert.deepEqual((await call(url, 'GET', '/config/api-d-value')).body, { compatibilityLevel: 'FULL' });
  expectError(await call(url, 'PUT', '/config/api-d-value', { compatibility: 'SIDEWAYS' }), 422, 42203, /SIDEWAYS/);
  expectError(await call(url, 'PUT', '/config', { compatibility: 42 }), 422, 42203);

  assert.deepEqual((await call(url, 'PUT', '/config', { compatibility: 'NONE' })).body, { compatibility: 'NONE' });
  assert.deepEqual((await call(url, 'GET', '/config')).body, { compatibilityLevel: 'NONE' });
  assert.deepEqual((await call(url, 'PUT', '/config', { compatibility: 'BACKWARD' })).body, { compatibility: 'BACKWARD' });

  assert.deepEqual((await call(url, 'DELETE', '/config/api-d-value')).body, { compatibilityLevel: 'FULL' });
  expectError(await call(url, 'GET', '/config/api-d-value'), 404, 40408);
});

test('compatibility endpoint answers is_compatible, with reasons when verbose', { timeout: 30_000 }, async () => {
  await call(url, 'POST', '/subjects/api-e-value/versions', schemaBody(record('E')));
  const good = record('E', [{ name: 'a', type: 'int' }, { name: 'b', type: 'string', default: '' }]);
  const bad = record('E', [{ name: 'a', type: 'int' }, { name: 'b', type: 'string' }]);
  assert.deepEqual((await call(url, 'POST', '/compatibility/subjects/api-e-value/versions/latest', schemaBody(good))).body, { is_compatible: true });
  assert.deepEqual((await call(url, 'POST', '/compatibility/subjects/api-e-value/versions/1', schemaBody(bad))).body, { is_compatible: false });
  const verbose = await call(url, 'POST', '/compatibility/subjects/api-e-value/versions/latest?verbose=true', schemaBody(bad));
  assert.equal(verbose.body.is_compatible, false);
  assert.match(verbose.body.messages[0], /field "b"/);
  expectError(await call(url, 'POST', '/compatibility/subjects/api-e-value/versions/9', schemaBody(good)), 404, 40402);
});

test('delete: soft, then permanent; versions and subjects disappear with the right codes', { timeout: 60_000 }, async () => {
  const v1 = record('F');
  const v2 = record('F', [{ name: 'a', type: 'int' }, { name: 'b', type: 'int', default: 0 }]);
  const id1 = (await call(url, 'POST', '/subjects/api-f-value/versions', schemaBody(v1))).body.id;
  await call(url, 'POST', '/subjects/api-f-value/versions', schemaBody(v2));

  expectError(await call(url, 'DELETE', '/subjects/api-f-value/versions/1?permanent=true'), 404, 40407, /not deleted first/);
  assert.equal((await call(url, 'DELETE', '/subjects/api-f-value/versions/1')).body, 1);
  expectError(await call(url, 'DELETE', '/subjects/api-f-value/versions/1'), 404, 40406, /soft deleted/);
  assert.deepEqual((await call(url, 'GET', '/subjects/api-f-value/versions')).body, [2]);
  assert.deepEqual((await call(url, 'GET', '/subjects/api-f-value/versions?deleted=true')).body, [1, 2]);
  expectError(await call(url, 'GET', '/subjects/api-f-value/versions/1'), 404, 40402);
  assert.equal((await call(url, 'GET', '/subjects/api-f-value/versions/1?deleted=true')).body.id, id1);
  assert.equal((await call(url, 'GET', `/schemas/ids/${id1}`)).status, 200, 'a soft-deleted schema stays readable by id');

  assert.equal((await call(url, 'DELETE', '/subjects/api-f-value/versions/1?permanent=true')).body, 1);
  expectError(await call(url, 'GET', '/subjects/api-f-value/versions/1?deleted=true'), 404, 40402);
  expectError(await call(url, 'GET', `/schemas/ids/${id1}`), 404, 40403);

  expectError(await call(url, 'DELETE', '/subjects/api-f-value?permanent=true'), 404, 40405);
  assert.deepEqual((await call(url, 'DELETE', '/subjects/api-f-value')).body, [2]);
  expectError(await call(url, 'DELETE', '/subjects/api-f-value'), 404, 40404);
  expectError(await call(url, 'GET', '/subjects/api-f-value/versions'), 404, 40401);
  assert.ok(!(await call(url, 'GET', '/subjects')).body.includes('api-f-value'));
  assert.ok((await call(url, 'GET', '/subjects?deleted=true')).body.includes('api-f-value'));
  assert.deepEqual((await call(url, 'DELETE', '/subjects/api-f-value?permanent=true')).body, [2]);
  expectError(await call(url, 'DELETE', '/subjects/api-f-value'), 404, 40401);

  // The deleted schema registers again under its old id: ids are never reused for another schema.
  const reborn = await call(url, 'POST', '/subjects/api-f-value/versions', schemaBody(v1));
  assert.equal(reborn.body.id, id1);
  assert.deepEqual((await call(url, 'GET', '/subjects/api-f-value/versions')).body, [1]);
});

test('unknown routes answer a Confluent-shaped 404', { timeout: 10_000 }, async () => {
  expectError(await call(url, 'GET', '/nothing/here'), 404, 404);
});

test('a log topic with more than one partition is refused: it would have no total order', { timeout: 30_000 }, async () => {
  const bad = randomSchemaTopic();
  const admin = new KafkaJS.Kafka({ kafkaJS: { clientId: 'schemas-test', brokers: kafkaBrokers, logLevel: KafkaJS.logLevel.NOTHING } }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: bad, numPartitions: 2 }] });
    await waitForLeaders(admin, [bad]);
    await assert.rejects(startTestRegistry(bad), (err: Error & { code?: string }) => err.code === 'REGISTRY_TOPIC_PARTITIONS' && err.message.includes(bad));
  } finally {
    await admin.deleteTopics({ topics: [bad] }).catch(() => undefined);
    await admin.disconnect();
  }
});
