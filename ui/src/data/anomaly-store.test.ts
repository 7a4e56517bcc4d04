// The anomaly store behind the ticker and the chart markers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnomalyStore, silencedAt, type Anomaly } from './anomaly-store.js';

const event = (id: string, state: Anomaly['state'], startedAt: number, ts: number, over: Partial<Anomaly> = {}): Anomaly => ({
  anomalyId: id,
  state,
  seriesKey: `r1/optical_rx_dbm{port=${id}}`,
  deviceId: 'r1',
  metric: 'optical_rx_dbm',
  startedAt,
  ts,
  endedAt: state === 'CLOSE' ? ts : null,
  severity: 'MAJOR',
  ...over,
});

test('open anomalies come newest first; a CLOSE removes one from the ticker but keeps its marker', () => {
  const s = new AnomalyStore();
  let notified = 0;
  s.subscribe(() => notified++);
  s.upsert([event('a', 'OPEN', 1_000, 1_000), event('b', 'OPEN', 5_000, 5_000)]);
  assert.deepEqual(s.getOpen().map((a) => a.anomalyId), ['b', 'a']);
  s.upsert([event('a', 'CLOSE', 1_000, 9_000)]);
  assert.deepEqual(s.getOpen().map((a) => a.anomalyId), ['b']);
  assert.deepEqual(s.markersBySeries().get('r1/optical_rx_dbm{port=a}'), [{ startMs: 1_000, endMs: 9_000, severity: 'MAJOR' }]);
  assert.equal(notified, 2);
});

test('a late, older event does not reopen a closed anomaly; a flapping UPDATE does', () => {
  const s = new AnomalyStore();
  s.upsert([event('a', 'CLOSE', 1_000, 9_000)]);
  s.upsert([event('a', 'OPEN', 1_000, 1_000)]);
  assert.equal(s.getOpen().length, 0);
  s.upsert([event('a', 'UPDATE', 1_000, 12_000)]);
  assert.equal(s.getOpen().length, 1);
});

test('acknowledgement survives later events; closed anomalies are pruned after a while', () => {
  const s = new AnomalyStore(60_000);
  s.upsert([event('a', 'OPEN', 1_000, 1_000)]);
  s.acknowledged('a', 'alice', 2_000);
  s.upsert([event('a', 'UPDATE', 1_000, 3_000)]);
  assert.equal(s.get('a')?.acknowledgedBy, 'alice');
  s.upsert([event('a', 'CLOSE', 1_000, 4_000)]);
  s.prune(4_000 + 61_000);
  assert.equal(s.get('a'), undefined);
});

test('silenced: a silence shows until its end, a maintenance window for good; an event without the field keeps it', () => {
  const silence = { kind: 'SILENCE' as const, id: 's1', comment: 'works', endsAt: 5_000 };
  assert.equal(silencedAt(silence, 4_999), silence);
  assert.equal(silencedAt(silence, 5_000), null);
  assert.equal(silencedAt({ ...silence, kind: 'MAINTENANCE' }, 9_000)?.id, 's1');
  const s = new AnomalyStore();
  const a = { anomalyId: 'a', state: 'OPEN' as const, seriesKey: 'd/m', deviceId: 'd', metric: 'm', startedAt: 1_000, ts: 1_000, endedAt: null, severity: 'MAJOR' };
  s.upsert([{ ...a, silenced: silence }]);
  s.upsert([{ ...a, ts: 2_000 }]);
  assert.equal(s.get('a')?.silenced?.id, 's1');
  s.upsert([{ ...a, ts: 3_000, silenced: null }]);
  assert.equal(s.get('a')?.silenced, null, 'the API says nothing holds it any more');
});
