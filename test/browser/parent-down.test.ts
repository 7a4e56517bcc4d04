// Parent-down suppression as an operator sees it, in headless Chromium on the whole pipeline: the
// lab's upstream device cut off (its ICMP namespaces at 100 % loss, test/parent-down-lab.ts) makes
// outage anomalies on every device; the anomalies page lists them all, the ones behind the
// upstream device dimmed with "behind <upstream> (down)" (the upstream's own others with "device
// down"), the root cause undimmed naming how many devices it cuts off; the wall's ticker says the
// same. Screenshots kept with the test artefacts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import { needsRoot, startParentDownLab } from '../parent-down-lab.js';
import { ensureDashboardBuilt, launchBrowser, saveScreenshot, waitFor } from './browser-fixture.js';

const opacity = (l: Locator) => l.evaluate((el) => Number(getComputedStyle(el).opacity));

test('an upstream device down: the anomalies page and the ticker dim what it suppresses and name the root cause with its count', { timeout: 420_000, skip: needsRoot }, async (t) => {
  ensureDashboardBuilt();
  const { pipeline, upstream, behind, token, devicesAnswer, cut, everyDeviceDown, openAnomalies } = await startParentDownLab(t, 'uiparentdown');
  const browser = await launchBrowser();
  t.after(() => browser.close());
  await devicesAnswer();
  await cut();
  await everyDeviceDown();
  // Every device behind the upstream one has an anomaly marked, and the root cause counts them.
  const marked = await waitFor('the root cause and its suppressed anomalies marked', async () => {
    const open = await openAnomalies();
    const root = open.find((a) => a.deviceId === upstream && a.detector === 'rule:device-down' && a.suppressing === behind.length);
    const suppressed = open.filter((a) => a.suppressedBy?.deviceId === upstream);
    return root && behind.every((d) => suppressed.some((a) => a.deviceId === d)) ? { root, suppressed } : undefined;
  }, 60_000, 1_000);
  assert.equal(marked.root.suppressedBy, null);
  t.diagnostic(`root cause ${marked.root.id} on ${upstream}; ${marked.suppressed.length} anomalies suppressed behind it`);

  const page = await browser.newPage();
  await page.goto(`${pipeline.apiUrl}/?token=${token}#/anomalies`);
  const rootRow = page.locator(`tr[data-anomaly-id="${marked.root.id}"]`);
  await rootRow.locator('[data-testid=suppressing-badge]').waitFor({ timeout: 20_000 });
  assert.equal(await rootRow.locator('[data-testid=suppressing-badge]').innerText(), `root cause, ${behind.length} devices behind`);
  assert.doesNotMatch((await rootRow.getAttribute('class')) ?? '', /silenced/, 'the root cause is paged: not dimmed');
  assert.equal(await opacity(rootRow.locator('td').first()), 1);
  for (const a of marked.suppressed) {
    const row = page.locator(`tr[data-anomaly-id="${a.id}"]`);
    await row.locator('[data-testid=parent-down-badge]').waitFor({ timeout: 10_000 });
    // The upstream device's own other anomalies (its loss) are not "behind" it: they say it is down.
    assert.equal(await row.locator('[data-testid=parent-down-badge]').innerText(), a.deviceId === upstream ? 'device down' : `behind ${upstream} (down)`, `${a.deviceId} ${a.detector}`);
    assert.match((await row.getAttribute('class')) ?? '', /silenced/);
    assert.ok((await opacity(row.locator('td').first())) < 1, `${a.deviceId} ${a.detector} is dimmed`);
  }
  const anomaliesShot = await saveScreenshot(page, 'anomalies-parent-down');

  await page.goto(`${pipeline.apiUrl}/?token=${token}`);
  const rootItem = page.locator(`.ticker-item[data-anomaly-id="${marked.root.id}"]`);
  await rootItem.locator('[data-testid=suppressing-badge]').waitFor({ timeout: 20_000 });
  assert.equal(await rootItem.locator('[data-testid=suppressing-badge]').innerText(), `root cause, ${behind.length} devices behind`);
  assert.equal(await opacity(rootItem), 1);
  for (const a of marked.suppressed) {
    const item = page.locator(`.ticker-item[data-anomaly-id="${a.id}"]`);
    await item.locator('[data-testid=parent-down-badge]').waitFor({ timeout: 10_000 });
    assert.ok((await opacity(item)) < 1, `ticker: ${a.deviceId} ${a.detector} is dimmed`);
  }
  const wallShot = await saveScreenshot(page, 'wall-parent-down');
  t.diagnostic(`screenshots ${anomaliesShot} ${wallShot}`);
  assert.deepEqual(browser.pageErrors, [], 'no errors in the page');
});
