// The weathermap in headless Chromium against the real API on the lab's topology (the lab's
// devices and cabling, the plan's interface rates, fed live once a second; synthetic-map.ts):
// every lab link is drawn and coloured; raising one interface's traffic recolours its link on
// the canvas (read back from the pixels); a click on a device opens its page; a dragged device
// keeps its place across a reload. The screenshot is kept in a temp dir the test prints.

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { testEnv } from '../env.js';
import { ensureDashboardBuilt, launchBrowser, waitFor, type BrowserSession } from './browser-fixture.js';
import { startSyntheticMap, type SyntheticMap } from './synthetic-map.js';

let map: SyntheticMap;
let browser: BrowserSession;
const RED = '#ef4444';

before(async () => {
  ensureDashboardBuilt();
  map = await startSyntheticMap({ databaseUrl: testEnv.databaseUrl, network: { kind: 'lab', devices: 4, interfaces: 8 } });
  browser = await launchBrowser();
}, { timeout: 90_000 });

after(async () => {
  await browser?.close();
  await map?.close();
}, { timeout: 30_000 });

// Plain strings for page.evaluate: functions would carry tsx's __name helper into the page.
const probe = (page: Page, expr: string) => page.evaluate(`(() => { const m = window.__ocMap; return m ? ${expr} : null; })()`);

/** The canvas pixel at a point, as #rrggbb. */
const pixelAt = (page: Page, x: number, y: number) =>
  page.evaluate(`(() => {
    const c = document.querySelector('canvas.map-canvas');
    const ratio = c.width / c.getBoundingClientRect().width;
    const d = c.getContext('2d').getImageData(Math.round(${x} * ratio), Math.round(${y} * ratio), 1, 1).data;
    return '#' + [d[0], d[1], d[2]].map((v) => v.toString(16).padStart(2, '0')).join('');
  })()`) as Promise<string>;

test('the map shows every lab link, recolours one when its traffic rises, opens a device on click, keeps a dragged position', { timeout: 90_000 }, async () => {
  const page = await browser.newPage();
  const shots = mkdtempSync(join(os.tmpdir(), 'oc-map-'));
  try {
    await page.goto(`${map.url}/?token=${map.viewerToken}#/map`);
    await waitFor('every lab link on the map, none stale', async () => {
      const n = await probe(page, 'm.links');
      if (n !== map.linkIds.length) return undefined;
      const colours = (await probe(page, `m.linkIds().map((id) => m.colourOf(id))`)) as string[];
      return colours.every((c) => c !== '#3a4450') ? colours : undefined;
    }, 30_000);
    assert.equal(await probe(page, 'm.devices'), map.devices.length);
    const lab = (await probe(page, 'm.linkIds()')) as string[];
    assert.deepEqual([...lab].sort(), [...map.linkIds].sort(), 'the links drawn are the lab’s cables');

    // The lab's rates are a few hundred Mb/s on 10G and 100G ports: no link is red yet.
    const victim = map.linkIds[0];
    assert.notEqual(await probe(page, `m.colourOf(${JSON.stringify(victim)})`), RED);
    const before = await saveShot(page, shots, 'map-before');
    const [aDevice, aIf] = victim.split(' <> ')[0].split(/:(.*)/s) as [string, string];
    map.setRate(aDevice, aIf, 99e9); // the a end now sends 99 Gb/s: above 85 % of either port speed
    await waitFor('the link turns red', async () => (await probe(page, `m.colourOf(${JSON.stringify(victim)})`)) === RED, 15_000);
    const mid = (await probe(page, `m.midpointOf(${JSON.stringify(victim)})`)) as { x: number; y: number };
    await waitFor('red pixels where the link is drawn', async () => (await pixelAt(page, mid.x, mid.y)) === RED, 5_000);
    const afterShot = await saveShot(page, shots, 'map-recoloured');
    console.log(`# weathermap screenshots: ${before} ${afterShot}`);
    assert.deepEqual(browser.pageErrors, []);

    // Drag the first device somewhere else: kept over a reload.
    const deviceId = map.devices[0].id;
    const from = (await probe(page, `m.devicePoint(${JSON.stringify(deviceId)})`)) as { x: number; y: number };
    const box = (await page.locator('canvas.map-canvas').boundingBox())!;
    await page.mouse.move(box.x + from.x, box.y + from.y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.9, { steps: 5 });
    await page.mouse.up();
    await page.reload();
    const kept = await waitFor('the dragged device where it was dropped', async () => {
      const p = (await probe(page, `m.links > 0 ? m.devicePoint(${JSON.stringify(deviceId)}) : null`)) as { x: number; y: number } | null;
      return p && Math.abs(p.y - box.height * 0.9) < 3 ? p : undefined;
    }, 20_000);
    assert.ok(Math.abs(kept.x - box.width * 0.5) < 3);

    // A click on a device opens its page.
    await page.mouse.click(box.x + kept.x, box.y + kept.y);
    await waitFor('the device page', async () => page.url().includes(`#/devices/${encodeURIComponent(deviceId)}`), 5_000);
  } finally {
    await page.close();
  }
});

async function saveShot(page: Page, dir: string, name: string): Promise<string> {
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
