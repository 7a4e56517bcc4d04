// A device reboot in the lab (its SNMP agent restarts: counters back to their initial values,
// sysUpTime from zero) goes through the whole pipeline without a false traffic spike, and the
// rates resume.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from './env.js';
import { startTestPipeline } from './pipeline-fixture.js';

test('a device reboot resets its counters without a false spike, and rates resume', { timeout: 300_000 }, async (t) => {
  const { pipeline, client } = await startTestPipeline(t, 'reboot', { labDevices: 1 });
  const [device] = (await (await fetch(`${pipeline.labUrl}/devices`)).json()) as { deviceId: string; interfaces: { name: string; inBps: number }[] }[];
  const fastest = Math.max(...device.interfaces.map((i) => i.inBps));
  const rates = async (after: number) =>
    (
      await client.query<{ value: number }>(
        `SELECT p.value FROM metric_points p JOIN series s USING (series_id) WHERE s.device_id = $1 AND s.metric = 'if_in_bps' AND p.ts > to_timestamp($2 / 1000.0)`,
        [device.deviceId, after],
      )
    ).rows.map((r) => r.value);
  const uptime = async () =>
    (await client.query<{ value: number }>(`SELECT p.value FROM metric_points p JOIN series s USING (series_id) WHERE s.device_id = $1 AND s.metric = 'sys_uptime_s' ORDER BY p.ts DESC LIMIT 1`, [device.deviceId])).rows[0]?.value;

  await eventually('rates before the reboot', async () => ((await rates(0)).length >= 4 ? true : undefined), 120_000, 500);
  await new Promise((r) => setTimeout(r, 6_000)); // the counters grow well past their initial values
  const before = await uptime();
  const rebootAt = Date.now();
  const res = await fetch(`${pipeline.labUrl}/scenarios/snmp`, { method: 'POST', body: JSON.stringify({ reboot: true }) });
  assert.equal(res.status, 200);
  await eventually('the reboot seen as sysUpTime going back', async () => ((await uptime()) < before ? true : undefined), 60_000, 500);
  const after = await eventually('rates after the reboot', async () => {
    const r = await rates(rebootAt + 4_000);
    return r.length >= device.interfaces.length ? r : undefined;
  }, 60_000, 500);
  const all = await rates(rebootAt - 2_000);
  assert.ok(Math.max(...all) <= fastest * 1.5, `no false spike: the largest rate around the reboot is ${Math.max(...all)} bps, the fastest interface moves at ${fastest} bps`);
  assert.ok(after.some((v) => v > 0), 'rates resume after the reboot');
});
