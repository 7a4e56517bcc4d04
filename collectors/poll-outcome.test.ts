// The pollers' outcome log: one warning when a target starts failing or its failure changes code,
// one info line when it recovers, nothing while it keeps its outcome; targets apart by key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../common/log.js';
import { pollOutcomeLogger } from './poll-outcome.js';

test('logs changes of outcome only, per key, with the fields and the failure', () => {
  const lines: Array<Record<string, unknown>> = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => (lines.push(JSON.parse(String(chunk))), true));
  try {
    const note = pollOutcomeLogger(createLogger({ test: 'poll-outcome' }, 'info'), 'snmp poll');
    const timeout = { code: 'SNMP_TIMEOUT', message: 'no response' };
    note('r1', null, { deviceId: 'r1' }); // first poll fine: nothing to say
    note('r1', timeout, { deviceId: 'r1' });
    note('r1', timeout, { deviceId: 'r1' }); // still failing the same way
    note('r2', timeout, { deviceId: 'r2' }); // another target
    note('r1', { code: 'SNMP_UNREACHABLE', message: 'refused' }, { deviceId: 'r1' });
    note('r1', null, { deviceId: 'r1' });
    note('r1', null, { deviceId: 'r1' });
  } finally {
    process.stderr.write = write;
  }
  assert.deepEqual(
    lines.map(({ level, msg, deviceId, code, reason }) => ({ level, msg, deviceId, code, reason })),
    [
      { level: 'warn', msg: 'snmp poll failing', deviceId: 'r1', code: 'SNMP_TIMEOUT', reason: 'no response' },
      { level: 'warn', msg: 'snmp poll failing', deviceId: 'r2', code: 'SNMP_TIMEOUT', reason: 'no response' },
      { level: 'warn', msg: 'snmp poll failing', deviceId: 'r1', code: 'SNMP_UNREACHABLE', reason: 'refused' },
      { level: 'info', msg: 'snmp poll recovered', deviceId: 'r1', code: undefined, reason: undefined },
    ],
  );
});
