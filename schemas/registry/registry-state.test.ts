// The log's meaning survives compaction: replaying a compacted log (last record per key, then
// tombstones gone too) gives the same state as replaying the full log, including after races
// between replicas, retractions, soft and permanent deletes and config changes. No Kafka here:
// the state machine is pure.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  configWrite,
  deletedKey,
  deletedWrite,
  idWrite,
  schemaKey,
  schemaWrite,
  tombstone,
  type LogWrite,
  type SchemaFact,
} from './log-records.js';
import { RegistryState } from './registry-state.js';

const schema = (name: string, extra: object[] = []) =>
  JSON.stringify({ type: 'record', name, fields: [{ name: 'a', type: 'int' }, ...extra] });
const X = schema('X');
const Y = schema('Y');
const Z = schema('Z');
const fact = (subject: string, version: number, id: number, text: string, proposal: string): SchemaFact => ({
  subject,
  version,
  id,
  schema: text,
  proposal,
});

function replay(log: LogWrite[]): { state: RegistryState; outcomes: unknown[] } {
  const state = new RegistryState();
  const outcomes = log.map((r) => state.apply(r.key, r.value));
  return { state, outcomes };
}

/** What Kafka's log cleaner leaves: the last record of each key, in offset order. */
function compact(log: LogWrite[], dropTombstones: boolean): LogWrite[] {
  const last = new Map<string, number>();
  log.forEach((r, i) => last.set(r.key, i));
  return log.filter((r, i) => last.get(r.key) === i && !(dropTombstones && r.value === null));
}

const sweepOfGarbage = tombstone(schemaKey('s', 1, 'p2'));

function raceLog(withSweep = true): LogWrite[] {
  const p = (n: number) => `p${n}`;
  return [
    schemaWrite(fact('s', 1, 1, X, p(1))), // accepted: s v1 = X (id 1)
    schemaWrite(fact('s', 1, 1, Y, p(2))), // a replica that had not seen p1: version taken → rejected; its writer crashed
    schemaWrite(fact('s', 2, 2, Y, p(3))), // s v2 = Y (id 2)
    schemaWrite(fact('t', 1, 2, Z, p(4))), // id 2 predicted concurrently for Z → rejected...
    tombstone(schemaKey('t', 1, p(4))), // ...retracted by its writer
    schemaWrite(fact('t', 1, 3, Z, p(5))), // ...which decides again: t v1 = Z (id 3)
    configWrite(null, 'NONE'),
    configWrite('s', 'FULL'),
    configWrite(null, 'FORWARD'),
    deletedWrite('s', 1), // soft delete s v1
    // permanent delete of s v1: live garbage first, then the id binding, then the slot
    ...(withSweep ? [sweepOfGarbage] : []),
    idWrite(1, X),
    tombstone(schemaKey('s', 1, p(1))),
    tombstone(deletedKey('s', 1)),
    schemaWrite(fact('u', 1, 1, X, p(6))), // X again, elsewhere: keeps id 1
    schemaWrite(fact('v', 1, 1, Z, p(7))), // a stale writer reusing id 1 for Z → rejected
    schemaWrite(fact('t', 1, 3, Z, p(5))), // a producer retry duplicating p5: no-op
    schemaWrite(fact('s', 3, 4, schema('X', [{ name: 'b', type: 'int', default: 0 }]), p(8))),
    configWrite('s', null), // subject config removed
  ];
}

test('applying the log decides races: first in log order wins, the loser is rejected', () => {
  const { state, outcomes } = replay(raceLog());
  const accepted = (i: number) => (outcomes[i] as { accepted?: boolean }).accepted;
  assert.equal(accepted(0), true);
  assert.equal(accepted(1), false);
  assert.equal(accepted(3), false);
  assert.equal(accepted(15), false, 'id 1 stays bound to X after X was deleted');
  assert.deepEqual(outcomes[16], { kind: 'schema', proposal: 'p5', accepted: true, duplicate: true });
  const { ids, ...rest } = state.snapshot() as { ids: Array<[number, string]> };
  assert.deepEqual(ids.map(([id, identity]) => [id, JSON.parse(identity).name]), [[1, 'X'], [2, 'Y'], [3, 'Z'], [4, 'X']]);
  assert.deepEqual(rest, {
    subjects: {
      s: [{ version: 2, id: 2, deleted: false }, { version: 3, id: 4, deleted: false }],
      t: [{ version: 1, id: 3, deleted: false }],
      u: [{ version: 1, id: 1, deleted: false }],
    },
    configs: [[null, 'FORWARD']],
    nextId: 5,
  });
  assert.equal(state.nextVersion('s'), 4);
  assert.deepEqual(state.garbageKeys(), [schemaKey('v', 1, 'p7')], 'only the rejection after the last permanent delete is live');
});

test('a compacted log replays to the same state, with or without its tombstones', () => {
  const full = replay(raceLog()).state.snapshot();
  assert.deepEqual(replay(compact(raceLog(), false)).state.snapshot(), full);
  assert.deepEqual(replay(compact(raceLog(), true)).state.snapshot(), full);
});

test('without the sweep of garbage, a rejected record would be accepted once its winner is compacted away', () => {
  const full = replay(raceLog(false)).state.snapshot();
  const compacted = replay(compact(raceLog(false), true)).state;
  assert.notDeepEqual(compacted.snapshot(), full);
  assert.equal(compacted.slot('s', 1)?.id, 1, 's v1 came back, as Y under id 1');
  assert.equal(JSON.parse(compacted.schemaText(1)!).name, 'Y');
});

test('keys per subject+version alone would not be safe: the loser of a race would survive compaction', () => {
  // The same race as above with proposal-free keys: compaction keeps the later (rejected) record.
  const unsafe = (f: SchemaFact): LogWrite => ({ key: schemaKey(f.subject, f.version, ''), value: JSON.stringify({ ...f, proposal: '' }) });
  const log = [unsafe(fact('s', 1, 1, X, '')), unsafe(fact('s', 1, 2, Y, ''))];
  const before = replay(log).state.slot('s', 1)?.id;
  const after = replay(compact(log, true)).state.slot('s', 1)?.id;
  assert.equal(before, 1);
  assert.equal(after, 2, 'the decision changed: this is why SCHEMA keys carry the proposal id');
});

test('a corrupt record throws from apply (the service logs and skips it) and leaves the state usable', () => {
  const state = new RegistryState();
  state.apply(schemaWrite(fact('s', 1, 1, X, 'p1')).key, schemaWrite(fact('s', 1, 1, X, 'p1')).value);
  assert.throws(() => state.apply(JSON.stringify({ keytype: 'CONFIG', subject: 's' }), JSON.stringify({ compatibilityLevel: 'SIDEWAYS' })));
  assert.equal(state.apply('not json', 'x').kind, 'other');
  assert.equal(state.slot('s', 1)?.id, 1);
});
