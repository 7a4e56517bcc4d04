// Wall layouts travel in URLs: parsing is forgiving and bounded, encoding round-trips.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LAYOUT_DEFAULTS, encodeLayout, parseLayout, parseWallConfig, saveLayout, savedLayouts, wallLink } from './layout.js';

test('a bare URL is the default wall: interface traffic, 12 charts, 15 minutes', () => {
  const c = parseWallConfig('');
  assert.equal(c.layouts.length, 1);
  assert.deepEqual(c.layouts[0].series, LAYOUT_DEFAULTS.series);
  assert.equal(c.layouts[0].charts, 12);
  assert.equal(c.rotateS, 0);
  assert.equal(c.kiosk, false);
  assert.equal(c.staleS, LAYOUT_DEFAULTS.staleS);
  assert.equal(parseWallConfig('?stale=90').staleS, 90);
});

test('one layout from plain parameters, bounded numbers', () => {
  const l = parseLayout(new URLSearchParams('name=Core&devices=r1, r2,&sites=nyc1&series=optical_rx_dbm&charts=500&window=abc'));
  assert.deepEqual(l, { name: 'Core', devices: ['r1', 'r2'], sites: ['nyc1'], series: ['optical_rx_dbm'], charts: LAYOUT_DEFAULTS.maxCharts, windowMin: 15, rank: null, bySite: false });
});

test('several layouts rotate; a too-fast rotation is slowed down; kiosk flag', () => {
  const search = `?l=${encodeURIComponent('name=A&devices=r1')}&l=${encodeURIComponent('name=B&sites=lon')}&rotate=3&kiosk=1`;
  const c = parseWallConfig(search);
  assert.deepEqual(c.layouts.map((l) => l.name), ['A', 'B']);
  assert.deepEqual(c.layouts[1].sites, ['lon']);
  assert.equal(c.rotateS, LAYOUT_DEFAULTS.minRotateS);
  assert.equal(c.kiosk, true);
  assert.equal(parseWallConfig('?rotate=30').rotateS, 0, 'one layout never rotates');
});

test('links round-trip, with the viewer token when asked', () => {
  const config = parseWallConfig(`?l=${encodeURIComponent('name=A&charts=48')}&l=${encodeURIComponent('name=B&window=60')}&rotate=45&kiosk=1&stale=60`);
  const link = wallLink('http://wall:8080', config, 'tok.en');
  const url = new URL(link);
  assert.equal(url.searchParams.get('token'), 'tok.en');
  assert.deepEqual(parseWallConfig(url.search), config);
  const single = parseLayout(new URLSearchParams(encodeLayout(config.layouts[0])));
  assert.deepEqual(single, config.layouts[0]);
});

test('saved layouts survive a corrupt store entry', () => {
  const data = new Map<string, string>();
  const store = { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
  data.set(LAYOUT_DEFAULTS.storageKey, '{not json');
  assert.deepEqual(savedLayouts(store), {});
  saveLayout(store, parseLayout(new URLSearchParams('name=Core&devices=r1')));
  assert.deepEqual(savedLayouts(store), { Core: 'name=Core&devices=r1' });
});
