// A layout's choice of series and devices.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceRow, SeriesInfo } from '../api/documents.js';
import { parseLayout } from './layout.js';
import { selectWallSeries } from './layout-series.js';

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

test('default layout: in and out of each interface side by side, capped at charts', () => {
  const sel = selectWallSeries(parseLayout(new URLSearchParams('charts=4')), [inbound, outbound], devices);
  assert.deepEqual(sel.series.map((x) => x.id), ['1', '4', '2', '5']);
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
  assert.deepEqual(sel.series.map((x) => x.id), ['4', '5', '6']);
});
