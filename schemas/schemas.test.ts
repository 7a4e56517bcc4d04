// The contracts themselves: every .avsc parses, documents every record and field, evolves
// safely (nullable fields default to null), and matches the TypeScript types in types.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import avro from 'avsc';
import { avroOptions, avroTypeFor } from './logical-types.js';
import { recordNames, schemaFor, schemaNamespace, subjectFor, topicNames, topicSchemas } from './index.js';
import type { TopicRecords } from './types.js';

type Json = Record<string, any>;

/** avsc decodes records as class instances; compare them as plain data. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
}

/** Calls visit on every named type and every field, with a readable path. */
function walk(schema: unknown, path: string, visit: (node: Json, path: string, kind: 'named' | 'field') => void): void {
  if (Array.isArray(schema)) return schema.forEach((s, i) => walk(s, `${path}|${i}`, visit));
  if (schema === null || typeof schema !== 'object') return;
  const node = schema as Json;
  if (node.type === 'record' || node.type === 'enum' || node.type === 'fixed') visit(node, `${path}<${node.name}>`, 'named');
  if (node.type === 'record') {
    for (const f of node.fields as Json[]) {
      visit(f, `${path}.${f.name}`, 'field');
      walk(f.type, `${path}.${f.name}`, visit);
    }
  }
  if (node.type === 'array') walk(node.items, `${path}[]`, visit);
  if (node.type === 'map') walk(node.values, `${path}{}`, visit);
}

test('there is exactly one .avsc per topic, loaded by index.ts', () => {
  const files = readdirSync(new URL('.', import.meta.url)).filter((f) => f.endsWith('.avsc')).sort();
  assert.deepEqual(files, [...topicNames].map((t) => `${t}.avsc`).sort());
  assert.equal(subjectFor('telemetry.raw.snmp'), 'telemetry.raw.snmp-value');
  assert.throws(() => schemaFor('telemetry.nope'), (err: any) => err.code === 'SCHEMA_UNKNOWN_TOPIC' && /telemetry\.nope/.test(err.message));
});

test('every schema parses with avsc, plain and with the project options, under the project namespace', () => {
  for (const topic of topicNames) {
    const schema = topicSchemas[topic] as Json;
    assert.equal(schema.namespace, schemaNamespace, topic);
    assert.equal(schema.name, recordNames[topic], topic);
    assert.doesNotThrow(() => avro.Type.forSchema(schema as avro.Schema), topic);
    // Twice with the very same options object: the options must not remember named types.
    assert.doesNotThrow(() => avro.Type.forSchema(schema as avro.Schema, avroOptions), topic);
    assert.doesNotThrow(() => avro.Type.forSchema(schema as avro.Schema, avroOptions), topic);
  }
});

test('every record, enum and field has a doc; nullable fields are ["null", T] with default null', () => {
  const problems: string[] = [];
  for (const topic of topicNames) {
    walk(topicSchemas[topic], topic, (node, path, kind) => {
      if (typeof node.doc !== 'string' || node.doc.trim().length < 10) problems.push(`${path}: missing or empty doc`);
      if (kind !== 'field' || !Array.isArray(node.type)) return;
      if (node.type[0] !== 'null' || node.type.length !== 2) problems.push(`${path}: union must be ["null", T]`);
      if (node.default !== null) problems.push(`${path}: nullable field needs "default": null`);
    });
  }
  assert.deepEqual(problems, []);
});

test('timestamps are millisecond longs and SNMP counters are uint64 longs', () => {
  const problems: string[] = [];
  for (const topic of topicNames) {
    walk(topicSchemas[topic], topic, (node, path, kind) => {
      if (kind !== 'field') return;
      const t = Array.isArray(node.type) ? node.type[1] : node.type;
      const isTime = /At$|^ts$/.test(node.name);
      if (isTime && (t?.type !== 'long' || t?.logicalType !== 'timestamp-millis')) problems.push(`${path}: time must be timestamp-millis long`);
    });
  }
  assert.deepEqual(problems, []);
  const snmp = topicSchemas['telemetry.raw.snmp'] as Json;
  const counter = snmp.fields.find((f: Json) => f.name === 'values').type.items.fields.find((f: Json) => f.name === 'counter');
  assert.deepEqual(counter.type, ['null', { type: 'long', logicalType: 'uint64' }]);
});

