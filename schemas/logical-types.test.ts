// uint64 counters: the avsc logical type on its own, then through the schema-registry client
// (registered against the project's registry on a real Kafka, encoded, decoded by a client that
// fetches the schema by id).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import avro from 'avsc';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { avroTypeFor, schemaRegistryOptions } from './logical-types.js';
import { schemaFor, subjectFor } from './index.js';
import type { RawSnmpPoll } from './types.js';
import { dropSchemaTopic, randomSchemaTopic, startTestRegistry } from '../test/schema-registry.js';

const MAX = 2n ** 64n - 1n;
const counterSchema = { type: 'record', name: 'C', fields: [{ name: 'c', type: { type: 'long', logicalType: 'uint64' } }] };

test('uint64 round-trips the whole unsigned 64-bit range as bigint', () => {
  const type = avroTypeFor(counterSchema);
  for (const c of [0n, 1n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 63n - 1n, 2n ** 63n, MAX]) {
    assert.equal(type.fromBuffer(type.toBuffer({ c })).c, c);
  }
  assert.equal(type.fromBuffer(type.toBuffer({ c: 42 })).c, 42n, 'exact non-negative numbers are accepted on write');
  for (const bad of [-1n, 2n ** 64n, 1.5, -1, '5', null]) {
    assert.equal(type.isValid({ c: bad }), false, String(bad));
    assert.throws(() => type.toBuffer({ c: bad }));
  }
});

test('on the wire a uint64 is a plain long with the same bits: other readers still decode it', () => {
  const type = avroTypeFor(counterSchema);
  const plain = avro.Type.forSchema(counterSchema as avro.Schema); // a reader without our logical types
  assert.equal(plain.fromBuffer(type.toBuffer({ c: MAX })).c, -1, '2^64-1 is the long -1');
  assert.equal(plain.fromBuffer(type.toBuffer({ c: 1234n })).c, 1234);
  // A uint64 reader resolving data written as a plain long (a schema version before uint64).
  const resolver = type.createResolver(plain);
  assert.equal(type.fromBuffer(plain.toBuffer({ c: 77 }), resolver).c, 77n);
  // The Avro JSON form keeps every digit.
  assert.equal(type.fromString(type.toString({ c: MAX })).c, MAX);
});

test('the registry client encodes and decodes 2^64-1 with schemaRegistryOptions', { timeout: 60_000 }, async () => {
  const topic = randomSchemaTopic();
  const registry = await startTestRegistry(topic);
  try {
    const client = new SchemaRegistry({ host: registry.url }, schemaRegistryOptions);
    const { id } = await client.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schemaFor('telemetry.raw.snmp')) },
      { subject: subjectFor('telemetry.raw.snmp') },
    );
    const poll: RawSnmpPoll = {
      deviceId: 'lab-r1',
      collectorId: 'test',
      profile: 'interfaces',
      polledAt: 1_795_000_000_000,
      durationMs: 7,
      sysUpTime: 4_242,
      responseUpTimes: [],
      values: [{ name: 'ifHCInOctets', oid: '1.3.6.1.2.1.31.1.1.1.6.1', index: '1', kind: 'COUNTER64', counter: MAX, number: null, text: null }],
      error: null,
    };
    const encoded = await client.encode(id, poll);
    assert.equal(encoded[0], 0, 'magic byte');
    assert.equal(encoded.readInt32BE(1), id, 'schema id, big-endian');

    const fresh = new SchemaRegistry({ host: registry.url }, schemaRegistryOptions); // fetches the schema by id
    const decoded = (await fresh.decode(encoded)) as RawSnmpPoll;
    assert.equal(typeof decoded.values[0].counter, 'bigint');
    assert.equal(decoded.values[0].counter, MAX);
    assert.equal(decoded.polledAt, poll.polledAt);
  } finally {
    await registry.close();
    await dropSchemaTopic(topic);
  }
});
