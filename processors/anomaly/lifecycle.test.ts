import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnomalyEvent } from '../../schemas/types.js';
import type { RuleHit } from '../rules/rules.js';
import { anomalyId, stepAnomaly, type Episode, type Observation, type SeriesIdentity } from './lifecycle.js';
import { lifecycleDefaults as cfg } from './settings.js';

const id: SeriesIdentity = { seriesKey: 'r1/if_in_bps{ifName=eth0}', deviceId: 'r1', metric: 'if_in_bps', labels: { ifName: 'eth0' }, unit: 'bps' };
const t0 = 1_763_000_000_000;
const step = 30_000;

/** A series expected at 10 with spread 1 (band 7..13). */
const obs = (i: number, value: number, score = 0, rule: RuleHit | null = null): Observation => ({
  ts: t0 + i * step,
  value,
  rule,
  scored: { score, expected: 10, spread: 1, lower: 7, upper: 13, seasonal: false, pointZ: value - 10 },
});

function feed(list: Observation[], start: Episode | null = null): { events: AnomalyEvent[]; episode: Episode | null } {
  let episode = start;
  const events: AnomalyEvent[] = [];
  for (const o of list) {
    const r = stepAnomaly(episode, id, o, cfg);
    episode = r.episode;
    if (r.event) events.push(r.event);
  }
  return { events, episode };
}

test('opens at openScore, stays open while outside the band, closes after 3 quiet polls spanning 2 min', () => {
  const { events } = feed([obs(0, 10), obs(1, 30, 0.45), obs(2, 30, 0.6), obs(3, 30, 0), obs(4, 30, 0), obs(5, 10), obs(6, 10), obs(7, 10), obs(8, 10), obs(9, 10), obs(10, 10)]);
  assert.deepEqual(events.map((e) => [e.state, e.ts]), [['OPEN', t0 + 2 * step], ['CLOSE', t0 + 9 * step]]);
  assert.equal(events[1].endedAt, t0 + 5 * step);
  assert.equal(events[0].severity, 'WARNING');
  assert.equal(events[0].anomalyId, anomalyId(id.seriesKey, t0 + 2 * step));
});

test('hysteresis: a score between closeScore and openScore keeps an anomaly open, and a deviation to the other side does not', () => {
  const { events } = feed([obs(0, 30, 0.95), obs(1, 11, 0.3), obs(2, 11, 0.3), obs(3, 11, 0.3), obs(4, 11, 0.3), obs(5, 11, 0.3), obs(6, 2), obs(7, 2), obs(8, 2), obs(9, 2), obs(10, 2)]);
  assert.deepEqual(events.map((e) => [e.state, e.ts]), [['OPEN', t0], ['CLOSE', t0 + 10 * step]]);
});

test('severity rises at once; the extreme value updates at most once a minute', () => {
  const minor: RuleHit = { rule: 'test', severity: 'CRITICAL', reason: 'test rule', forPolls: 1, expected: 10, lower: 7, upper: 13 };
  const { events } = feed([obs(0, 20, 0.6), obs(1, 40), obs(2, 80), obs(3, 160), obs(4, 170, 0, minor), obs(5, 300)]);
  assert.deepEqual(events.map((e) => [e.state, e.ts, e.severity]), [
    ['OPEN', t0, 'WARNING'],
    ['UPDATE', t0 + 2 * step, 'WARNING'], // extreme grew; throttled at 1 (30 s after the OPEN)
    ['UPDATE', t0 + 4 * step, 'CRITICAL'], // escalation: not throttled
  ]);
  assert.equal(events[2].detector, 'rule:test');
  assert.match(events[1].reason, /extreme 80 bps/);
  assert.ok(events.every((e) => e.anomalyId === events[0].anomalyId && e.startedAt === t0));
});

test('a trigger within the cool-down re-opens the same anomaly; after it, a new one opens', () => {
  const quiet = (from: number, n: number) => Array.from({ length: n }, (_, k) => obs(from + k, 10));
  const first = feed([obs(0, 30, 0.9), ...quiet(1, 5)]);
  assert.deepEqual(first.events.map((e) => e.state), ['OPEN', 'CLOSE']);
  const again = feed([obs(8, 30, 0.9), ...quiet(9, 5)], first.episode);
  assert.deepEqual(again.events.map((e) => e.state), ['UPDATE'], 'no CLOSE after 5 quiet polls: a flapping anomaly needs 15 min');
  assert.equal(again.events[0].anomalyId, first.events[0].anomalyId);
  assert.match(again.events[0].reason, /re-opened 90 s after it closed \(flapping, re-open 1\)/);
  const closed = feed(quiet(14, 30), again.episode);
  assert.deepEqual(closed.events.map((e) => e.state), ['CLOSE']);
  const later = feed([obs(14 + 30 + 40, 30, 0.9)], closed.episode);
  assert.deepEqual(later.events.map((e) => e.state), ['OPEN']);
  assert.notEqual(later.events[0].anomalyId, first.events[0].anomalyId);
});

test('an anomaly only the detector holds open ends as the new normal after detectorMaxOpenMs', () => {
  const hours = cfg.detectorMaxOpenMs / step;
  const list = [obs(0, 30, 0.9), ...Array.from({ length: hours + 5 }, (_, k) => obs(k + 1, 30))];
  const { events } = feed(list);
  assert.deepEqual(events.map((e) => e.state), ['OPEN', 'CLOSE']);
  assert.match(events[1].reason, /sustained for 6 h: taken as the new normal/);
});

test('the id is a pure function of series and start', () => {
  assert.equal(anomalyId('a/b', 1), anomalyId('a/b', 1));
  assert.notEqual(anomalyId('a/b', 1), anomalyId('a/b', 2));
  assert.notEqual(anomalyId('a/b', 1), anomalyId('a/c', 1));
});
