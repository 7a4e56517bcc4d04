// Schema evolution through a real replica: BACKWARD by default, compatible changes get a new id
// and version, incompatible ones answer 409 naming the subject and the field, over REST and
// through @kafkajs/confluent-schema-registry.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { schemaRegistryOptions } from '../logical-types.js';
import { schemaFor, subjectFor } from '../index.js';
import { call, dropSchemaTopic, randomSchemaTopic, schemaBody, startTestRegistry } from '../../test/schema-registry.js';
import type { RunningRegistry } from './server.js';

const topic = randomSchemaTopic();
let registry: RunningRegistry;

before(async () => {
  registry = await startTestRegistry(topic);
});

after(async () => {
  await registry?.close();
  await dropSchemaTopic(topic);
});

type Json = Record<string, any>;
const snmp = schemaFor('telemetry.raw.snmp') as Json;
const withField = (field: Json) => ({ ...snmp, fields: [...snmp.fields, field] });
const subject = subjectFor('telemetry.raw.snmp');

test('a field with a default is a new version with a new id; the same schema again changes nothing', { timeout: 30_000 }, async () => {
  const v1 = await call(registry.url, 'POST', `/subjects/${subject}/versions`, schemaBody(snmp));
  const evolved = withField({ name: 'agentVersion', type: ['null', 'string'], default: null, doc: 'Agent software version.' });
  const v2 = await call(registry.url, 'POST', `/subjects/${subject}/versions`, schemaBody(evolved));
  assert.equal(v2.status, 200);
  assert.notEqual(v2.body.id, v1.body.id);
  assert.deepEqual((await call(registry.url, 'GET', `/subjects/${subject}/versions`)).body, [1, 2]);
  const again = await call(registry.url, 'POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(evolved, null, 2) });
  assert.deepEqual(again.body, v2.body);
  assert.deepEqual((await call(registry.url, 'GET', `/subjects/${subject}/versions`)).body, [1, 2]);
});

test('a new required field is refused with 409 naming the subject and the field', { timeout: 30_000 }, async () => {
  const answer = await call(registry.url, 'POST', `/subjects/${subject}/versions`, schemaBody(withField({ name: 'site', type: 'string', doc: 'Site.' })));
  assert.equal(answer.status, 409);
  assert.equal(answer.body.error_code, 409);
  assert.match(answer.body.message, new RegExp(`subject "${subject.replace(/\./g, '\\.')}"`));
  assert.match(answer.body.message, /field "site"/);
  assert.deepEqual((await call(registry.url, 'GET', `/subjects/${subject}/versions`)).body, [1, 2], 'no version was added');
});

test('a type change is refused with 409 naming the field, also through the registry client', { timeout: 30_000 }, async () => {
  const changed = { ...snmp, fields: snmp.fields.map((f: Json) => (f.name === 'durationMs' ? { ...f, type: 'string' } : f)) };
  const answer = await call(registry.url, 'POST', `/subjects/${subject}/versions`, schemaBody(changed));
  assert.equal(answer.status, 409);
  assert.match(answer.body.message, /field "durationMs".*"int" cannot be read as "string"/);

  const client = new SchemaRegistry({ host: registry.url, retry: { retries: 0 } }, schemaRegistryOptions);
  await assert.rejects(
    client.register({ type: SchemaType.AVRO, schema: JSON.stringify(changed) }, { subject }),
    (err: Error & { status?: number }) => err.status === 409 && /telemetry\.raw\.snmp-value/.test(err.message) && /durationMs/.test(err.message),
  );
});

test('the registry client registers, finds ids and keeps its BACKWARD config', { timeout: 30_000 }, async () => {
  const client = new SchemaRegistry({ host: registry.url }, schemaRegistryOptions);
  const live = subjectFor('telemetry.live');
  const { id } = await client.register({ type: SchemaType.AVRO, schema: JSON.stringify(schemaFor('telemetry.live')) }, { subject: live });
  assert.equal(await client.getLatestSchemaId(live), id);
  assert.equal(await client.getRegistryIdBySchema(live, { type: SchemaType.AVRO, schema: JSON.stringify(schemaFor('telemetry.live')) }), id);
  assert.deepEqual((await call(registry.url, 'GET', `/config/${live}`)).body, { compatibilityLevel: 'BACKWARD' }, 'set by the client on first registration');
  const again = await client.register({ type: SchemaType.AVRO, schema: JSON.stringify(schemaFor('telemetry.live')) }, { subject: live });
  assert.equal(again.id, id);
});

test('subject levels decide: NONE accepts anything, FULL refuses a field without default', { timeout: 30_000 }, async () => {
  const s = 'levels-value';
  const base = { type: 'record', name: 'L', fields: [{ name: 'a', type: 'int' }] };
  await call(registry.url, 'POST', `/subjects/${s}/versions`, schemaBody(base));
  await call(registry.url, 'PUT', `/config/${s}`, { compatibility: 'NONE' });
  const other = await call(registry.url, 'POST', `/subjects/${s}/versions`, schemaBody({ ...base, fields: [{ name: 'a', type: 'string' }] }));
  assert.equal(other.status, 200);
  await call(registry.url, 'PUT', `/config/${s}`, { compatibility: 'FULL' });
  const dropped = await call(registry.url, 'POST', `/subjects/${s}/versions`, schemaBody({ ...base, fields: [] }));
  assert.equal(dropped.status, 409, 'version 2 readers need "a"');
  assert.match(dropped.body.message, /FULL/);
});
