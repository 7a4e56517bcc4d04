// Silences in the browser (headless Chromium) against the real API on the synthetic wall, with
// alarm.operations on real Kafka: an operator silences the open anomaly's device through GraphQL;
// the anomalies page marks that row silenced (dimmed, with a badge) and the wall's ticker says so;
// once the silence is expired the mark is gone. Screenshot kept with the test artefacts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../common/log.js';
import { connectStreams, type Streams } from '../../streams/index.js';
import { followAlarmOperations, type AlarmFeed } from '../../alarms/alarm-feed.js';
import { kafkaAlarmOps } from '../../api/alarms/alarm-ops.js';
import { eventually, streamConfig, testEnv, uniquePrefix } from '../env.js';
import { ensureDashboardBuilt, launchBrowser, saveScreenshot, type BrowserSession } from './browser-fixture.js';
import { startSyntheticWall, type SyntheticWall } from './synthetic-wall.js';
import { HOUR_MS } from '../../common/time-units.js';

const logger = createLogger({ test: 'browser-alarms' }, 'warn');
let wall: SyntheticWall;
let browser: BrowserSession;
let streams: Streams;
let feed: AlarmFeed;
let prefix: string;

before(async () => {
  ensureDashboardBuilt();
  prefix = uniquePrefix('uialarms');
  streams = await connectStreams({ config: streamConfig(prefix), clientId: 'browser-alarms', logger, writes: ['alarmOperations'] });
  feed = await followAlarmOperations(streams, { groupPrefix: 'browser-alarms', logger });
  await feed.caughtUp;
  wall = await startSyntheticWall({ databaseUrl: testEnv.databaseUrl, charts: 4, historyMin: 5, alarms: kafkaAlarmOps(streams, feed.book) });
  browser = await launchBrowser();
}, { timeout: 90_000 });

after(async () => {
  await browser?.close();
  await wall?.close();
  await feed?.stop();
  await streams?.admin.deleteTopics(Object.values(streams.topics).filter((t) => t.startsWith(prefix))).catch(() => undefined);
  await streams?.close();
}, { timeout: 30_000 });

