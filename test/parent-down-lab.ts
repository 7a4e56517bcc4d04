// The lab outage parent-down suppression is proven on (test/parent-down-lab.test.ts for the pages,
// test/browser/parent-down.test.ts for the dashboard): the whole pipeline on three lab devices
// answering ICMP from network namespaces, and a topology (as `inventory sync-links` would publish
// it) that puts the first device between the collector's gateway and the other two. `cut()` drops
// every ICMP path (100 % loss: the upstream router gone, and everything behind it with it);
// `restore()` brings them back. Needs root (namespaces).
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { signToken } from '../api/auth/jwt.js';
import { createLogger } from '../common/log.js';
import { connectStreams } from '../streams/index.js';
import { linkIdOf } from '../devices/links.js';
import type { Link } from '../schemas/types.js';
import { eventually, streamConfig } from './env.js';
import { startTestPipeline } from './pipeline-fixture.js';

export const needsRoot = process.getuid?.() === 0 ? false : "needs root for the lab's ICMP namespaces";
export const GATEWAY = 'collector-gw'; // the collector's side of the network: where reachability starts
export const OUTAGE = new Set(['rule:device-down', 'rule:loss-high']);

export interface OutageAnomaly {
  id: string;
  deviceId: string;
  detector: string;
  suppressedBy: { deviceId: string; anomalyId: string | null } | null;
  suppressing: number;
}

function link(a: string, b: string): Link {
  return { linkId: linkIdOf({ deviceId: a, ifName: 'up' }, { deviceId: b, ifName: 'down' }), aDeviceId: a, aInterface: 'up', bDeviceId: b, bInterface: 'down', sources: ['lldp'], state: 'OBSERVED', difference: null, speedBps: null, netboxCableId: null, updatedAt: Date.now() };
}

export async function startParentDownLab(t: TestContext, name: string) {
  const logger = createLogger({ test: name }, 'warn');
  const fixture = await startTestPipeline(t, name, { labDevices: 3, labIcmpPaths: 3, apiEnv: { PARENT_DOWN_UPSTREAM: GATEWAY } });
  const { pipeline, client, jwtSecret, topicPrefix } = fixture;
  const lab = (await (await fetch(`${pipeline.labUrl}/devices`)).json()) as { devices?: Array<{ deviceId: string }> } | Array<{ deviceId: string }>;
  const devices = (Array.isArray(lab) ? lab : lab.devices ?? []).map((d) => d.deviceId);
  assert.equal(devices.length, 3);
  const [upstream, ...behind] = devices as [string, ...string[]];
  const streams = await connectStreams({ config: streamConfig(topicPrefix), clientId: name, logger, writes: ['links'] });
  t.after(() => streams.close());
  await streams.producer.send(streams.topics.links, [link(GATEWAY, upstream), ...behind.map((d) => link(upstream, d))].map((l) => ({ key: l.linkId, value: l })));

  const token = signToken({ sub: name, role: 'viewer', expiresInS: 3600 }, jwtSecret);
  /** The open outage anomalies with their parent-down marks, as GraphQL serves them. */
  const openAnomalies = async (): Promise<OutageAnomaly[]> => {
    const res = await fetch(`${pipeline.apiUrl}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ anomalies(filter: { open: true }, first: 100) { nodes { id deviceId detector suppressedBy { deviceId anomalyId } suppressing } } }' }),
    });
    const body = (await res.json()) as { data?: { anomalies: { nodes: OutageAnomaly[] } }; errors?: unknown };
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data!.anomalies.nodes.filter((a) => OUTAGE.has(a.detector));
  };
  const icmpLoss = async (loss: number) => {
    const res = await fetch(`${pipeline.labUrl}/scenarios/icmp`, { method: 'POST', body: JSON.stringify({ loss }) });
    assert.equal(res.status, 200, await res.text());
  };
  return {
    ...fixture,
    logger,
    streams,
    devices,
    upstream,
    behind,
    token,
    openAnomalies,
    async devicesAnswer() {
      await eventually('the devices answer ICMP', async () => ((await client.query(`SELECT 1 FROM series s JOIN metric_points p USING (series_id) WHERE s.metric = 'device_reachable' AND p.value = 1 LIMIT 1`)).rowCount ? true : undefined), 120_000, 1_000);
    },
    cut: () => icmpLoss(1),
    restore: () => icmpLoss(0),
    /** Once every device has an open device-down anomaly: the outage anomalies, marked. */
    everyDeviceDown: () =>
      eventually('every device down, marked in GraphQL', async () => {
        const open = await openAnomalies();
        const down = new Set(open.filter((a) => a.detector === 'rule:device-down').map((a) => a.deviceId));
        return devices.every((d) => down.has(d)) ? open : undefined;
      }, 150_000, 2_000),
  };
}
