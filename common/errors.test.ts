// The one error catalogue: each code once, canRetry from the catalogue unless the raiser knows
// better, and a code outside the catalogue does not type-check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorCatalogue, errorCodeOf, errorCodes, isErrorCode, mergeErrorGroups, OpsError } from './errors.js';

test("OpsError's canRetry is the catalogue's unless the raiser says otherwise", () => {
  assert.equal(errorCatalogue.KAFKA_UNAVAILABLE.canRetry, true);
  assert.equal(new OpsError('KAFKA_UNAVAILABLE', 'down').canRetry, true);
  assert.equal(new OpsError('KAFKA_UNAVAILABLE', 'closing', { canRetry: false }).canRetry, false);
  assert.equal(new OpsError('CONFIG_INVALID', 'bad').canRetry, false);
  const cause = new Error('inner');
  const err = new OpsError('SINK_WRITE_FAILED', 'outer', { cause });
  assert.equal(err.cause, cause);
  assert.equal(err.code, 'SINK_WRITE_FAILED');
});

test('a code outside the catalogue is refused by the type checker', () => {
  // @ts-expect-error: not in the catalogue (tsc fails on this line if OpsError took any string)
  const err = new OpsError('NOT_A_CATALOGUED_CODE', 'x', { canRetry: false });
  assert.equal(isErrorCode(err.code), false);
  assert.equal(isErrorCode('SNMP_TIMEOUT'), true);
  assert.equal(isErrorCode('toString'), false);
});

test('a code defined by two components is refused, naming both', () => {
  const spec = { canRetry: false, meaning: 'twice' };
  assert.throws(() => mergeErrorGroups([{ component: 'A', codes: { X_TWICE: spec } }, { component: 'B', codes: { X_TWICE: spec } }]), /X_TWICE is in the catalogue twice \(A and B\)/);
  assert.equal(new Set(errorCodes).size, errorCodes.length);
});

test('errorCodeOf passes foreign codes on and falls back for errors without one', () => {
  assert.equal(errorCodeOf(Object.assign(new Error('pg'), { code: '23505' })), '23505');
  assert.equal(errorCodeOf(new Error('no code')), 'UNEXPECTED');
  assert.equal(errorCodeOf('thrown string', 'PROCESSING_FAILED'), 'PROCESSING_FAILED');
});
