// What the dashboard reads from a token: only the role, only to decide what to show.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canAcknowledge, roleOfToken } from './token.js';

const tokenWith = (payload: object) => `e30.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;

test('the role comes from the payload; anything odd is a viewer', () => {
  assert.equal(roleOfToken(tokenWith({ sub: 'a', role: 'operator' })), 'operator');
  assert.equal(roleOfToken(tokenWith({ sub: 'a', role: 'admin' })), 'admin');
  assert.equal(roleOfToken(tokenWith({ sub: 'a', role: 'root' })), 'viewer');
  assert.equal(roleOfToken(tokenWith({ sub: 'a' })), 'viewer');
  assert.equal(roleOfToken('not-a-jwt'), 'viewer');
  assert.equal(roleOfToken('a.%%%.c'), 'viewer');
});

test('operator and the roles above it acknowledge; a viewer does not', () => {
  assert.deepEqual((['viewer', 'operator', 'analyst', 'admin'] as const).map(canAcknowledge), [false, true, true, true]);
});
