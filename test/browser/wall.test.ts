// The dashboard in a real browser (headless Chromium) against the real API on synthetic data
// (synthetic-wall.ts: the api role's server, a database with the sink's schema, a live feed):
// the wall loads and advances, shows bands, tiles, the ticker and markers; layouts from the URL
// (site, kiosk, rotation) and from the layout menu (saved, rotating kiosk link with the token);
// the preset layouts (busiest links, optics at risk, by site); survives the API going away and coming back on the same port (stale banner, reconnect, gap
// backfilled); a viewer never sees the acknowledge button while an operator acknowledges; the
// explorer's tier follows zoom, search adds a series, CSV export.
// Screenshots go to the test artefacts. The lab and the whole pipeline: pipeline-wall.test.ts.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { testEnv } from '../env.js';
import { ensureDashboardBuilt, launchBrowser, saveScreenshot, type BrowserSession, wallCharts, waitFor, type ChartState } from './browser-fixture.js';
import { SYNTHETIC_IF_NAMES, startSyntheticWall, type SyntheticWall } from './synthetic-wall.js';

let wall: SyntheticWall;
let browser: BrowserSession;

before(async () => {
  ensureDashboardBuilt();
  wall = await startSyntheticWall({ databaseUrl: testEnv.databaseUrl, charts: 12, historyMin: 15 });
  browser = await launchBrowser();
}, { timeout: 90_000 });

after(async () => {
  await browser?.close();
  await wall?.close();
}, { timeout: 30_000 });

const charts = wallCharts;

/** Every chart's newest point moves past `sinceMs`. */
const allAdvancedPast = (page: Page, sinceMs: number, count: number) =>
  waitFor(`${count} charts with points after ${new Date(sinceMs).toISOString()}`, async () => {
    const c = await charts(page);
    return c.length === count && c.every((x) => (x.lastTs ?? 0) > sinceMs) ? c : undefined;
  }, 15_000);

