// Tombstones on alarm.operations, against real Kafka and PostgreSQL: silences and windows long
// ended and acknowledgements of anomalies long closed (or gone) are deleted from the topic, so a
// reader started afterwards never holds them; what is recent, still in force, or acknowledges an
// anomaly still open stays.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../common/log.js';
import { connectStreams, type Streams } from '../../streams/index.js';
import { followAlarmOperations } from '../../alarms/alarm-feed.js';
import { alarmOperationKey } from '../../alarms/alarm-book.js';
import { ALARM_RETENTION_DEFAULTS, expiredOperationKeys } from '../../alarms/alarm-retention.js';
import type { AlarmOperation } from '../../schemas/types.js';
import { createTestDatabase, insertAnomaly, type TestDatabase } from '../../test/api-db.js';
import { streamConfig, uniquePrefix } from '../../test/env.js';
import { compactAlarmOperations } from './alarm-compaction.js';
import { DAY_MS } from '../../common/time-units.js';

const logger = createLogger({ test: 'alarm-compaction' }, 'warn');
const NOW = Date.now();
let db: TestDatabase;
let streams: Streams;

function op(kind: AlarmOperation['kind'], id: string, over: Partial<AlarmOperation> = {}): AlarmOperation {
  const matchers = kind === 'ACKNOWLEDGEMENT' ? [] : [{ field: 'DEVICE' as const, regex: false, value: 'r1' }];
  return { kind, id, matchers, startsAt: NOW - 60 * DAY_MS, endsAt: null, recurrence: null, comment: 'c', createdBy: 'alice', createdAt: NOW - 60 * DAY_MS, expiredBy: null, ...over };
}

const ops = [
  op('SILENCE', 'sil-old', { endsAt: NOW - 8 * DAY_MS }),
  op('SILENCE', 'sil-recent', { endsAt: NOW - 1 * DAY_MS }),
  op('SILENCE', 'sil-now', { endsAt: NOW + DAY_MS }),
  op('MAINTENANCE', 'mw-old', { endsAt: NOW - 30 * DAY_MS }),
  op('MAINTENANCE', 'mw-recurring', { recurrence: { timeZone: 'UTC', days: [2], startMinute: 60, durationMinutes: 60 } }),
  op('ACKNOWLEDGEMENT', 'a-closed'),
  op('ACKNOWLEDGEMENT', 'a-gone'),
  op('ACKNOWLEDGEMENT', 'a-open'),
  op('ACKNOWLEDGEMENT', 'a-recent', { createdAt: NOW - DAY_MS }),
];
const KEPT = ['silence:sil-recent', 'silence:sil-now', 'maintenance:mw-recurring', 'ack:a-open', 'ack:a-recent'];

before(async () => {
  db = await createTestDatabase();
  streams = await connectStreams({ config: streamConfig(uniquePrefix('alarmcompact')), clientId: 'alarm-compaction-test', logger, writes: ['alarmOperations'] });
  await insertAnomaly(db.pool, { id: 'a-closed', deviceId: 'r1', seriesKey: 'r1/x{}', startedMs: NOW - 50 * DAY_MS, state: 'CLOSE', endedMs: NOW - 49 * DAY_MS });
  await insertAnomaly(db.pool, { id: 'a-open', deviceId: 'r1', seriesKey: 'r1/y{}', startedMs: NOW - 50 * DAY_MS });
}, { timeout: 30_000 });

after(async () => {
  await streams?.admin.deleteTopics(Object.values(streams.topics)).catch(() => undefined);
  await streams?.close();
  await db?.drop();
}, { timeout: 30_000 });

test('the retention rule alone', () => {
  const keys = expiredOperationKeys(ops, NOW, (id) => id === 'a-open');
  assert.deepEqual(keys.sort(), ['ack:a-closed', 'ack:a-gone', 'maintenance:mw-old', 'silence:sil-old']);
  assert.ok(ALARM_RETENTION_DEFAULTS.ackKeepMs > 30 * DAY_MS, 'longer than telemetry.anomalies keeps its events');
});

test('old records are tombstoned on the topic: a reader started afterwards never holds them', { timeout: 60_000 }, async () => {
  await streams.producer.send(streams.topics.alarmOperations, ops.map((o) => ({ key: alarmOperationKey(o), value: o })));
  const first = await followAlarmOperations(streams, { groupPrefix: 'compact-1', logger });
  await first.caughtUp;
  const removed = await compactAlarmOperations(db.pool, streams, first.book, NOW);
  await first.stop();
  assert.equal(removed.length, 4);
  const held = (b: typeof first.book) => [...b.list('SILENCE'), ...b.list('MAINTENANCE'), ...b.list('ACKNOWLEDGEMENT')].map(alarmOperationKey).sort();
  assert.deepEqual(held(first.book), [...KEPT].sort(), 'the book that compacted dropped them at once');
  const later = await followAlarmOperations(streams, { groupPrefix: 'compact-2', logger });
  await later.caughtUp;
  await later.stop();
  assert.deepEqual(held(later.book), [...KEPT].sort());
  assert.deepEqual(await compactAlarmOperations(db.pool, streams, later.book, NOW), [], 'nothing left to drop');
});
