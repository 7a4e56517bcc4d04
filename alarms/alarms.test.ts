// The pure rules of alarm operations: matchers (exact, anchored regex), weekly windows in a time
// zone across midnight and a daylight-saving change, end times, and what the book refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AlarmOperation } from '../schemas/types.js';
import { matchesAll } from './alarm-match.js';
import { inRecurrence, localWeekMinute } from './recurrence.js';
import { AlarmBook, alarmOperationKey, alarmOperationProblem, inForceAt } from './alarm-book.js';

const facts = { deviceId: 'ams1-core-1', site: 'ams1', role: 'core', detector: 'rule:optical-rx-low', severity: 'CRITICAL' };

function op(over: Partial<AlarmOperation>): AlarmOperation {
  return { kind: 'SILENCE', id: 's1', matchers: [{ field: 'SITE', regex: false, value: 'ams1' }], startsAt: 0, endsAt: 10_000, recurrence: null, comment: 'c', createdBy: 'alice', createdAt: 0, expiredBy: null, ...over };
}

test('matchers: exact and whole-string regex, all must hold, an unknown site matches nothing', () => {
  assert.equal(matchesAll([{ field: 'DEVICE', regex: true, value: 'ams1-.*' }, { field: 'SEVERITY', regex: false, value: 'CRITICAL' }], facts), true);
  assert.equal(matchesAll([{ field: 'DEVICE', regex: true, value: 'core' }], facts), false, 'anchored: a part is not enough');
  assert.equal(matchesAll([{ field: 'RULE', regex: true, value: 'rule:optical-.*' }, { field: 'ROLE', regex: false, value: 'edge' }], facts), false);
  assert.equal(matchesAll([{ field: 'SITE', regex: true, value: '.*' }], { ...facts, site: undefined }), false);
});

test('weekly window: local days and minutes, past midnight, same local hours across a DST change', () => {
  const tue0230 = Date.parse('2026-12-08T01:30:00Z'); // 02:30 in Amsterdam (UTC+1), a Tuesday
  assert.deepEqual(localWeekMinute(tue0230, 'Europe/Amsterdam'), { day: 2, minute: 150 });
  const tuesdays2to6 = { timeZone: 'Europe/Amsterdam', days: [2], startMinute: 120, durationMinutes: 240 };
  assert.equal(inRecurrence(tuesdays2to6, tue0230), true);
  assert.equal(inRecurrence(tuesdays2to6, Date.parse('2026-12-08T05:00:00Z')), false, '06:00 local: over');
  assert.equal(inRecurrence(tuesdays2to6, Date.parse('2026-12-09T01:30:00Z')), false, 'a Wednesday');
  assert.equal(inRecurrence(tuesdays2to6, Date.parse('2026-07-07T00:30:00Z')), true, 'summer time: 02:30 local is 00:30 UTC');
  const sundayNight = { timeZone: 'UTC', days: [0], startMinute: 23 * 60, durationMinutes: 120 };
  assert.equal(inRecurrence(sundayNight, Date.parse('2026-12-07T00:30:00Z')), true, 'Monday 00:30 belongs to Sunday 23:00 + 2 h');
  assert.equal(inRecurrence(sundayNight, Date.parse('2026-12-07T01:00:00Z')), false);
});

test('in force from start to end (exclusive); a recurring window also within its occurrences', () => {
  assert.equal(inForceAt(op({}), 9_999), true);
  assert.equal(inForceAt(op({}), 10_000), false);
  const weekly = op({ kind: 'MAINTENANCE', endsAt: null, recurrence: { timeZone: 'UTC', days: [1], startMinute: 0, durationMinutes: 60 } });
  assert.equal(inForceAt(weekly, Date.parse('2026-12-07T00:10:00Z')), true);
  assert.equal(inForceAt(weekly, Date.parse('2026-12-07T01:10:00Z')), false);
});

test('the book: silences judged at the time asked, maintenance at opening, acknowledgements, tombstones', () => {
  const book = new AlarmBook();
  assert.equal(book.apply('silence:s1', op({ startsAt: 1_000, endsAt: 5_000 })), true);
  assert.equal(book.apply('maintenance:m1', op({ kind: 'MAINTENANCE', id: 'm1', matchers: [{ field: 'DEVICE', regex: false, value: 'ams1-core-1' }], startsAt: 20_000, endsAt: 30_000 })), true);
  assert.equal(book.suppressionOf(facts, 2_000, 2_000)?.id, 's1');
  assert.equal(book.suppressionOf(facts, 6_000, 6_000), null, 'the silence has ended');
  assert.equal(book.suppressionOf(facts, 40_000, 25_000)?.kind, 'MAINTENANCE', 'opened inside the window');
  assert.equal(book.suppressionOf(facts, 25_000, 10_000), null, 'opened before the window');
  book.apply('ack:a1', op({ kind: 'ACKNOWLEDGEMENT', id: 'a1', matchers: [], endsAt: null }));
  assert.equal(book.acknowledged('a1'), true);
  book.apply('silence:s1', null);
  assert.equal(book.suppressionOf(facts, 2_000, 2_000), null);
  assert.equal(alarmOperationKey({ kind: 'MAINTENANCE', id: 'm1' }), 'maintenance:m1');
});

test('what is refused: no matcher, a bad regex, a silence without end, maintenance on a role, a bad zone', () => {
  assert.match(alarmOperationProblem(op({ matchers: [] }))!, /at least one matcher/);
  assert.match(alarmOperationProblem(op({ matchers: [{ field: 'DEVICE', regex: true, value: '(' }] }))!, /matchers\[0\]\.value is not a valid regular expression/);
  assert.match(alarmOperationProblem(op({ endsAt: null }))!, /needs an end time/);
  assert.match(alarmOperationProblem(op({ kind: 'MAINTENANCE', matchers: [{ field: 'ROLE', regex: false, value: 'core' }] }))!, /DEVICE or SITE only/);
  assert.match(alarmOperationProblem(op({ kind: 'MAINTENANCE', endsAt: null, recurrence: { timeZone: 'Mars/Olympus', days: [1], startMinute: 0, durationMinutes: 60 } }))!, /not an IANA time zone/);
  assert.match(alarmOperationProblem(op({ startsAt: 10_000, endsAt: 10_000 }))!, /after the start/);
  const book = new AlarmBook();
  assert.equal(book.apply('silence:s1', op({ matchers: [] })), false, 'a bad record is skipped, not applied');
});
