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
import { signToken } from '../api/auth/jwt.js';
import { createLogger } from '../common/log.js';
import { connectStreams } from '../streams/index.js';
import { linkIdOf } from '../devices/links.js';
import type { Link } from '../schemas/types.js';
import { startNotifier } from '../sinks/notify/notifier.js';
import { parseRoutes } from '../sinks/notify/routes.js';
import { eventually, streamConfig } from './env.js';
import { startTestPipeline } from './pipeline-fixture.js';

const needsRoot = process.getuid?.() === 0 ? false : 'needs root for the lab\'s ICMP namespaces';
const GATEWAY = 'collector-gw'; // the collector's side of the network: where reachability starts
const OUTAGE = new Set(['rule:device-down', 'rule:loss-high']);

function link(a: string, b: string): Link {
  return { linkId: linkIdOf({ deviceId: a, ifName: 'up' }, { deviceId: b, ifName: 'down' }), aDeviceId: a, aInterface: 'up', bDeviceId: b, bInterface: 'down', sources: ['lldp'], state: 'OBSERVED', difference: null, speedBps: null, netboxCableId: null, updatedAt: Date.now() };
}

test('an upstream device cut off in the lab: one page for the root cause, the devices behind it suppressed; restoring closes all', { timeout: 420_000, skip: needsRoot }, async (t) => {
  const logger = createLogger({ test: 'parent-down-lab' }, 'warn');
  const { pipeline, client, jwtSecret, topicPrefix } = await startTestPipeline(t, 'parentdown', { labDevices: 3, labIcmpPaths: 3, apiEnv: { PARENT_DOWN_UPSTREAM: GATEWAY } });
  const lab = (await (await fetch(`${pipeline.labUrl}/devices`)).json()) as { devices?: Array<{ deviceId: string }> } | Array<{ deviceId: string }>;
  const devices = (Array.isArray(lab) ? lab : lab.devices ?? []).map((d) => d.deviceId);
  assert.equal(devices.length, 3);
  const [upstream, ...behind] = devices as [string, ...string[]];
  const streams = await connectStreams({ config: streamConfig(topicPrefix), clientId: 'parent-down-lab', logger, writes: ['links'] });
  t.after(() => streams.close());
  await streams.producer.send(streams.topics.links, [link(GATEWAY, upstream), ...behind.map((d) => link(upstream, d))].map((l) => ({ key: l.linkId, value: l })));

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
  const token = signToken({ sub: 'parent-down-test', role: 'viewer', expiresInS: 3600 }, jwtSecret);
  const openAnomalies = async () => {
    const res = await fetch(`${pipeline.apiUrl}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ anomalies(filter: { open: true }, first: 100) { nodes { deviceId detector suppressedBy { deviceId anomalyId } suppressing } } }' }),
    });
    const body = (await res.json()) as { data?: { anomalies: { nodes: Array<{ deviceId: string; detector: string; suppressedBy: { deviceId: string } | null; suppressing: number }> } }; errors?: unknown };
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data!.anomalies.nodes.filter((a) => OUTAGE.has(a.detector));
  };
  await eventually('the devices answer ICMP', async () => ((await client.query(`SELECT 1 FROM series s JOIN metric_points p USING (series_id) WHERE s.metric = 'device_reachable' AND p.value = 1 LIMIT 1`)).rowCount ? true : undefined), 120_000, 1_000);

  const cut = await fetch(`${pipeline.labUrl}/scenarios/icmp`, { method: 'POST', body: JSON.stringify({ loss: 1 }) });
  assert.equal(cut.status, 200, await cut.text());
  const marked = await eventually('every device down, marked in GraphQL', async () => {
    const open = await openAnomalies();
    const down = new Set(open.filter((a) => a.detector === 'rule:device-down').map((a) => a.deviceId));
    return devices.every((d) => down.has(d)) ? open : undefined;
  }, 150_000, 2_000);
  for (const a of marked) {
    if (a.deviceId === upstream && a.detector === 'rule:device-down') assert.deepEqual([a.suppressedBy, a.suppressing], [null, behind.length], 'the root cause counts the devices behind it');
    else assert.equal(a.suppressedBy?.deviceId, upstream, `${a.deviceId} ${a.detector} is suppressed by ${upstream}`);
  }
  await eventually('the root cause paged', () => (outagePages().includes(`${upstream} rule:device-down OPEN`) ? true : undefined), 60_000);
  assert.equal(pages.find((p) => p.anomaly.deviceId === upstream && p.anomaly.detector === 'rule:device-down').suppressing, behind.length);
  await new Promise((r) => setTimeout(r, 12_000)); // past the settle time of anything read last
  assert.deepEqual(outagePages(), [`${upstream} rule:device-down OPEN`], 'one page for the outage');

  const restore = await fetch(`${pipeline.labUrl}/scenarios/icmp`, { method: 'POST', body: JSON.stringify({ loss: 0 }) });
  assert.equal(restore.status, 200, await restore.text());
  await eventually('every outage anomaly closed', async () => ((await openAnomalies()).length === 0 ? true : undefined), 150_000, 2_000);
  await eventually('the root cause CLOSE paged', () => (outagePages().includes(`${upstream} rule:device-down CLOSE`) ? true : undefined), 60_000);
  await new Promise((r) => setTimeout(r, 12_000));
  assert.deepEqual(outagePages(), [`${upstream} rule:device-down OPEN`, `${upstream} rule:device-down CLOSE`], 'the devices behind it never paged, nor their CLOSE');
});