test('the wall loads: live charts advance with their bands, tiles by health, the open anomaly in the ticker and as a marker', { timeout: 60_000 }, async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${wall.url}/?token=${wall.viewerToken}`);
    const first = await waitFor('12 charts with history', async () => {
      const c = await charts(page);
      return c.length === 12 && c.every((x) => x.points > 600) ? c : undefined;
    }, 20_000);
    assert.equal(new URL(page.url()).searchParams.get('token'), null, 'the token leaves the address bar');
    const newest = Math.max(...first.map((c) => c.lastTs ?? 0));
    await allAdvancedPast(page, newest + 1_500, 12);
    await waitFor('baseline bands on every chart', async () => (await charts(page)).every((c) => c.band), 10_000);

    const victim = wall.series[1];
    const marked = await waitFor('the open anomaly as a marker', async () => (await charts(page)).find((c) => c.key === victim.key && c.markers === 1), 10_000);
    assert.equal(marked.seriesId, victim.id);
    assert.equal((await charts(page)).filter((c) => c.markers > 0).length, 1, 'only the anomalous series is marked');
    const ticker = page.locator(`.ticker-item[data-anomaly-id="${wall.openAnomalyId}"]`);
    await ticker.waitFor({ timeout: 5_000 });
    assert.match(await ticker.innerText(), /MAJOR/);

    // Tiles coloured by score: the synthetic devices hold 96, 62 and 31.
    await page.locator('.tile[data-device="wall-r3"]').waitFor({ timeout: 5_000 });
    assert.match((await page.getAttribute('.tile[data-device="wall-r1"]', 'class')) ?? '', /tile-good/);
    assert.match((await page.getAttribute('.tile[data-device="wall-r2"]', 'class')) ?? '', /tile-fair/);
    assert.match((await page.getAttribute('.tile[data-device="wall-r3"]', 'class')) ?? '', /tile-bad/);
    assert.match(await page.innerText('[data-testid=last-data]'), /last data \d+ s ago/);
    assert.equal(await page.locator('[data-testid=stale-banner]').count(), 0);
    await saveScreenshot(page, 'wall');
    assert.deepEqual(browser.pageErrors, [], 'no errors in the page');
  } finally {
    await page.close();
  }
});

test('chart titles show the whole interface name inside their box, on a 1920×1080 and a 1280×720 wall', { timeout: 45_000 }, async () => {
  for (const viewport of [{ width: 1920, height: 1080 }, { width: 1280, height: 720 }]) {
    const page = await browser.newPage({ viewport });
    try {
      await page.goto(`${wall.url}/?token=${wall.viewerToken}`);
      await waitFor('12 charts with their values', async () => ((await charts(page)).length === 12 && (await page.$$eval('.panel-value', (v) => v.every((e) => /\d/.test((e as HTMLElement).innerText)))) ? true : undefined), 20_000);
      const titles = await page.$$eval('.panel', (panels) =>
        panels.map((p) => {
          const detail = p.querySelector<HTMLElement>('.panel-detail')!;
          const device = p.querySelector<HTMLElement>('.panel-device')!;
          const value = p.querySelector<HTMLElement>('.panel-value')!;
          // No helper function here: the page would not know tsx's __name wrapper around it.
          return {
            key: p.getAttribute('data-series-key') ?? '',
            text: detail.innerText,
            fits: detail.scrollWidth <= detail.clientWidth + 1 && detail.scrollHeight <= detail.clientHeight + 1,
            device: device.innerText,
            deviceFits: device.scrollWidth <= device.clientWidth + 1,
            valueFits: value.scrollWidth <= value.clientWidth + 1,
            hover: p.getAttribute('title') ?? '',
          };
        }),
      );
      assert.equal(titles.length, 12);
      for (const t of titles) {
        const ifName = /ifName=([^}]+)/.exec(t.key)![1];
        assert.ok(SYNTHETIC_IF_NAMES.includes(ifName));
        assert.ok(t.text.replace(/\s+/g, '').includes(ifName), `${viewport.width}×${viewport.height}: "${t.text}" names ${ifName}`);
        assert.ok(t.fits, `${viewport.width}×${viewport.height}: the title of ${t.key} is cut ("${t.text}")`);
        assert.equal(t.hover, t.key, 'the full series on hover');
        assert.ok(t.deviceFits && t.device === t.key.split('/')[0], `${viewport.width}×${viewport.height}: the device of ${t.key} shows in full ("${t.device}")`);
        assert.ok(t.valueFits, `${viewport.width}×${viewport.height}: the value of ${t.key} is cut`);
      }
      await saveScreenshot(page, `wall-titles-${viewport.width}x${viewport.height}`);
    } finally {
      await page.close();
    }
  }
});

test('a layout in the URL: one site, kiosk mode (no menus), rotation through two layouts', { timeout: 30_000 }, async () => {
  const page = await browser.newPage();
  try {
    const nyc = encodeURIComponent('name=NYC&sites=nyc1&series=/if_in_bps');
    const out = encodeURIComponent('name=Out&series=/if_out_bps&charts=4');
    await page.goto(`${wall.url}/?l=${nyc}&l=${out}&rotate=10&kiosk=1&token=${wall.viewerToken}`);
    const nycCharts = await waitFor('the NYC layout', async () => {
      const c = await charts(page);
      return c.length > 0 ? c : undefined;
    }, 15_000);
    // wall-r1 and wall-r3 are in nyc1 (every other device), two if_in_bps series each.
    assert.deepEqual([...new Set(nycCharts.map((c) => c.key.split('/')[0]))].sort(), ['wall-r1', 'wall-r3']);
    assert.ok(nycCharts.every((c) => c.key.includes('/if_in_bps')));
    assert.match(await page.innerText('.brand-sub'), /NYC · 1\/2/);
    assert.equal(await page.locator('.menu').count(), 0, 'kiosk mode shows no menu');
    const rotated = await waitFor('the second layout after rotation', async () => {
      const c = await charts(page);
      return c.length === 4 && c.every((x) => x.key.includes('/if_out_bps')) ? c : undefined;
    }, 15_000);
    assert.equal(rotated.length, 4);
    assert.match(await page.innerText('.brand-sub'), /Out · 2\/2/);
  } finally {
    await page.close();
  }
});

test('preset layouts: busiest links as the API ranks them, optics at risk weakest first, one row a site; each from more than one device', { timeout: 60_000 }, async () => {
  const page = await browser.newPage();
  const devicesOf = (c: ChartState[]) => new Set(c.map((x) => x.key.split('/')[0]));
  try {
    // The menu offers the presets.
    await page.goto(`${wall.url}/?token=${wall.viewerToken}`);
    await page.click('.menu-layout summary');
    assert.deepEqual(await page.$$eval('.menu-presets a', (a) => a.map((e) => (e as HTMLElement).innerText)), ['Interface traffic', 'Busiest links', 'Optics at risk', 'By site']);

    // Busiest links: the first chart is the interface the API ranks first.
    const res = await fetch(`${wall.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${wall.viewerToken}` },
      body: JSON.stringify({ query: '{ topSeries(search: ["/if_in_bps", "/if_out_bps"], limit: 1) { series { key } } }' }),
    });
    const topKey = ((await res.json()) as { data: { topSeries: Array<{ series: { key: string } }> } }).data.topSeries[0].series.key;
    await page.goto(`${wall.url}/?name=Busiest+links&rank=highest&charts=6&token=${wall.viewerToken}`);
    const busiest = await waitFor('6 ranked charts', async () => ((await charts(page)).length === 6 ? charts(page) : undefined), 15_000);
    const order = await page.$$eval('.panel', (p) => p.map((e) => e.getAttribute('data-series-key') ?? ''));
    assert.equal(order[0].replace('/if_out_', '/if_in_'), topKey.replace('/if_out_', '/if_in_'), `first chart ${order[0]} is the API's busiest ${topKey}`);
    assert.ok(devicesOf(busiest).size > 1, `busiest links from ${[...devicesOf(busiest)]}`);
    await saveScreenshot(page, 'layout-busiest-links');

    // Optics at risk: weakest receiver first (wall-r3 -18.5 dBm, wall-r2 -10.5, wall-r1 -2.5).
    await page.goto(`${wall.url}/?name=Optics+at+risk&series=optical_rx_dbm&rank=lowest&token=${wall.viewerToken}`);
    await waitFor('3 optics charts', async () => ((await charts(page)).length === 3 ? true : undefined), 15_000);
    assert.deepEqual(await page.$$eval('.panel', (p) => p.map((e) => (e.getAttribute('data-series-key') ?? '').split('/')[0])), ['wall-r3', 'wall-r2', 'wall-r1']);
    await saveScreenshot(page, 'layout-optics-at-risk');

    // By site: lon1's row (wall-r2), then nyc1's (wall-r1 and wall-r3 in turn), each panel naming its site.
    await page.goto(`${wall.url}/?name=By+site&group=site&charts=8&token=${wall.viewerToken}`);
    const bySite = await waitFor('8 charts by site', async () => ((await charts(page)).length === 8 ? charts(page) : undefined), 15_000);
    const rows = await page.$$eval('.panel-device', (d) => d.map((e) => (e as HTMLElement).innerText));
    assert.deepEqual(rows.slice(0, 4), ['lon1 · wall-r2', 'lon1 · wall-r2', 'lon1 · wall-r2', 'lon1 · wall-r2']);
    assert.deepEqual(rows.slice(4).map((r) => r.split(' · ')[0]), ['nyc1', 'nyc1', 'nyc1', 'nyc1']);
    assert.equal(await page.$eval('.wall', (w) => getComputedStyle(w).gridTemplateColumns.split(' ').length), 4, 'one row a site');
    assert.ok(devicesOf(bySite).size > 1);
    await saveScreenshot(page, 'layout-by-site');
    assert.deepEqual(browser.pageErrors, [], 'no errors in the page');
  } finally {
    await page.close();
  }
});

