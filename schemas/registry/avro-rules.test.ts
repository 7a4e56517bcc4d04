// Schema identity and compatibility rules, without Kafka.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compatibilityProblems, parseAvroSchema, parseCompatibilityLevel } from './avro-rules.js';
import { RegistryError } from './errors.js';

const v1 = { type: 'record', name: 'Poll', namespace: 'x', fields: [{ name: 'a', type: 'int' }] };
const withDefault = { ...v1, fields: [...v1.fields, { name: 'b', type: ['null', 'string'], default: null }] };
const withRequired = { ...v1, fields: [...v1.fields, { name: 'b', type: 'string' }] };
const typeChanged = { ...v1, fields: [{ name: 'a', type: 'string' }] };
const widened = { ...v1, fields: [{ name: 'a', type: 'long' }] };
const dropped = { ...v1, fields: [] };

const parse = (s: object) => parseAvroSchema(JSON.stringify(s));
const versions = (...schemas: object[]) => schemas.map((s, i) => ({ version: i + 1, type: parse(s).type }));

test('identity ignores whitespace, key order and {"type": primitive} spelling, not docs', () => {
  const a = parse(v1);
  const b = parseAvroSchema(`{ "fields": [ { "type": {"type":"int"}, "name": "a" } ],\n "namespace": "x", "name": "Poll", "type": "record" }`);
  assert.equal(a.identity, b.identity);
  assert.notEqual(a.identity, parse({ ...v1, doc: 'a poll' }).identity);
  assert.equal(a.text, JSON.stringify(v1), 'the stored text is the submitted one, compacted');
});

test('invalid schemas and other schema types are refused as INVALID_SCHEMA', () => {
  const invalid = (fn: () => unknown, pattern: RegExp) =>
    assert.throws(fn, (err: unknown) => err instanceof RegistryError && err.errorCode === 42201 && pattern.test(err.message));
  invalid(() => parseAvroSchema('{not json'), /not JSON/);
  invalid(() => parseAvroSchema(JSON.stringify({ type: 'record', name: 'X', fields: [{ name: 'a', type: 'integer' }] })), /Invalid Avro schema/);
  invalid(() => parseAvroSchema(undefined), /"schema" string/);
  invalid(() => parseAvroSchema('"string"', 'PROTOBUF'), /PROTOBUF.*only AVRO/);
});

test('BACKWARD: a field with a default or a promotable type is accepted, a required field or a type change is not', () => {
  assert.deepEqual(compatibilityProblems(parse(withDefault).type, versions(v1), 'BACKWARD'), []);
  assert.deepEqual(compatibilityProblems(parse(widened).type, versions(v1), 'BACKWARD'), [], 'int → long promotes');
  assert.deepEqual(compatibilityProblems(parse(dropped).type, versions(v1), 'BACKWARD'), [], 'readers may ignore fields');
  const [required] = compatibilityProblems(parse(withRequired).type, versions(v1), 'BACKWARD');
  assert.match(required, /field "b".*no default/);
  const [changed] = compatibilityProblems(parse(typeChanged).type, versions(v1), 'BACKWARD');
  assert.match(changed, /field "a".*"int" cannot be read as "string"/);
});

test('FORWARD, FULL and NONE look the other way, both ways, or not at all', () => {
  assert.deepEqual(compatibilityProblems(parse(withRequired).type, versions(v1), 'FORWARD'), [], 'old readers ignore b');
  assert.equal(compatibilityProblems(parse(dropped).type, versions(v1), 'FORWARD').length, 1, 'old readers need a');
  assert.match(compatibilityProblems(parse(widened).type, versions(v1), 'FORWARD')[0], /version 1 cannot read/);
  assert.deepEqual(compatibilityProblems(parse(withDefault).type, versions(v1), 'FULL'), []);
  assert.equal(compatibilityProblems(parse(withRequired).type, versions(v1), 'FULL').length, 1);
  assert.deepEqual(compatibilityProblems(parse(typeChanged).type, versions(v1), 'NONE'), []);
});

test('transitive levels check every live version, the others only the latest', () => {
  // The candidate requires b: v2's data has it, v1's does not.
  const v2 = { ...v1, fields: [...v1.fields, { name: 'b', type: 'string', default: '' }] };
  const candidate = { ...v1, fields: [...v1.fields, { name: 'b', type: 'string' }] };
  assert.deepEqual(compatibilityProblems(parse(candidate).type, versions(v1, v2), 'BACKWARD'), [], 'v2 has b');
  const transitive = compatibilityProblems(parse(candidate).type, versions(v1, v2), 'BACKWARD_TRANSITIVE');
  assert.equal(transitive.length, 1);
  assert.match(transitive[0], /version 1: field "b"/);
});

test('compatibility levels parse case-insensitively; anything else is INVALID_COMPATIBILITY_LEVEL', () => {
  assert.equal(parseCompatibilityLevel('full_transitive'), 'FULL_TRANSITIVE');
  assert.throws(() => parseCompatibilityLevel('SIDEWAYS'), (err: unknown) => err instanceof RegistryError && err.errorCode === 42203);
});
