// Traps end to end on the lab: notification → traps role → telemetry.raw.trap → processor →
// anomaly event → the api's `anomalies` subscription, for each SNMP version; an inform whose
// acknowledgement is lost is re-sent by its sender until acknowledged and arrives once; a trap from
// an unknown source is counted and dead-lettered with the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnomalyEvent, DeadLetter, Device, RawTrap } from '../schemas/types.js';
import { createLogger } from '../common/log.js';
import { connectStreams } from '../streams/index.js';
import { CredentialStore } from '../credentials/credential-store.js';
import { loadCredentialKey } from '../credentials/settings.js';
import { linkVarbinds, sendNotification } from '../infra/lab/trap-sender.js';
import { labV3User } from '../infra/lab/v3-users.js';
import type { LabDevice } from '../infra/lab/lab.js';
import { eventually, streamConfig } from './env.js';
import { startTestPipeline } from './pipeline-fixture.js';
import { subscribeAnomalies } from './anomaly-subscriber.js';

/** Trap sent → subscription message, on this loaded 2-core machine; the issue's goal is 2 s, checked in the bench-like diagnostic. */
const SCREEN_LATENCY_BOUND_MS = 10_000;

test('traps of every version become anomalies; a lost inform ack is re-sent and counted once; an unknown source is dead-lettered', { timeout: 300_000 }, async (t) => {
  const runDir = mkdtempSync(join(tmpdir(), 'oc-traps-'));
  const analysisFile = join(runDir, 'analysis.yaml');
  writeFileSync(analysisFile, 'lifecycle:\n  closeQuietPolls: 2\n  closeQuietMs: 4000\n');
  const { pipeline, topicPrefix, jwtSecret } = await startTestPipeline(t, 'traps', { runDir, labDevices: 2, traps: true, processorEnv: { ANALYSIS_CONFIG_FILE: analysisFile } });
  const to = { address: '127.0.0.1', port: pipeline.trapPort! };
  // What an operator's screen gets: the anomalies subscription of the api role.
  const screen = await subscribeAnomalies(t, pipeline.apiUrl, jwtSecret, { states: ['OPEN'] });

  // One reader of the three topics the traps touch, filling while the test runs.
  const streams = await connectStreams({ config: streamConfig(topicPrefix), clientId: 'traps-test', logger: createLogger({ test: 'traps' }, 'error'), writes: ['inventory'] });
  const seen = { anomalies: [] as AnomalyEvent[], traps: [] as RawTrap[], dlq: [] as DeadLetter[] };
  const reader = streams.consumer({
    groupId: 'traps-test-reader',
    topics: [streams.topics.anomalies, streams.topics.rawTrap, streams.topics.dlq],
    handler: async (rs) => {
      for (const r of rs) {
        if (r.topic === streams.topics.anomalies) seen.anomalies.push(r.value as AnomalyEvent);
        else if (r.topic === streams.topics.rawTrap) seen.traps.push(r.value as RawTrap);
        else seen.dlq.push(r.value as DeadLetter);
      }
    },
  });
  await reader.start();
  t.after(async () => {
    await reader.stop();
    await streams.close();
  });

  const devices = (await (await fetch(`${pipeline.labUrl}/devices`)).json()) as LabDevice[];
  const [d1, d2] = devices;
  const opened = (deviceId: string, ifName: string, state = 'OPEN') => () =>
    seen.anomalies.find((e) => e.deviceId === deviceId && e.state === state && e.detector === 'rule:interface-down' && e.labels.ifName === ifName);

  // SNMPv2c, from the lab's own scenario: the device's interface goes down (its agent serves it
  // down too) and the device sends linkDown; then up again, and linkUp.
  const if1 = d1.interfaces[0];
  const scenario = (link: object) => fetch(`${pipeline.labUrl}/scenarios/snmp`, { method: 'POST', body: JSON.stringify({ link }) });
  const v2SentAt = Date.now();
  assert.equal((await scenario({ deviceId: d1.deviceId, ifIndex: if1.index, up: false })).status, 200);
  const v2 = await eventually('an OPEN from the v2c linkDown', opened(d1.deviceId, if1.name), 30_000, 50);
  const v2LatencyMs = Date.now() - v2SentAt;
  assert.match(v2.reason, /linkDown V2C trap/);
  assert.equal((await scenario({ deviceId: d1.deviceId, ifIndex: if1.index, up: true })).status, 200);
  const closed = await eventually('a CLOSE from the linkUp', opened(d1.deviceId, if1.name, 'CLOSE'), 30_000, 50);
  assert.equal(closed.anomalyId, v2.anomalyId, 'linkUp closes the anomaly linkDown opened');

  // SNMPv1, as a device with the lab's community sends it (RFC 3584 conversion in the receiver).
  const if2 = d2.interfaces[1];
  const v1SentAt = Date.now();
  await sendNotification(to, { version: 'v1', community: d2.community }, 'linkDown', linkVarbinds({ ifIndex: if2.index, ifName: if2.name, up: false }));
  const v1 = await eventually('an OPEN from the v1 linkDown', opened(d2.deviceId, if2.name), 30_000, 50);
  const v1LatencyMs = Date.now() - v1SentAt;
  assert.match(v1.reason, /linkDown V1 trap/);

  // SNMPv3: a device of its own address (another loopback address) with a stored v3 credential.
  const v3 = labV3User('lab-sha-aes').credential;
  const store = CredentialStore.open(pipeline.env.OC_CREDENTIALS_FILE, loadCredentialKey(pipeline.env));
  await store.putAll({ 'test/v3': v3 });
  const device = (deviceId: string, address: string, snmp: Device['snmp']): Device => ({
    deviceId, hostname: deviceId, address, site: 'test', role: 'edge', platform: 'junos', vendor: 'juniper', status: 'active', tags: [], labels: {}, snmp, updatedAt: Date.now(),
  });
  await streams.producer.send(streams.topics.inventory, [
    { key: 'trap-v3', value: device('trap-v3', '127.0.0.2', { version: 'v3', port: 161, credential: 'test/v3', profiles: [], context: 'trap-v3' }) },
    { key: 'trap-relay', value: device('trap-relay', '127.0.0.3', { version: 'v2c', port: 161, credential: `lab/${d1.deviceId}/snmp`, profiles: [] }) },
  ]);
  const v3Auth = { version: 'v3' as const, credential: v3, context: 'trap-v3' };
  // The receiver learns the device (and its user) from the inventory topic: re-send until it does.
  let v3SentAt = 0; // the attempt that was acknowledged
  await eventually(
    'the v3 inform acknowledged',
    () => {
      v3SentAt = Date.now();
      return sendNotification(to, v3Auth, 'linkDown', linkVarbinds({ ifIndex: 7, ifName: 'ge-0/0/7', up: false }), { inform: true, sourceAddress: '127.0.0.2', timeoutMs: 500, retries: 0 }).then(() => true, () => undefined);
    },
    30_000,
    200,
  );
  const v3Open = await eventually('an OPEN from the v3 inform', opened('trap-v3', 'ge-0/0/7'), 30_000, 50);
  const v3LatencyMs = Date.now() - v3SentAt;
  assert.match(v3Open.reason, /linkDown V3 inform/);
  await sendNotification(to, v3Auth, 'linkDown', [], { sourceAddress: '127.0.0.2' }); // a v3 trap too (linkDown without objects names no interface)
  await eventually('the v3 trap on telemetry.raw.trap', () => seen.traps.find((r) => r.deviceId === 'trap-v3' && r.version === 'V3' && r.pduType === 'TRAP' && r.user === 'lab-sha-aes'), 30_000, 50);

  // An inform whose first acknowledgement is lost: a relay on 127.0.0.3 (the trap-relay device)
  // forwards everything and drops the receiver's first answer; the sender re-sends until it
  // gets one, the receiver publishes the notification once and acknowledges both.
  const front = createSocket('udp4');
  const back = createSocket('udp4');
  front.bind(0, '127.0.0.1');
  back.bind(0, '127.0.0.3');
  await Promise.all([once(front, 'listening'), once(back, 'listening')]);
  t.after(() => {
    front.close();
    back.close();
  });
  let sender: { address: string; port: number } | null = null;
  let requests = 0;
  let answers = 0;
  front.on('message', (buf, rinfo) => {
    sender = rinfo;
    requests++;
    back.send(buf, to.port, to.address);
  });
  back.on('message', (buf) => {
    if (answers++ === 0) return; // lost on the way
    front.send(buf, sender!.port, sender!.address);
  });
  await sendNotification({ address: '127.0.0.1', port: front.address().port }, { version: 'v2c', community: d1.community }, 'linkDown', linkVarbinds({ ifIndex: 9, ifName: 'et-9', up: false }), { inform: true, timeoutMs: 1_000, retries: 4 });
  assert.ok(requests >= 2, `the sender re-sent the inform (${requests} requests)`);
  assert.ok(answers >= 2, 'the re-send was acknowledged');
  await eventually('the relayed inform as an anomaly', opened('trap-relay', 'et-9'), 30_000, 50);
  await new Promise((r) => setTimeout(r, 2_000)); // time for a duplicate to show, if there were one
  const relayed = seen.traps.filter((r) => r.deviceId === 'trap-relay');
  assert.equal(relayed.length, 1, `the inform is on telemetry.raw.trap once (${relayed.length})`);
  assert.equal(seen.anomalies.filter((e) => e.deviceId === 'trap-relay').length, 1, 'and opens one anomaly');

  // A source no inventory device has: counted and dead-lettered with the reason.
  await sendNotification(to, { version: 'v2c', community: d1.community }, 'coldStart', [], { sourceAddress: '127.0.0.9' });
  const dead = await eventually('the unknown source dead-lettered', () => seen.dlq.find((d) => d.errorCode === 'TRAP_UNKNOWN_SOURCE'), 30_000, 50);
  assert.match(dead.errorMessage, /no active inventory device has address 127\.0\.0\.9/);
  assert.match(dead.originKey?.toString() ?? '', /^127\.0\.0\.9:\d+$/, 'keyed by the source');
  const metrics = await (await fetch(`http://127.0.0.1:${pipeline.roles.get('traps')!.opsPort}/metrics`)).text();
  assert.match(metrics, /oc_traps_dead_lettered_total\{code="TRAP_UNKNOWN_SOURCE"[^}]*\} 1/);
  assert.equal(seen.traps.filter((r) => r.source.startsWith('127.0.0.9')).length, 0, 'nothing of it on telemetry.raw.trap');

  t.diagnostic(`trap → anomaly event on Kafka: v2c ${v2LatencyMs} ms, v1 ${v1LatencyMs} ms, v3 inform ${v3LatencyMs} ms (from the acknowledged attempt)`);
  for (const [what, ms] of [['v2c', v2LatencyMs], ['v1', v1LatencyMs]] as const) assert.ok(ms < 2_000, `${what} trap to anomaly in ${ms} ms (goal: under 2 s)`);

  // Each version's linkDown reached the subscriber as the anomaly it opened: trap sent → message.
  const shown = async (version: string, anomalyId: string, sentAt: number) => {
    const arrived = () => screen.arrived.find((a) => a.kind === 'EVENT' && a.anomaly.id === anomalyId);
    const m = await eventually(`the ${version} linkDown's anomaly on the subscription (errors: ${JSON.stringify(screen.errors)})`, arrived, SCREEN_LATENCY_BOUND_MS, 50);
    assert.equal(m.anomaly.detector, 'rule:interface-down');
    return m.at - sentAt;
  };
  const latencies = { v2c: await shown('v2c', v2.anomalyId, v2SentAt), v1: await shown('v1', v1.anomalyId, v1SentAt), 'v3 inform': await shown('v3 inform', v3Open.anomalyId, v3SentAt) };
  t.diagnostic(`trap sent → api subscription message: ${Object.entries(latencies).map(([v, ms]) => `${v} ${ms} ms`).join(', ')} (goal 2 s; v2c from the lab scenario's request)`);
  for (const [version, ms] of Object.entries(latencies)) assert.ok(ms < SCREEN_LATENCY_BOUND_MS, `${version} trap to the subscriber in ${ms} ms (bound ${SCREEN_LATENCY_BOUND_MS} ms)`);
});
