import assert from 'node:assert/strict';
import { test } from 'node:test';
import { autoLayout, placeDevices, readSavedPositions, writeSavedPositions } from './map-layout.js';
import { linkColour, MapModel, opticalMarginDb, opticalOutline, STALE_COLOUR, utilisation, type MapLink } from './map-model.js';

const devices = [
  { deviceId: 'r3', site: 'nyc1', role: 'edge' },
  { deviceId: 'r1', site: 'nyc1', role: 'core' },
  { deviceId: 'r2', site: 'lon1', role: 'core' },
  { deviceId: 'r4', site: 'nyc1', role: 'edge' },
];

test('layout: sites are columns by name, core above edge, stable whatever the input order; an operator position wins', () => {
  const a = autoLayout(devices);
  const b = autoLayout([...devices].reverse());
  assert.deepEqual([...a].sort(), [...b].sort());
  assert.ok(a.get('r2')!.x < a.get('r1')!.x, 'lon1 left of nyc1');
  assert.ok(a.get('r1')!.y < a.get('r3')!.y, 'core above edge');
  assert.notDeepEqual(a.get('r3'), a.get('r4'), 'two devices of one cell do not overlap');
  for (const p of a.values()) assert.ok(p.x > 0 && p.x < 1 && p.y > 0 && p.y < 1);
  const saved = readSavedPositions(writeSavedPositions(new Map([['r3', { x: 0.5, y: 0.5 }], ['gone', { x: 0.1, y: 0.1 }]])));
  const placed = placeDevices(devices, saved);
  assert.deepEqual(placed.get('r3'), { x: 0.5, y: 0.5 });
  assert.ok(!placed.has('gone'));
  assert.equal(readSavedPositions('{not json').size, 0);
  assert.equal(readSavedPositions('{"r1":[2,0]}').size, 0, 'out of the map: ignored');
});

function link(over: Partial<MapLink> = {}): MapLink {
  return { id: 'l', a: 0, b: 1, aInterface: 'x', bInterface: 'y', speedBps: 10e9, state: 'CONFIRMED', difference: null, aOut: NaN, aIn: NaN, bOut: NaN, bIn: NaN, aRx: NaN, bRx: NaN, aRxLow: NaN, bRxLow: NaN, ts: 0, offset: 0, colour: STALE_COLOUR, outline: null, ...over };
}

test('model: the busier direction colours the link, the other end’s in-rate stands in, stale greys it; weak optics outline it', () => {
  assert.equal(utilisation(link({ aOut: 1e9, bOut: 8e9 })), 0.8);
  assert.equal(utilisation(link({ bIn: 3e9 })), 0.3, 'a→b from b’s in-rate when a’s out-rate is not polled');
  assert.ok(Number.isNaN(utilisation(link({ aOut: 1e9, speedBps: null }))));
  const model = new MapModel();
  const l = link();
  model.setLinks([l]);
  model.feed('s1', l, 'aOut');
  model.feed('rx1', l, 'aRx');
  model.feed('rx2', l, 'aRx');
  assert.ok(model.point('s1', 1_000, 9.5e9));
  assert.equal(model.point('nope', 1_000, 1), false);
  assert.equal(linkColour(l, 2_000), '#ef4444');
  assert.equal(linkColour(l, 1_000 + 60_000), STALE_COLOUR);
  // The model recolours on a point only when the band changes, and greys a link as it ages.
  model.changed.clear();
  model.point('s1', Date.now(), 9.6e9);
  assert.equal(l.colour, '#ef4444');
  model.changed.clear();
  model.point('s1', Date.now(), 9.7e9);
  assert.equal(model.changed.size, 0, 'same band: nothing to repaint');
  model.age(Date.now() + 60_000);
  assert.equal(l.colour, STALE_COLOUR);
  assert.ok(model.changed.has(l));
  model.point('rx1', 1_000, -3);
  model.point('rx2', 1_000, -13);
  assert.equal(opticalOutline(l), '#eab308', 'the weaker lane is 1 dB above the sensitivity');
  assert.equal(l.outline, '#eab308');
  model.point('rx2', 2_000, -4);
  assert.equal(opticalOutline(l), null, 'a lane that recovered clears the outline');
  assert.equal(l.outline, null);
  assert.deepEqual(model.seriesOf('l'), ['s1', 'rx1', 'rx2']);
});

test("the transceiver's own low-alarm threshold, when reported, judges the link instead of the rule's sensitivity", () => {
  const model = new MapModel();
  const l = link({});
  model.setLinks([l]);
  model.feed('rx', l, 'bRx');
  model.feed('low1', l, 'bRxLow');
  model.feed('low2', l, 'bRxLow');
  model.point('rx', 1_000, -11);
  assert.equal(l.outline, null, '3 dB over the default -14 dBm sensitivity: healthy');
  model.point('low1', 1_000, -12);
  assert.equal(l.outline, '#eab308', '1 dB over its own -12 dBm alarm: amber');
  model.point('low2', 1_000, -10);
  assert.equal(l.outline, '#ef4444', 'under the strictest lane threshold (-10 dBm): red');
  assert.equal(opticalMarginDb(l), -1);
});
