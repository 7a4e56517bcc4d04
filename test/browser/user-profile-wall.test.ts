// A profile a user adds as a file, no code, on the whole pipeline: the YAML in SNMP_PROFILES_DIR of
// the collector and the processor, the lab device's inventory entry re-imported listing it (what
// README "Devices and profiles" tells an operator to do), and the metric it declares is polled,
// stored, served by the api (series catalogue and readings, at the rate the lab's counters move)
// and charted on the wall in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { signToken } from '../../api/auth/jwt.js';
import { startRole } from '../../infra/supervisor.js';
import type { LabDevice } from '../../infra/lab/lab.js';
import { startTestPipeline } from '../pipeline-fixture.js';
import { ensureDashboardBuilt, launchBrowser, saveScreenshot, wallCharts, waitFor } from './browser-fixture.js';

// A metric no built-in profile declares: IF-MIB's 32-bit out-octet counter, as bytes per second.
const PROFILE_NAME = 'my-if-out-octets';
const METRIC = 'if_out_octets_ps';
const PROFILE = `# my own, dropped in SNMP_PROFILES_DIR
name: ${PROFILE_NAME}
description: 'a user profile on the wall: no code'
index: [ifIndex]
columns:
  - { name: ifOutOctets, oid: 1.3.6.1.2.1.2.2.1.16, type: Counter32, metric: ${METRIC}, unit: Bps }
`;

interface InventoryFile {
  devices: Array<{ deviceId: string; snmp: { profiles: string[] } }>;
}

test('a user profile file is polled, served by the api and charted on the wall', { timeout: 240_000 }, async (t) => {
  ensureDashboardBuilt();
  const runDir = mkdtempSync(join(tmpdir(), 'oc-user-profile-wall-'));
  const profilesDir = join(runDir, 'profiles');
  mkdirSync(profilesDir);
  writeFileSync(join(profilesDir, `${PROFILE_NAME}.yaml`), PROFILE);
  const profiles = { SNMP_PROFILES_DIR: profilesDir };
  const { pipeline, jwtSecret } = await startTestPipeline(t, 'userprofilewall', { runDir, labDevices: 1, collectorEnv: profiles, processorEnv: profiles });
  const browser = await launchBrowser();
  t.after(() => browser.close());

  // The operator lists the profile in the device's inventory entry and imports the file again.
  const inventory = parse(readFileSync(join(runDir, 'lab', 'inventory.yaml'), 'utf8')) as InventoryFile;
  const entry = inventory.devices[0];
  entry.snmp.profiles.push(PROFILE_NAME);
  const edited = join(runDir, 'inventory-with-my-profile.yaml');
  writeFileSync(edited, stringify(inventory));
  const importer = await startRole({ name: 'inventory-user', role: 'inventory', args: ['import', edited], env: pipeline.env, logDir: join(runDir, 'logs'), ready: async (p) => p.child.exitCode === 0, timeoutMs: 60_000 });
  await importer.stop();

  // The api's series catalogue and readings: one series per interface, at the lab's planned rate.
  const [device] = (await (await fetch(`${pipeline.labUrl}/devices`)).json()) as LabDevice[];
  assert.equal(device.deviceId, entry.deviceId);
  const iface = device.interfaces[0];
  const key = `${device.deviceId}/${METRIC}{ifIndex=${iface.index}}`;
  const token = signToken({ sub: 'user-profile-wall', role: 'viewer', expiresInS: 3600 }, jwtSecret);
  const graphql = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const res = await fetch(`${pipeline.apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data?: T; errors?: unknown };
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data!;
  };
  const seriesOf = async () => (await graphql<{ series: Array<{ id: string; key: string; unit: string }> }>('query($m: String) { series(metric: $m, limit: 100) { id key unit } }', { m: METRIC })).series;
  const series = await waitFor(`the series ${key} in the api's catalogue`, async () => (await seriesOf()).find((s) => s.key === key), 90_000, 500);
  assert.equal(series.unit, 'Bps');
  assert.equal((await seriesOf()).length, device.interfaces.length, 'a series for every interface of the device');
  const planned = iface.outBps / 8;
  const readings = await waitFor('a reading of it through the api', async () => {
    const r = await graphql<{ readings: Array<{ values: Array<number | null> }> }>('query($ids: [ID!]!, $from: Float!, $to: Float!) { readings(seriesIds: $ids, from: $from, to: $to) { values } }', { ids: [series.id], from: Date.now() - 600_000, to: Date.now() + 60_000 });
    const values = r.readings[0]?.values.filter((v): v is number => v !== null) ?? [];
    return values.length > 0 ? values : undefined;
  }, 30_000, 500);
  const last = readings.at(-1)!;
  // Polls and the lab's counter updates are not aligned to the same instants: ±20 %.
  assert.ok(Math.abs(last - planned) / planned < 0.2, `${key}: ${last} B/s through the api vs the lab's ${planned}`);

  // The wall, showing only this metric: a chart of the interface with points on it.
  const page = await browser.newPage();
  await page.goto(`${pipeline.apiUrl}/?devices=${device.deviceId}&series=/${METRIC}&charts=24&token=${token}`);
  const chart = await waitFor(`the wall's chart of ${key} with a line of points`, async () => (await wallCharts(page)).find((c) => c.key === key && c.points >= 3), 60_000);
  assert.equal(chart.seriesId, series.id);
  const shot = await saveScreenshot(page, 'user-profile-wall');
  t.diagnostic(`${key}: ${last.toFixed(0)} B/s via the api (lab ${planned}); on the wall with ${chart.points} points; screenshot ${shot}`);
  assert.deepEqual(browser.pageErrors, [], 'no errors in the page');
});