test('the layout menu saves layouts and builds a rotating kiosk link that carries the token', { timeout: 30_000 }, async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${wall.url}/?token=${wall.viewerToken}`);
    await page.click('.menu-layout summary');
    await page.fill('input[name=name]', 'All');
    await page.click('.menu-panel button:text-is("Save")');
    await page.fill('input[name=name]', 'London');
    await page.fill('input[name=sites]', 'lon1');
    await page.click('.menu-panel button:text-is("Save")');
    const boxes = page.locator('.menu-saved-row input[type=checkbox]');
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.click('.menu-panel button:text-is("Copy rotating kiosk link")');
    const link = new URL((await page.innerText('.menu-copied code')).trim());
    assert.deepEqual(link.searchParams.getAll('l'), ['name=All', 'name=London&sites=lon1']);
    assert.equal(link.searchParams.get('rotate'), '60');
    assert.equal(link.searchParams.get('kiosk'), '1');
    assert.equal(link.searchParams.get('token'), wall.viewerToken);
  } finally {
    await page.close();
  }
});

test('the API goes away and comes back on the same port: stale banner, reconnect, gap backfilled', { timeout: 150_000 }, async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${wall.url}/?token=${wall.viewerToken}`);
    await waitFor('a live wall', async () => (await charts(page)).length === 12 && (await page.getAttribute('[data-testid=link-state]', 'data-state')) === 'live', 20_000);
    await allAdvancedPast(page, Date.now(), 12);

    const downAt = Date.now();
    await wall.stopApi();
    await page.locator('[data-testid=stale-banner]').waitFor({ timeout: 10_000 });
    assert.match(await page.innerText('[data-testid=stale-banner]'), /STALE/);
    assert.equal(await page.getAttribute('[data-testid=link-state]', 'data-state'), 'reconnecting');
    await page.waitForTimeout(6_000); // points keep reaching the database: a gap the wall must fill
    await saveScreenshot(page, 'wall-stale');
    await wall.startApi();
    const upAt = Date.now();

    await waitFor('the link live again', async () => (await page.getAttribute('[data-testid=link-state]', 'data-state')) === 'live', 30_000);
    await page.locator('[data-testid=stale-banner]').waitFor({ state: 'detached', timeout: 10_000 });
    await allAdvancedPast(page, upAt + 1_000, 12);
    // The seconds without a socket were filled from the database (one point a second went on
    // being written): most of them are on every chart, where no live point could have come from.
    const outageS = (upAt - downAt) / 1000;
    const during = (await page.evaluate(`window.opsconductorWall.charts(${downAt + 1_000}, ${upAt - 1_000})`)) as Array<ChartState & { pointsInRange: number }>;
    for (const c of during) assert.ok(c.pointsInRange >= (outageS - 2) * 0.6, `${c.key}: ${c.pointsInRange} points in the ${outageS.toFixed(1)} s outage`);
  } finally {
    await page.close();
    await wall.startApi(); // a failure midway must not leave the later tests without an API
  }
});

