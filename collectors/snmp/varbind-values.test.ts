import assert from 'node:assert/strict';
import { test } from 'node:test';
import { counter64ToBigint, octetsToText, toSnmpValue } from './varbind-values.js';

test('Counter64 BER contents become exact bigints', { timeout: 5_000 }, () => {
  assert.equal(counter64ToBigint(Buffer.alloc(0)), 0n);
  assert.equal(counter64ToBigint(Buffer.from([0x01])), 1n);
  assert.equal(counter64ToBigint(Buffer.from('0e563ca9', 'hex')), 0x0e563ca9n);
  assert.equal(counter64ToBigint(Buffer.from('1fffffffffffff', 'hex')), 2n ** 53n - 1n);
  assert.equal(counter64ToBigint(Buffer.from('0123456789abcdef', 'hex')), 0x0123456789abcdefn);
  assert.equal(counter64ToBigint(Buffer.from('ffffffffffffffff', 'hex')), 2n ** 64n - 1n);
  assert.equal(counter64ToBigint(Buffer.from('00ffffffffffffffff', 'hex')), 2n ** 64n - 1n); // sign byte
  assert.throws(() => counter64ToBigint(Buffer.from('01ffffffffffffffff', 'hex')), { code: 'SNMP_MALFORMED' });
  assert.equal(counter64ToBigint(42), 42n);
});

test('octet strings: text when printable, 0x-hex otherwise', { timeout: 5_000 }, () => {
  assert.equal(octetsToText(Buffer.from('Gi0/0/0/1')), 'Gi0/0/0/1');
  assert.equal(octetsToText(Buffer.from('eth0\0')), 'eth0');
  assert.equal(octetsToText(Buffer.from('Zürich uplink')), 'Zürich uplink');
  assert.equal(octetsToText(Buffer.from('02a1b2c3d4e5', 'hex')), '0x02a1b2c3d4e5');
  assert.equal(octetsToText(Buffer.from([0xc3, 0x28])), '0xc328'); // invalid UTF-8
});

test('varbinds map to their RawSnmpPoll kind, exceptions to null', { timeout: 5_000 }, () => {
  const oid = '1.3.6.1.2.1.2.2.1.14.3';
  assert.deepEqual(toSnmpValue('ifInErrors', { oid, type: 65, value: 4_294_967_295 }, '3'), {
    name: 'ifInErrors', oid, index: '3', kind: 'COUNTER32', counter: 4_294_967_295n, number: null, text: null,
  });
  assert.equal(toSnmpValue('x', { oid, type: 66, value: 7 }, '3')?.number, 7);
  assert.equal(toSnmpValue('x', { oid, type: 64, value: '10.0.0.1' }, '3')?.kind, 'IP_ADDRESS');
  assert.equal(toSnmpValue('x', { oid, type: 6, value: '1.3.6.1.4.1.9' }, '3')?.text, '1.3.6.1.4.1.9');
  assert.equal(toSnmpValue('x', { oid, type: 129, value: null }, '3'), null);
  assert.equal(toSnmpValue('x', { oid, type: 130, value: null }, '3'), null);
});
