// Parent-down suppression on the whole pipeline against the lab: the lab's devices answer ICMP
// from network namespaces, the topology (as `inventory sync-links` would publish it) puts the
// first device between the collector's gateway and the others. Cutting the namespaces (100 %
// loss: the upstream router gone, and everything behind it with it) makes device-down and loss
// anomalies on every device; the notifier pages one, the root cause, naming the two devices behind
// it, and the API marks the rest suppressed by it. Restoring the paths closes all of them, and
// only the root cause's CLOSE is paged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { startNotifier } from '../sinks/notify/notifier.js';
import { parseRoutes } from '../sinks/notify/routes.js';
import { eventually } from './env.js';
import { GATEWAY, OUTAGE, needsRoot, startParentDownLab } from './parent-down-lab.js';

test('an upstream device cut off in the lab: one page for the root cause, the devices behind it suppressed; restoring closes all', { timeout: 420_000, skip: needsRoot }, async (t) => {
  const { streams, logger, upstream, behind, openAnomalies, devicesAnswer, cut, restore, everyDeviceDown } = await startParentDownLab(t, 'parentdown');

  const pages: any[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => (pages.push(JSON.parse(body)), res.writeHead(204).end()));
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  t.after(() => new Promise((r) => receiver.close(r)));
  const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/noc`;
  const notifier = await startNotifier({
    streams, groupId: `pd-lab-${randomBytes(3).toString('hex')}`, routes: parseRoutes(`- name: noc\n  webhook: { url: "${url}", secret: s }\n`), quietMs: 0, logger,
    silenceSweepMs: 500, parentDown: { upstream: { sites: [], devices: [GATEWAY] }, settleMs: 10_000 },
  });
  t.after(() => notifier.stop());
  const outagePages = () => pages.filter((p) => OUTAGE.has(p.anomaly.detector)).map((p) => `${p.anomaly.deviceId} ${p.anomaly.detector} ${p.anomaly.state}`);
  await devicesAnswer();

  await cut();
  const marked = await everyDeviceDown();
  for (const a of marked) {
    if (a.deviceId === upstream && a.detector === 'rule:device-down') assert.deepEqual([a.suppressedBy, a.suppressing], [null, behind.length], 'the root cause counts the devices behind it');
    else assert.equal(a.suppressedBy?.deviceId, upstream, `${a.deviceId} ${a.detector} is suppressed by ${upstream}`);
  }
  await eventually('the root cause paged', () => (outagePages().includes(`${upstream} rule:device-down OPEN`) ? true : undefined), 60_000);
  assert.equal(pages.find((p) => p.anomaly.deviceId === upstream && p.anomaly.detector === 'rule:device-down').suppressing, behind.length);
  await new Promise((r) => setTimeout(r, 12_000)); // past the settle time of anything read last
  assert.deepEqual(outagePages(), [`${upstream} rule:device-down OPEN`], 'one page for the outage');

  await restore();
  await eventually('every outage anomaly closed', async () => ((await openAnomalies()).length === 0 ? true : undefined), 150_000, 2_000);
  await eventually('the root cause CLOSE paged', () => (outagePages().includes(`${upstream} rule:device-down CLOSE`) ? true : undefined), 60_000);
  await new Promise((r) => setTimeout(r, 12_000));
  assert.deepEqual(outagePages(), [`${upstream} rule:device-down OPEN`, `${upstream} rule:device-down CLOSE`], 'the devices behind it never paged, nor their CLOSE');
});
