// A layout's choice of series and devices.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceRow, SeriesInfo } from '../api/documents.js';
import { PRESET_LAYOUTS, encodeLayout, parseLayout } from './layout.js';
import { selectRankedSeries, selectWallSeries } from './layout-series.js';

const s = (id: string, deviceId: string, metric: string, ifName: string): SeriesInfo => ({
  id,
  key: `${deviceId}/${metric}{ifName=${ifName}}`,
  deviceId,
  metric,
  labels: { ifName },
  unit: 'bps',
});
const d = (id: string, site: string): DeviceRow => ({ id, hostname: id, site, role: 'core', platform: 'x', status: 'active', health: null });

const inbound = [s('1', 'r1', 'if_in_bps', 'e0'), s('2', 'r1', 'if_in_bps', 'e1'), s('3', 'r2', 'if_in_bps', 'e0')];
const outbound = [s('4', 'r1', 'if_out_bps', 'e0'), s('5', 'r1', 'if_out_bps', 'e1'), s('6', 'r2', 'if_out_bps', 'e0')];
const devices = [d('r1', 'nyc'), d('r2', 'lon')];

test('default layout: in and out of each interface side by side, the devices in turn, capped at charts', () => {
  const sel = selectWallSeries(parseLayout(new URLSearchParams('charts=4')), [inbound, outbound], devices);
  assert.deepEqual(sel.series.map((x) => x.id), ['1', '4', '3', '6'], 'r1 e0, then r2 e0, before r1 e1');
  assert.equal(sel.deviceFilter, null);
  assert.equal(sel.tileDevices.length, 2);
});

test('a site restricts series and tiles to its devices', () => {
  const sel = selectWallSeries(parseLayout(new URLSearchParams('sites=lon')), [inbound, outbound], devices);
  assert.deepEqual(sel.series.map((x) => x.id), ['3', '6']);
  assert.deepEqual(sel.deviceFilter, ['r2']);
  assert.deepEqual(sel.tileDevices.map((x) => x.id), ['r2']);
});

test('devices and sites add up', () => {
  const sel = selectWallSeries(parseLayout(new URLSearchParams('devices=r1&sites=lon&series=/if_out_bps')), [outbound], devices);
  assert.deepEqual(sel.deviceFilter, ['r1', 'r2']);
  assert.deepEqual(sel.series.map((x) => x.id), ['4', '6', '5']);
});

test('twelve charts over four devices of eight interfaces: every device on the wall', () => {
  const many = ['r1', 'r2', 'r3', 'r10'].flatMap((dev) => Array.from({ length: 8 }, (_, i) => [s(`${dev}i${i}`, dev, 'if_in_bps', `e${i}`), s(`${dev}o${i}`, dev, 'if_out_bps', `e${i}`)]).flat());
  const sel = selectWallSeries(parseLayout(new URLSearchParams('')), [many], [d('r1', 'a'), d('r2', 'a'), d('r3', 'b'), d('r10', 'b')]);
  const perDevice = new Map<string, number>();
  for (const x of sel.series) perDevice.set(x.deviceId, (perDevice.get(x.deviceId) ?? 0) + 1);
  assert.deepEqual([...perDevice.entries()], [['r1', 4], ['r2', 4], ['r3', 2], ['r10', 2]]); // 6 interfaces: r1, r2, r3, r10, then r1, r2
  assert.deepEqual(sel.series.slice(0, 4).map((x) => x.id), ['r1i0', 'r1o0', 'r2i0', 'r2o0']);
});

test('by site: one row a site, each an equal share, its site named; too few series: the wall\'s own shape', () => {
  const more = [...inbound, s('7', 'r2', 'if_in_bps', 'e1')];
  const sel = selectWallSeries(parseLayout(new URLSearchParams('group=site&charts=4')), [more], devices);
  assert.deepEqual(sel.series.map((x) => x.deviceId), ['r2', 'r2', 'r1', 'r1'], 'lon before nyc, two each');
  assert.equal(sel.columns, 2);
  const short = selectWallSeries(parseLayout(new URLSearchParams('group=site&charts=4')), [inbound], devices);
  assert.equal(short.columns, null, 'lon has one series for a share of two: rows would not line up');
});

test('ranked: the API\'s order, an interface\'s in and out together at the better rank, devices and sites respected', () => {
  // Ranked by traffic: r2 e0 out is the busiest, then r1 e1 in, then r2 e0 in, then r1 e0 out.
  const ranked = [outbound[2], inbound[1], inbound[2], outbound[0]];
  const sel = selectRankedSeries(parseLayout(new URLSearchParams('rank=highest&charts=3')), ranked, devices);
  assert.deepEqual(sel.series.map((x) => x.id), ['3', '6', '2'], 'r2 e0 (in, out), then r1 e1');
  const nyc = selectRankedSeries(parseLayout(new URLSearchParams('rank=highest&sites=nyc')), ranked, devices);
  assert.deepEqual(nyc.series.map((x) => x.deviceId), ['r1', 'r1']);
});

test('presets round-trip through the URL: rank and grouping kept, unknown values ignored', () => {
  for (const p of PRESET_LAYOUTS) assert.equal(encodeLayout(parseLayout(new URLSearchParams(p.query))), p.query.replace(/\+/g, '+'));
  assert.equal(parseLayout(new URLSearchParams('rank=sideways&group=planet')).rank, null);
  assert.equal(parseLayout(new URLSearchParams('rank=LOWEST')).rank, 'lowest');
});
