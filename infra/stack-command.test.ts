// Arguments of `opsconductor stack`.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStackArgs } from './stack-command.js';

test('defaults to the dev profile with the profile default broker count', () => {
  assert.deepEqual(parseStackArgs([]), { profile: 'dev', fresh: false });
});

test('reads --profile, --brokers (spaced or with =) and --fresh', () => {
  assert.deepEqual(parseStackArgs(['--profile', 'cluster', '--brokers=3', '--fresh']), { profile: 'cluster', brokers: 3, fresh: true });
  assert.deepEqual(parseStackArgs(['--profile=test', '--brokers', '1']), { profile: 'test', brokers: 1, fresh: false });
});

test('rejects unknown profiles, broker counts and flags with BAD_ARGUMENT', () => {
  for (const argv of [['--profile', 'prod'], ['--brokers', '2'], ['--nope']]) {
    assert.throws(() => parseStackArgs(argv), (err: { code?: string }) => err.code === 'BAD_ARGUMENT');
  }
});
