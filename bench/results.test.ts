// A bench run's record: the figures with the date, the commit measured and the machine.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { projectRoot } from '../infra/supervisor.js';
import { runRecord } from './results.js';

test('a run record carries the date to the minute, the checkout commit, the machine and the figures', () => {
  const r = runRecord(projectRoot, { bench: 'kafka', produce_ratio: 0.2 }, new Date('2026-12-08T01:02:03.456Z'), 'quiet machine');
  assert.equal(r.date, '2026-12-08T01:02Z');
  assert.match(r.commit ?? '', /^[0-9a-f]{12}(-dirty)?$/);
  assert.ok(r.machine.cores >= 1 && r.machine.memory_gib >= 1 && r.machine.cpu.length > 0, JSON.stringify(r.machine));
  assert.equal(r.note, 'quiet machine');
  assert.equal(r.bench, 'kafka');
  assert.equal(r.produce_ratio, 0.2);
});
