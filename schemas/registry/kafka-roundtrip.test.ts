// End to end through Kafka: register RawSnmpPoll with @kafkajs/confluent-schema-registry against
// the project's registry, encode in the Confluent wire format, produce, consume, decode equal.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { KafkaJS } from '@confluentinc/kafka-javascript';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { waitForLeaders } from '../../common/kafka.js';
import { schemaRegistryOptions } from '../logical-types.js';
import { schemaFor, subjectFor } from '../index.js';
import type { RawSnmpPoll } from '../types.js';
import { dropSchemaTopic, kafkaBrokers, randomSchemaTopic, startTestRegistry } from '../../test/schema-registry.js';

const poll: RawSnmpPoll = {
  deviceId: 'lab-r1',
  collectorId: 'roundtrip',
  profile: 'interfaces',
  polledAt: Date.now() - 60_000, // recent: topics drop records older than their retention
  durationMs: 9,
  sysUpTime: 987_654,
  responseUpTimes: [],
  values: [
    { name: 'ifHCInOctets', oid: '1.3.6.1.2.1.31.1.1.1.6.2', index: '2', kind: 'COUNTER64', counter: 2n ** 64n - 1n, number: null, text: null },
    { name: 'ifInErrors', oid: '1.3.6.1.2.1.2.2.1.14.2', index: '2', kind: 'COUNTER32', counter: 4_294_967_295n, number: null, text: null },
    { name: 'ifSpeed', oid: '1.3.6.1.2.1.2.2.1.5.2', index: '2', kind: 'GAUGE32', counter: null, number: 1_000_000_000, text: null },
    { name: 'ifDescr', oid: '1.3.6.1.2.1.2.2.1.2.2', index: '2', kind: 'OCTET_STRING', counter: null, number: null, text: 'eth1' },
  ],
  error: null,
};

function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
}

test('RawSnmpPoll with a 2^64-1 counter survives register → encode → produce → consume → decode', { timeout: 90_000 }, async () => {
  const schemaTopic = randomSchemaTopic();
  const dataTopic = `oc-test-raw-snmp-${randomUUID().slice(0, 8)}`;
  const registry = await startTestRegistry(schemaTopic);
  const kafka = new KafkaJS.Kafka({ kafkaJS: { clientId: 'schemas-roundtrip-test', brokers: kafkaBrokers, logLevel: KafkaJS.logLevel.NOTHING } });
  const admin = kafka.admin();
  const producer = kafka.producer({ kafkaJS: { allowAutoTopicCreation: false } });
  const groupId = `oc-test-${randomUUID()}`;
  const consumer = kafka.consumer({ kafkaJS: { groupId, fromBeginning: true } });
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: dataTopic, numPartitions: 1 }] });
    await waitForLeaders(admin, [dataTopic]);

    const client = new SchemaRegistry({ host: registry.url }, schemaRegistryOptions);
    const { id } = await client.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schemaFor('telemetry.raw.snmp')) },
      { subject: subjectFor('telemetry.raw.snmp') },
    );
    const value = await client.encode(id, poll);
    assert.equal(value[0], 0);
    assert.equal(value.readInt32BE(1), id);

    await producer.connect();
    await producer.send({ topic: dataTopic, messages: [{ key: poll.deviceId, value }] });

    await consumer.connect();
    await consumer.subscribe({ topics: [dataTopic] });
    const received = await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no message on ${dataTopic} within 30 s`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          clearTimeout(timer);
          resolve(message.value!);
        },
      });
    });
    assert.deepEqual(received, value, 'the bytes on Kafka are the encoded bytes');

    const reader = new SchemaRegistry({ host: registry.url }, schemaRegistryOptions); // cold cache: fetches by id
    const decoded = (await reader.decode(received)) as RawSnmpPoll;
    assert.deepEqual(plain(decoded), plain(poll));
    assert.equal(decoded.values[0].counter, 2n ** 64n - 1n);
  } finally {
    await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.deleteTopics({ topics: [dataTopic] }).catch(() => undefined);
    await admin.disconnect();
    await registry.close();
    await dropSchemaTopic(schemaTopic);
  }
});