// One record per topic, typed with types.ts: tsc proves the interfaces accept the shapes, and
// the checks below prove the .avsc accepts the same values with exactly the same field names.
const samples: TopicRecords = {
  'inventory.devices': {
    deviceId: 'lab-r1', hostname: 'r1.lab', address: '127.0.0.11', site: 'lab', role: 'core', platform: 'linux',
    vendor: 'net-snmp', status: 'active', tags: ['lab'], labels: { region: 'eu' },
    snmp: { version: 'v2c', port: 161, credential: 'community:public', profiles: ['system', 'interfaces'], timeoutMs: null, retries: null, context: null },
    updatedAt: 1_795_000_000_000,
  },
  'inventory.links': {
    linkId: 'lab-r1:Hu0/0/0/0 <> lab-r2:et-0/0/1', aDeviceId: 'lab-r1', aInterface: 'Hu0/0/0/0', bDeviceId: 'lab-r2', bInterface: 'et-0/0/1',
    sources: ['lldp', 'netbox'], state: 'CONFIRMED', difference: null, speedBps: 1e11, netboxCableId: '7', updatedAt: 1_795_000_000_000,
  },
  'telemetry.raw.snmp': {
    deviceId: 'lab-r1', collectorId: 'c1', profile: 'interfaces', polledAt: 1_795_000_000_000, durationMs: 12, sysUpTime: 123_456, responseUpTimes: [{ firstValue: 2, sysUpTime: 123_470 }],
    values: [
      { name: 'ifHCInOctets', oid: '1.3.6.1.2.1.31.1.1.1.6.3', index: '3', kind: 'COUNTER64', counter: 2n ** 64n - 1n, number: null, text: null },
      { name: 'ifOperStatus', oid: '1.3.6.1.2.1.2.2.1.8.3', index: '3', kind: 'INTEGER', counter: null, number: 1, text: null },
      { name: 'ifDescr', oid: '1.3.6.1.2.1.2.2.1.2.3', index: '3', kind: 'OCTET_STRING', counter: null, number: null, text: 'eth0' },
    ],
    error: null,
  },
  'telemetry.raw.icmp': {
    deviceId: 'lab-r1', collectorId: 'c1', target: '127.0.0.11', sentAt: 1_795_000_000_000, sent: 3, received: 2,
    rttMinMs: 0.2, rttAvgMs: 0.3, rttMaxMs: 0.4, jitterMs: 0.2, rttsMs: [0.2, null, 0.4], error: null,
  },
  'telemetry.raw.ssh': {
    deviceId: 'lab-r1', collectorId: 'c1', platform: 'linux', command: 'cat /proc/loadavg', capturedAt: 1_795_000_000_000,
    durationMs: 40, output: '0.10 0.20 0.30 1/100 4242\n', values: [{ name: 'load1', index: '', unit: 'ratio', value: 0.1 }], error: null,
  },
  'telemetry.raw.ciena': {
    deviceId: 'lab-w1', networkConstructId: 'nc-1', collectorId: 'c1', kind: 'ALARM', readAt: 1_795_000_000_000, values: [],
    alarms: [{ alarmId: 'a1', severity: 'MAJOR', condition: 'LOS', resource: '1/3', serviceAffecting: true, raisedAt: 1_794_999_000_000, description: null }],
    error: { code: 'MCP_PARTIAL', message: 'lab-w1: one page of alarms timed out' },
  },
  'telemetry.raw.trap': {
    deviceId: 'lab-r1', receiverId: 'traps-1', receivedAt: 1_795_000_000_000, source: '127.0.0.1:40162', version: 'V2C', pduType: 'INFORM',
    dedupKey: 'k7f3', requestId: 1234, trapOid: '1.3.6.1.6.3.1.1.5.3', agentUpTime: 42_000, context: null, user: null,
    values: [{ name: 'ifIndex', oid: '1.3.6.1.2.1.2.2.1.1.3', index: '3', kind: 'INTEGER', counter: null, number: 3, text: null }],
  },
  'telemetry.metrics': {
    deviceId: 'lab-r1', source: 'snmp', ts: 1_795_000_000_000,
    samples: [{ seriesKey: 'lab-r1/if_in_bps{ifName=eth0}', metric: 'if_in_bps', labels: { ifName: 'eth0' }, unit: 'bps', value: 1e9 }],
  },
  'telemetry.baselines': {
    seriesKey: 'lab-r1/if_in_bps{ifName=eth0}', deviceId: 'lab-r1', metric: 'if_in_bps', ts: 1_795_000_000_000,
    expected: 5e8, spread: 1e8, lower: 2e8, upper: 8e8, seasonal: true, sampleCount: 10_080,
  },
  'telemetry.anomalies': {
    anomalyId: 'an-3f2a', state: 'CLOSE', seriesKey: 'lab-r1/if_in_bps{ifName=eth0}', deviceId: 'lab-r1', metric: 'if_in_bps',
    labels: { ifName: 'eth0' }, startedAt: 1_794_999_000_000, ts: 1_795_000_000_000, endedAt: 1_795_000_000_000, severity: 'MAJOR',
    score: 0.8, observed: 9e8, expected: 5e8, lower: 2e8, upper: 8e8, detector: 'band', reason: 'above upper bound',
  },
  'telemetry.health': {
    deviceId: 'lab-r1', ts: 1_795_000_000_000, score: 87.5,
    components: [{ name: 'availability', score: 100, weight: 2, detail: null }, { name: 'anomalies', score: 62.5, weight: 1, detail: '1 open MAJOR anomaly' }],
  },
  'telemetry.live': { deviceId: 'lab-r1', ts: 1_795_000_000_000, points: [{ seriesKey: 'lab-r1/cpu_util{}', value: 12.5 }] },
  'telemetry.dlq': {
    originTopic: 'telemetry.raw.snmp', originPartition: 2, originOffset: 12_345, originTimestamp: 1_795_000_000_000,
    originKey: Buffer.from('lab-r1'), originValue: Buffer.from([0, 0, 0, 0, 9, 1]), errorCode: 'AVRO_DECODE',
    errorMessage: 'truncated buffer', stage: 'normalize.decode', failedAt: 1_795_000_000_100,
  },
  'alarm.operations': {
    kind: 'MAINTENANCE', id: 'mw-1', matchers: [{ field: 'SITE', regex: false, value: 'ams1' }, { field: 'DEVICE', regex: true, value: 'ams1-.*' }],
    startsAt: 1_795_000_000_000, endsAt: null, recurrence: { timeZone: 'Europe/Amsterdam', days: [2], startMinute: 120, durationMinutes: 240 },
    comment: 'weekly patching, CHG-42', createdBy: 'alice', createdAt: 1_795_000_000_000, expiredBy: null,
  },
};

test('types.ts matches the schemas: a typed record of each topic is valid and round-trips unchanged', () => {
  for (const topic of topicNames) {
    const type = avroTypeFor(topicSchemas[topic]);
    const value = samples[topic];
    const bad: string[] = [];
    assert.ok(type.isValid(value, { errorHook: (p) => bad.push(p.join('.')) }), `${topic}: invalid at ${bad.join(', ')}`);
    const fieldNames = (topicSchemas[topic] as Json).fields.map((f: Json) => f.name).sort();
    assert.deepEqual(Object.keys(value).sort(), fieldNames, `${topic}: field names of types.ts and .avsc differ`);
    assert.deepEqual(plain(type.fromBuffer(type.toBuffer(value))), plain(value), topic);
  }
});