test('a viewer never sees the acknowledge button; an operator acknowledges', { timeout: 30_000 }, async () => {
  const viewer = await browser.newPage();
  try {
    await viewer.goto(`${wall.url}/?token=${wall.viewerToken}#/anomalies`);
    await viewer.locator(`tr[data-anomaly-id="${wall.openAnomalyId}"]`).waitFor({ timeout: 10_000 });
    assert.equal(await viewer.innerText('[data-testid=role]'), 'viewer');
    assert.equal(await viewer.locator('[data-testid=ack-button]').count(), 0, 'no acknowledge button for a viewer');
  } finally {
    await viewer.close();
  }
  const operator = await browser.newPage();
  try {
    await operator.goto(`${wall.url}/?token=${wall.operatorToken}#/anomalies`);
    const row = operator.locator(`tr[data-anomaly-id="${wall.openAnomalyId}"]`);
    await row.waitFor({ timeout: 10_000 });
    await row.locator('[data-testid=ack-button]').click();
    await row.locator('[data-testid=ack-done]').waitFor({ timeout: 10_000 });
    assert.match(await row.locator('[data-testid=ack-done]').innerText(), /noc-operator/);
  } finally {
    await operator.close();
  }
});

test('the explorer: a 7-day range reads a rollup, a drag zoom to hours reads raw points, search adds a series, CSV export', { timeout: 45_000 }, async () => {
  const page = await browser.newPage();
  try {
    const ids = `${wall.series[0].id},${wall.series[1].id}`;
    await page.goto(`${wall.url}/?token=${wall.viewerToken}#/explore?s=${ids}&range=7d`);
    const tierOf = () => page.getAttribute('[data-testid=tier]', 'data-tier');
    const wide = await waitFor('a rollup tier for 7 days', async () => {
      const t = await tierOf();
      return t && t !== 'raw' ? t : undefined;
    }, 15_000);
    assert.match(wide, /^(5m|1h|1d)(,|$)/);
    const chart = page.locator('[data-testid=explorer-chart] .u-over');
    await chart.waitFor({ timeout: 10_000 });
    // Bands and anomalies arrive after the readings and redraw the chart: drag once all is in.
    await page.locator('[data-testid=explore-main][data-loading=false]').waitFor({ timeout: 10_000 });
    // Drag over the last tenth of the week (about 17 hours): buckets under 5 min come from raw points.
    const box = (await chart.boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width - 2, y); // at the right edge: up to now
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.9, y, { steps: 5 });
    await page.mouse.up();
    const narrow = await waitFor('the raw tier after the zoom', async () => ((await tierOf()) === 'raw' ? 'raw' : undefined), 15_000);
    assert.equal(narrow, 'raw');
    assert.match(page.url(), /from=\d+&to=\d+/, 'the zoomed range is in the URL');
    await waitFor('points on the zoomed chart', async () => Number(await page.getAttribute('[data-testid=explorer-chart]', 'data-points')) > 0, 10_000);
    await saveScreenshot(page, 'explorer');

    // Search adds a third series to the overlay.
    await page.fill('[data-testid=series-search]', 'wall-r2/if_in');
    const hit = page.locator('[data-testid=series-result][data-series-key="wall-r2/if_in_bps{ifName=HundredGigE0/0/0/0}"]');
    await hit.waitFor({ timeout: 10_000 });
    await hit.click();
    await page.locator('.chip').nth(2).waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('.chip').count(), 3);
    assert.equal(await tierOf(), 'raw', 'the zoomed range is kept');

    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10_000 }), page.click('[data-testid=export-csv]')]);
    const csv = readFileSync((await download.path()), 'utf8').split('\n');
    assert.equal(csv[0], 'series,timestamp,value,min,max,tier,bucket_ms');
    assert.ok(csv.length > 10, `${csv.length} CSV lines`);
    assert.ok(csv[1].startsWith(wall.series[0].key.includes(',') ? '"' : 'wall-r1/'), csv[1]);
  } finally {
    await page.close();
  }
});
