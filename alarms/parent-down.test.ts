// Parent-down suppression on small topologies: who is cut off, by which root cause, and when
// nothing is (a second path, an island, nothing down).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parentDown, parseUpstream, type Upstream } from './parent-down.js';

const links = (...pairs: string[]) => pairs.map((p) => ({ aDeviceId: p.split('-')[0], bDeviceId: p.split('-')[1] }));
const sites: Record<string, string> = { core: 'nyc1', core2: 'nyc1' };
const view = (l: ReturnType<typeof links>, down: string[], upstream: Upstream = { sites: [], devices: ['core'] }) =>
  parentDown({ links: l, siteOf: (d) => sites[d], down: new Map(down.map((d) => [d, `${d}-down`])), upstream });

// core ─ agg ─ acc1 ─ cpe1
//          └── acc2
const tree = links('core-agg', 'agg-acc1', 'agg-acc2', 'acc1-cpe1');

test('a down aggregation cuts off everything behind it; it is the root cause, not suppressed itself', () => {
  const v = view(tree, ['agg', 'acc1', 'acc2']);
  assert.equal(v.suppressorOf('agg'), null);
  for (const d of ['acc1', 'acc2', 'cpe1']) assert.equal(v.suppressorOf(d), 'agg', d);
  assert.equal(v.suppressorOf('core'), null);
  assert.equal(v.behind('agg'), 3);
  assert.equal(v.behind('acc1'), 0, 'a down device behind the root cause is not one');
  assert.equal(v.suppressedBy('acc2', 'rule:loss-high', 'x'), 'agg');
  assert.equal(v.suppressedBy('agg', 'rule:loss-high', 'x'), 'agg', 'the down device\'s other anomalies are consequences of its outage');
  assert.equal(v.suppressedBy('agg', 'rule:device-down', 'agg-down'), null, 'its outage is the root cause');
  assert.equal(v.suppressedBy('agg', 'rule:device-down', 'agg-snmp-down'), 'agg', 'a second availability series of the same outage is not paged again');
  assert.equal(v.suppressedBy('core', 'band', 'x'), null);
});

test('a second path keeps a device reachable: not suppressed', () => {
  const v = view([...tree, ...links('core-acc2')], ['agg']);
  assert.equal(v.suppressorOf('acc2'), null);
  assert.equal(v.suppressorOf('acc1'), 'agg');
  assert.equal(v.behind('agg'), 2);
});

test('the upstream by site; a root down cuts off all of its side; islands and unknown devices never suppressed', () => {
  const v = view([...tree, ...links('island1-island2')], ['core'], { sites: ['nyc1'], devices: [] });
  assert.equal(v.behind('core'), 4);
  assert.equal(v.suppressorOf('cpe1'), 'core');
  assert.equal(v.suppressorOf('island2'), null);
  assert.equal(v.suppressorOf('nowhere'), null);
  assert.deepEqual(['core', 'agg', 'island1', 'nowhere'].map((d) => v.dependent(d)), [false, true, false, false]);
});

test('nothing down, or a down device with nothing behind it: nothing suppressed', () => {
  assert.equal(view(tree, []).suppressorOf('cpe1'), null);
  const v = view(tree, ['cpe1']);
  assert.equal(v.behind('cpe1'), 0);
  assert.equal(v.suppressorOf('cpe1'), null);
});

test('two root causes in parallel each claim their own side, deterministically', () => {
  const v = view(links('core-a', 'core-b', 'a-x', 'b-y', 'x-z', 'y-z'), ['a', 'b']);
  assert.deepEqual(['x', 'y', 'z'].map((d) => v.suppressorOf(d)), ['a', 'a', 'a']);
  assert.equal(v.behind('a'), 3);
  assert.equal(v.behind('b'), 0);
});

test('parseUpstream: sites and devices, empty is off, a bare "site:" is refused', () => {
  assert.deepEqual(parseUpstream(' site:nyc1, core-1 ,'), { sites: ['nyc1'], devices: ['core-1'] });
  assert.equal(parseUpstream(''), null);
  assert.throws(() => parseUpstream('site:'), /site name/);
});