async function asOperator<T>(query: string): Promise<T> {
  const res = await fetch(`${wall.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${wall.operatorToken}` }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as { data: T; errors?: unknown };
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

test('a silenced anomaly is marked in the anomalies page and the ticker, and unmarked once the silence is expired', { timeout: 60_000 }, async () => {
  const { anomaly } = await asOperator<{ anomaly: { deviceId: string } }>(`{ anomaly(id: "${wall.openAnomalyId}") { deviceId } }`);
  const { createSilence } = await asOperator<{ createSilence: { id: string } }>(
    `mutation { createSilence(input: { matchers: [{ field: DEVICE, value: "${anomaly.deviceId}" }], durationMinutes: 30, comment: "optics swap CHG-7" }) { id } }`,
  );
  const page = await browser.newPage();
  try {
    await page.goto(`${wall.url}/?token=${wall.viewerToken}#/anomalies`);
    const row = page.locator(`tr[data-anomaly-id="${wall.openAnomalyId}"]`);
    await row.locator('[data-testid=silenced-badge]').waitFor({ timeout: 10_000 });
    assert.equal(await row.locator('[data-testid=silenced-badge]').innerText(), 'silenced');
    assert.match((await row.getAttribute('class')) ?? '', /silenced/);
    assert.match((await row.locator('[data-testid=silenced-badge]').getAttribute('title')) ?? '', /optics swap CHG-7 \(until /);
    await saveScreenshot(page, 'anomalies-silenced');

    await page.goto(`${wall.url}/?token=${wall.viewerToken}`);
    const ticker = page.locator(`.ticker-item[data-anomaly-id="${wall.openAnomalyId}"]`);
    await ticker.locator('[data-testid=ticker-silenced]').waitFor({ timeout: 15_000 });
    assert.match(await ticker.locator('[data-testid=ticker-silenced]').innerText(), /silenced: optics swap CHG-7/);

    await asOperator(`mutation { expireSilence(id: "${createSilence.id}") { id } }`);
    await page.goto(`${wall.url}/?token=${wall.viewerToken}#/anomalies`);
    await row.waitFor({ timeout: 10_000 });
    assert.equal(await row.locator('[data-testid=silenced-badge]').count(), 0, 'expired: no longer marked');
    assert.deepEqual(browser.pageErrors, [], 'no errors in the page');
  } finally {
    await page.close();
  }
});

test('an operator silences an anomaly from its row (device and rule prefilled) and expires it; a viewer gets no form', { timeout: 60_000 }, async () => {
  const viewer = await browser.newPage();
  try {
    await viewer.goto(`${wall.url}/?token=${wall.viewerToken}#/anomalies`);
    await viewer.locator('[data-testid=silences-panel]').waitFor({ timeout: 10_000 });
    await viewer.locator(`tr[data-anomaly-id="${wall.openAnomalyId}"]`).waitFor({ timeout: 10_000 });
    assert.equal(await viewer.locator('[data-testid=silence-new], [data-testid=silence-this]').count(), 0, 'a viewer cannot silence');
  } finally {
    await viewer.close();
  }
  const page = await browser.newPage();
  try {
    await page.goto(`${wall.url}/?token=${wall.operatorToken}#/anomalies`);
    const row = page.locator(`tr[data-anomaly-id="${wall.openAnomalyId}"]`);
    await row.locator('[data-testid=silence-this]').click({ timeout: 10_000 });
    const form = page.locator('[data-testid=silence-form]');
    const values = await form.locator('[data-testid=silence-matcher-value]').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
    const { anomaly } = await asOperator<{ anomaly: { deviceId: string; detector: string } }>(`{ anomaly(id: "${wall.openAnomalyId}") { deviceId detector } }`);
    assert.deepEqual(values, [anomaly.deviceId, anomaly.detector], 'prefilled with the device and the rule');
    // Without a comment the browser refuses the form; with one that is blank the API says why.
    await form.locator('[data-testid=silence-comment]').fill(' ');
    await form.locator('[data-testid=silence-submit]').click();
    await page.locator('[data-testid=silence-error]').waitFor({ timeout: 10_000 });
    assert.match(await page.locator('[data-testid=silence-error]').innerText(), /Not silenced: comment must have/);
    await form.locator('[data-testid=silence-comment]').fill('line card swap CHG-9');
    await form.locator('[data-testid=silence-submit]').click();
    await page.locator('[data-testid=silence-item]').first().waitFor({ timeout: 10_000 });
    assert.match(await page.locator('[data-testid=silence-item]').first().innerText(), /line card swap CHG-9 \(noc-operator\)/);
    await row.locator('[data-testid=silenced-badge]').waitFor({ timeout: 10_000 });
    const { silences } = await asOperator<{ silences: Array<{ id: string; matchers: Array<{ field: string; value: string }>; endsAt: number }> }>('{ silences { id matchers { field value } endsAt } }');
    assert.equal(silences.length, 1);
    assert.deepEqual(silences[0].matchers.map((m) => m.field), ['DEVICE', 'RULE']);
    assert.ok(Math.abs(silences[0].endsAt - (Date.now() + 2 * HOUR_MS)) < 5 * 60_000, 'ends at the default two hours');
    await saveScreenshot(page, 'anomalies-silence-form');

    await page.locator('[data-testid=silence-expire]').first().click();
    await eventually('the silence expired', async () => ((await asOperator<{ silences: unknown[] }>('{ silences { id } }')).silences.length === 0 ? true : undefined), 10_000);
    await eventually('the row no longer marked', async () => ((await row.locator('[data-testid=silenced-badge]').count()) === 0 ? true : undefined), 10_000);
    assert.equal(await page.locator('[data-testid=silence-item]').count(), 0);
    // The one refusal above is answered 400, which Chromium logs; anything else is a fault.
    assert.deepEqual(browser.pageErrors.filter((e) => !/status of 400/.test(e)), [], 'no errors in the page');
  } finally {
    await page.close();
  }
});
