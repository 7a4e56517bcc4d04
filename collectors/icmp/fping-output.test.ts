// fping's count-mode report, line by line: values, losses, complaints and damage confined to
// the target whose line is damaged.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFpingReport } from './fping-output.js';
import { rttStats } from '../../devices/rtt-stats.js';

const asked = new Set(['127.0.0.1', '10.203.9.130', '10.203.9.100', '10.203.9.2', '192.0.2.300', '::1']);

test('reads RTTs and losses per target, in sending order', () => {
  const text = ['127.0.0.1     : 0.033 0.020 0.035', '10.203.9.130  : 48.0 - 50.6', '10.203.9.100  : - - -', '::1           : 0.1 0.2 0.3', ''].join('\n');
  const r = parseFpingReport(text, 3, asked);
  assert.deepEqual(r.byAddress.get('127.0.0.1'), { kind: 'rtts', rttsMs: [0.033, 0.02, 0.035] });
  assert.deepEqual(r.byAddress.get('10.203.9.130'), { kind: 'rtts', rttsMs: [48, null, 50.6] });
  assert.deepEqual(r.byAddress.get('10.203.9.100'), { kind: 'rtts', rttsMs: [null, null, null] });
  assert.deepEqual(r.byAddress.get('::1'), { kind: 'rtts', rttsMs: [0.1, 0.2, 0.3] });
  assert.deepEqual(r.noise, []);
});

test('a damaged line is malformed for its own target only; complaints and noise are told apart', () => {
  const text = [
    '127.0.0.1     : 0.033 0.0x0 0.035', // garbage value
    '10.203.9.130  : 48.0 50.6', // truncated
    '10.203.9.2    : 1.0 1.1 1.2',
    '192.0.2.300: Name or service not known',
    'fping: something about the run',
  ].join('\n');
  const r = parseFpingReport(text, 3, asked);
  assert.equal(r.byAddress.get('127.0.0.1')?.kind, 'malformed');
  assert.match((r.byAddress.get('10.203.9.130') as { reason: string }).reason, /2 values where 3/);
  assert.deepEqual(r.byAddress.get('10.203.9.2'), { kind: 'rtts', rttsMs: [1, 1.1, 1.2] });
  assert.deepEqual(r.byAddress.get('192.0.2.300'), { kind: 'rejected', reason: 'Name or service not known' });
  assert.deepEqual(r.noise, ['fping: something about the run']);
});

test('stats: min/avg/max over replies, jitter = mean |RTT(i) - RTT(i-1)| over replies, nulls with too few', () => {
  assert.deepEqual(rttStats([10, null, 14, 11]), { sent: 4, received: 3, rttMinMs: 10, rttAvgMs: 11.667, rttMaxMs: 14, jitterMs: 3.5 });
  assert.deepEqual(rttStats([5, null]), { sent: 2, received: 1, rttMinMs: 5, rttAvgMs: 5, rttMaxMs: 5, jitterMs: null });
  assert.deepEqual(rttStats([null, null]), { sent: 2, received: 0, rttMinMs: null, rttAvgMs: null, rttMaxMs: null, jitterMs: null });
});
