// The log line a shipper reads: JSON on stderr with level, ISO time, the role's bound fields and
// the message; errors with code, stack and cause; secrets replaced wherever code put them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, REDACTED } from './log.js';

function captured(fn: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
  try {
    fn();
  } finally {
    process.stderr.write = write;
  }
  return lines.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('one JSON line per event: level, ISO time, bound fields, fields, message; below the level nothing', () => {
  const lines = captured(() => {
    const log = createLogger({ role: 'sink' }, 'info');
    log.debug('not shown');
    log.info('batch written', { rows: 120, big: 2n ** 40n });
    log.child({ partition: 3 }).warn('lag growing', { lag: 5000 });
  });
  assert.equal(lines.length, 2);
  assert.equal(lines[0].level, 'info');
  assert.match(String(lines[0].time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.deepEqual({ role: lines[0].role, rows: lines[0].rows, msg: lines[0].msg }, { role: 'sink', rows: 120, msg: 'batch written' });
  assert.deepEqual({ level: lines[1].level, role: lines[1].role, partition: lines[1].partition, lag: lines[1].lag }, { level: 'warn', role: 'sink', partition: 3, lag: 5000 });
  assert.equal(lines[0].pid, undefined, 'no pid/hostname noise on every line');
});

test('a key bound twice appears once in the line, the innermost value', () => {
  const raw: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (raw.push(String(chunk)), true));
  try {
    createLogger({ role: 'registry', topic: 'a' }, 'info').child({ role: 'registry', component: 'log' }).info('created', { topic: 'b' });
  } finally {
    process.stderr.write = write;
  }
  const line = raw.join('');
  assert.equal(line.match(/"role":/g)?.length, 1, line);
  assert.equal(line.match(/"topic":/g)?.length, 1, line);
  assert.equal(JSON.parse(line).topic, 'b');
});

test('an error keeps its code, message, stack and cause', () => {
  const [line] = captured(() => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    createLogger({}, 'info').error('copy failed', { err: Object.assign(new Error('sink write failed', { cause }), { code: 'SINK_WRITE_FAILED' }) });
  });
  const err = line.err as { code: string; message: string; stack: string };
  assert.equal(err.code, 'SINK_WRITE_FAILED');
  assert.match(err.message, /sink write failed/);
  assert.match(err.stack, /at .*log\.test\.ts/);
  assert.match(err.stack, /caused by: Error: connect ECONNREFUSED/);
});

test('secrets are replaced at the top level and one object down, whatever logged them', () => {
  const secret = 'hunter2-s3cret-value';
  const raw = captured(() =>
    createLogger({}, 'info').info('connecting', {
      password: secret,
      token: secret,
      config: { kafkaSaslPassword: secret, mcpPassword: secret, user: 'alice' },
      device: { community: secret, address: '10.0.0.1' },
      headers: { authorization: `Bearer ${secret}` },
    }),
  );
  assert.ok(!JSON.stringify(raw).includes(secret), 'the secret appears nowhere');
  const [line] = raw;
  assert.equal(line.password, REDACTED);
  assert.deepEqual(line.config, { kafkaSaslPassword: REDACTED, mcpPassword: REDACTED, user: 'alice' });
  assert.deepEqual(line.device, { community: REDACTED, address: '10.0.0.1' });
});
