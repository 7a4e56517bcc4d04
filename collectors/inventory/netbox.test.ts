// NetBox as an inventory source, against the NetBox simulator and the real Kafka + registry:
// mapping rules, paging and tokens, HTTP/JSON failures, a full sync that publishes changes and
// tombstones vanished devices (read back from the topic), bad entries counted while the others
// still publish, and the webhook applying a change in seconds.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { after, before, test } from 'node:test';
import client from 'prom-client';
import { createLogger } from '../../common/log.js';
import { startNetboxSim, type NetboxSim, type NetboxSimDevice } from '../../infra/lab/netbox-sim.js';
import { connectStreams, type Streams } from '../../streams/index.js';
import { streamConfig, uniquePrefix } from '../../test/env.js';
import { readInventoryTopic } from '../../streams/inventory-topic.js';
import { fetchNetboxDevices } from './netbox-client.js';
import { mapNetboxDevice, NETBOX_MAPPING_DEFAULTS } from './netbox-mapping.js';
import { syncNetbox } from './netbox-sync.js';
import { runInventoryCommand } from './inventory-command.js';
import { startNetboxWebhook, type NetboxWebhook } from './netbox-webhook.js';
import { parseNetboxTimestamp, ReplayGuard } from './webhook-replay-guard.js';

const logger = createLogger({ test: 'netbox' }, 'error');
const V1 = '0123456789abcdef0123456789abcdef01234567';
const V2 = 'nbt_abcdEFGH1234.s3cretpart0000000000000000';

function nbDevice(id: number, over: Partial<NetboxSimDevice> = {}): NetboxSimDevice {
  return {
    id, name: `nb-r${id}`, address: `127.0.1.${id}/32`, status: 'active', site: 'nyc1', role: 'core', platform: 'iosxr', manufacturer: 'cisco',
    tags: ['backbone', 'snmp-profile-optics-cisco'], customFields: { snmp_credential: 'nb-community', snmp_version: 'v2c', snmp_profiles: 'system,interfaces' }, ...over,
  };
}

let sim: NetboxSim;
let streams: Streams;
const prefix = uniquePrefix('netbox');
before(async () => {
  sim = await startNetboxSim({ token: V1, devices: [1, 2, 3, 4, 5].map((i) => nbDevice(i)) });
  streams = await connectStreams({ config: streamConfig(prefix), clientId: 'netbox-test', logger, writes: ['inventory'] });
});
after(async () => {
  await sim?.close();
  if (streams) {
    await streams.admin.deleteTopics(Object.values(streams.topics)).catch(() => undefined);
    await streams.close();
  }
});

test('mapping: role falls back to device_role, prefix length stripped, custom fields and tags → SNMP profiles', () => {
  const legacy = { ...sim.toNetbox(nbDevice(7, { address: '2001:db8::7/128' })) } as Record<string, unknown>;
  legacy.device_role = legacy.role;
  delete legacy.role;
  const r = mapNetboxDevice(legacy, NETBOX_MAPPING_DEFAULTS, 0);
  assert.ok(r.ok);
  assert.equal(r.device.role, 'core');
  assert.equal(r.device.address, '2001:db8::7');
  assert.deepEqual(r.device.snmp, { version: 'v2c', port: 161, credential: 'nb-community', profiles: ['system', 'interfaces', 'optics-cisco'], timeoutMs: null, retries: null, context: null });
  assert.equal(r.device.platform, 'iosxr');
  assert.equal(r.device.vendor, 'cisco');
  assert.equal(r.device.status, 'active');
  assert.deepEqual(r.device.labels, { region: 'emea', netbox_id: '7' });
  const v3 = mapNetboxDevice(sim.toNetbox(nbDevice(8, { customFields: { snmp_credential: 'core-v3', snmp_version: 'v3', snmp_context: 'vrf-mgmt', snmp_timeout_ms: 5000, snmp_retries: 2 } })), { ...NETBOX_MAPPING_DEFAULTS, knownCredential: (n) => n === 'core-v3' });
  assert.ok(v3.ok && v3.device.snmp?.version === 'v3' && v3.device.snmp.context === 'vrf-mgmt' && v3.device.snmp.timeoutMs === 5000 && v3.device.snmp.retries === 2);
  assert.deepEqual(v3.device.snmp.profiles, ['system', 'interfaces', 'optics-cisco']);
  const none = mapNetboxDevice(sim.toNetbox(nbDevice(9, { customFields: {} })));
  assert.ok(none.ok && none.device.snmp === null);
  const bad = mapNetboxDevice(sim.toNetbox(nbDevice(10, { address: '300.1.2.3/24' })));
  assert.ok(!bad.ok && bad.code === 'INVENTORY_BAD_ADDRESS' && /nb-r10/.test(bad.message));
  const unknown = mapNetboxDevice(sim.toNetbox(nbDevice(11, { customFields: { snmp_credential: 'nope' } })), { ...NETBOX_MAPPING_DEFAULTS, knownCredential: () => false });
  assert.ok(!unknown.ok && unknown.code === 'CREDENTIAL_UNKNOWN');
});

test('a community written into NetBox’s snmp_credential field is refused with INVENTORY_SECRET_LITERAL, whatever the store holds', () => {
  const literal = mapNetboxDevice(sim.toNetbox(nbDevice(13, { customFields: { snmp_credential: 'community:hunter2-nb' } })), { ...NETBOX_MAPPING_DEFAULTS, knownCredential: () => true });
  assert.ok(!literal.ok && literal.code === 'INVENTORY_SECRET_LITERAL', JSON.stringify(literal));
  assert.ok(!literal.message.includes('hunter2'));
  assert.match(literal.message, /^NetBox device nb-r13 \(id 13\): custom field snmp_credential holds a secret in clear/);
});

test('client: pages through limit/offset with Token and Bearer nbt_ tokens; 401, 500 and garbage JSON are coded', { timeout: 20_000 }, async () => {
  const before = sim.requests;
  const all = await fetchNetboxDevices({ url: sim.url, token: V1, pageSize: 2 });
  assert.deepEqual(all.map((d) => (d as { name: string }).name), ['nb-r1', 'nb-r2', 'nb-r3', 'nb-r4', 'nb-r5']);
  assert.equal(sim.requests - before, 3);
  const v2 = await startNetboxSim({ token: V2, devices: [nbDevice(1)], legacyRole: true });
  try {
    assert.equal((await fetchNetboxDevices({ url: v2.url, token: V2 })).length, 1);
    await assert.rejects(fetchNetboxDevices({ url: v2.url, token: V1 }), (err: Error & { code?: string }) => err.code === 'NETBOX_AUTH' && !err.message.includes(V1));
  } finally {
    await v2.close();
  }
  sim.failNext(401);
  await assert.rejects(fetchNetboxDevices({ url: sim.url, token: V1 }), { code: 'NETBOX_AUTH' });
  sim.failNext(500);
  await assert.rejects(fetchNetboxDevices({ url: sim.url, token: V1 }), (err: Error & { code?: string; canRetry?: boolean }) => err.code === 'NETBOX_HTTP' && err.canRetry === true && /500/.test(err.message));
  sim.failNext('garbage');
  await assert.rejects(fetchNetboxDevices({ url: sim.url, token: V1 }), { code: 'NETBOX_BAD_JSON' });
});

test('client: a NetBox answering without end fails with NETBOX_TOO_LARGE naming NetBox, read no further than NETBOX_MAX_BODY_BYTES; nothing is published', { timeout: 30_000 }, async () => {
  const before = sim.endlessBytes;
  sim.failNext('endless');
  await assert.rejects(fetchNetboxDevices({ url: sim.url, token: V1, maxBodyBytes: 1 << 20, timeoutMs: 20_000 }), (err: Error & { code?: string; canRetry?: boolean }) => {
    assert.equal(err.code, 'NETBOX_TOO_LARGE', err.message);
    assert.equal(err.canRetry, false);
    assert.match(err.message, /^NetBox http:\/\/127\.0\.0\.1:\d+\/api\/dcim\/devices\/.* sent a body of more than the 1048576 bytes allowed; cut there \(NETBOX_MAX_BODY_BYTES\)/);
    assert.ok(!err.message.includes(V1));
    return true;
  });
  await new Promise((r) => setTimeout(r, 200)); // the simulator counts once the connection closed
  assert.ok(sim.endlessBytes - before < 16 << 20, `the client stopped reading (NetBox wrote ${sim.endlessBytes - before} bytes)`);
  assert.equal((await fetchNetboxDevices({ url: sim.url, token: V1 })).length, 5, 'the next read works');
});

test('full sync: publishes devices, then only changes, tombstones the vanished, skips bad entries with a counted code', { timeout: 50_000 }, async () => {
  const first = await syncNetbox({ client: { url: sim.url, token: V1 }, streams, logger });
  assert.deepEqual([first.published, first.tombstoned, first.errors.length], [5, 0, 0]);
  let topic = await readInventoryTopic(streams, logger);
  assert.deepEqual([...topic.keys()].sort(), ['nb-r1', 'nb-r2', 'nb-r3', 'nb-r4', 'nb-r5']);
  assert.equal(topic.get('nb-r1')!.labels.source, 'netbox');

  sim.remove('nb-r5'); // gone from NetBox
  sim.upsert(nbDevice(2, { status: 'offline' })); // changed
  sim.upsert(nbDevice(6, { address: 'not-an-ip' })); // bad entry
  sim.upsert(nbDevice(3, { address: 'garbage/24' })); // became bad: left as it is, not tombstoned
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
  let second;
  try {
    second = await syncNetbox({ client: { url: sim.url, token: V1 }, streams, logger: createLogger({ test: 'netbox' }, 'warn') });
  } finally {
    process.stderr.write = write;
  }
  const skipped = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'NetBox device skipped');
  assert.deepEqual(skipped.map((l) => [l.deviceId, l.code]).sort(), [['nb-r3', 'INVENTORY_BAD_ADDRESS'], ['nb-r6', 'INVENTORY_BAD_ADDRESS']]);
  assert.ok(skipped.every((l) => /garbage|not-an-ip/.test(l.reason)), 'the log line names the cause');
  assert.deepEqual([second.published, second.unchanged, second.tombstoned], [1, 2, 1]);
  assert.deepEqual(second.errors.map((e) => [e.deviceId, e.code]).sort(), [['nb-r3', 'INVENTORY_BAD_ADDRESS'], ['nb-r6', 'INVENTORY_BAD_ADDRESS']]);
  topic = await readInventoryTopic(streams, logger);
  assert.deepEqual([...topic.keys()].sort(), ['nb-r1', 'nb-r2', 'nb-r3', 'nb-r4']);
  assert.equal(topic.get('nb-r2')!.status, 'offline');
  const errors = await client.register.getSingleMetric('oc_inventory_errors_total')!.get();
  assert.ok(errors.values.some((v) => v.labels.code === 'INVENTORY_BAD_ADDRESS' && v.value >= 2));

  sim.failNext(500);
  await assert.rejects(syncNetbox({ client: { url: sim.url, token: V1 }, streams, logger }), { code: 'NETBOX_HTTP' });
  assert.equal((await readInventoryTopic(streams, logger)).size, 4, 'a failed read tombstones nothing');
});

const HOOK_SECRET = 'hook-secret';
const nbNow = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString().replace('T', ' ').replace('Z', '123+00:00'); // NetBox's str(timezone.now())
const sign = (body: string | Buffer, secret = HOOK_SECRET) => createHmac('sha512', secret).update(body).digest('hex');
function postTo(hook: NetboxWebhook, body: string, headers: Record<string, string> = {}) {
  return fetch(hook.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}
const signedPost = (hook: NetboxWebhook, event: Record<string, unknown>) => {
  const body = JSON.stringify({ timestamp: nbNow(), ...event });
  return { body, send: () => postTo(hook, body, { 'x-hook-signature': sign(body) }) };
};

test('webhook: an update, a rename and a delete reach the topic in seconds; bad signatures are refused', { timeout: 40_000 }, async () => {
  const hook: NetboxWebhook = await startNetboxWebhook({ host: '127.0.0.1', port: 0, secret: HOOK_SECRET, streams, logger });
  const post = (event: Record<string, unknown>, signed = true) => {
    const body = JSON.stringify({ timestamp: nbNow(), ...event });
    return postTo(hook, body, signed ? { 'x-hook-signature': sign(body) } : {});
  };
  try {
    const started = Date.now();
    const updated = sim.toNetbox(nbDevice(1, { status: 'planned' }));
    assert.equal((await post({ event: 'updated', model: 'device', data: updated, snapshots: { prechange: sim.toNetbox(nbDevice(1)), postchange: updated } })).status, 202);
    const renamed = sim.toNetbox(nbDevice(4, { name: 'nb-r4-new' }));
    assert.equal((await post({ event: 'updated', model: 'device', data: renamed, snapshots: { prechange: sim.toNetbox(nbDevice(4)), postchange: renamed } })).status, 202);
    assert.equal((await post({ event: 'deleted', model: 'device', data: sim.toNetbox(nbDevice(2)), snapshots: { prechange: sim.toNetbox(nbDevice(2)), postchange: null } })).status, 202);
    assert.equal((await post({ event: 'updated', model: 'site', data: { id: 1 } })).status, 202);
    assert.equal((await post({ event: 'deleted', model: 'device', data: sim.toNetbox(nbDevice(3)) }, false)).status, 401);
    const bad = await post({ event: 'created', model: 'device', data: sim.toNetbox(nbDevice(12, { address: null })) });
    assert.deepEqual(await bad.json(), { skipped: 'nb-r12', code: 'INVENTORY_NO_ADDRESS' });
    const topic = await readInventoryTopic(streams, logger);
    assert.ok(Date.now() - started < 15_000);
    assert.deepEqual([...topic.keys()].sort(), ['nb-r1', 'nb-r3', 'nb-r4-new']);
    assert.equal(topic.get('nb-r1')!.status, 'planned');
  } finally {
    await hook.close();
  }
});

test('replay guard: NetBox timestamps read; each event once within the window; memory bounded without reopening it', () => {
  assert.equal(parseNetboxTimestamp('2026-12-07 10:15:02.123456+00:00'), Date.UTC(2026, 11, 7, 10, 15, 2, 123));
  assert.equal(parseNetboxTimestamp('2026-12-07T11:15:02+01:00'), Date.UTC(2026, 11, 7, 10, 15, 2));
  assert.ok(Number.isNaN(parseNetboxTimestamp('yesterday')) && Number.isNaN(parseNetboxTimestamp(undefined)));
  const guard = new ReplayGuard({ maxAgeMs: 1_000, maxRemembered: 3 });
  const t = 1_000_000;
  assert.deepEqual(['a', 'a', 'b'].map((d) => guard.admit(d, t, t)), ['fresh', 'replay', 'fresh']);
  assert.equal(guard.admit('c', t - 1_001, t), 'stale');
  assert.equal(guard.admit('c', t + 1_001, t), 'stale');
  assert.equal(guard.admit('d', NaN, t), 'no-timestamp');
  guard.forget('b');
  assert.equal(guard.admit('b', t, t), 'fresh', 'forgotten (not applied): accepted again');
  for (const [d, ts] of [['e', t + 10], ['f', t + 20], ['g', t + 30]] as const) assert.equal(guard.admit(d, ts, t), 'fresh');
  assert.ok(guard.size <= 3);
  assert.equal(guard.admit('a', t, t), 'stale', 'evicted early: refused as stale, never accepted again');
});

test('webhook without a secret: the receiver refuses to start, so an unsigned event cannot delete a device; NETBOX_WEBHOOK_INSECURE=true is the lab’s explicit way', { timeout: 30_000 }, async () => {
  await assert.rejects(startNetboxWebhook({ host: '127.0.0.1', port: 0, streams, logger }), (err: Error & { code?: string }) => err.code === 'CONFIG_INVALID' && /NETBOX_WEBHOOK_SECRET/.test(err.message) && /NETBOX_WEBHOOK_INSECURE/.test(err.message));
  const started = Date.now();
  await assert.rejects(runInventoryCommand(['serve-webhook'], { KAFKA_BROKERS: '127.0.0.1:9', NETBOX_WEBHOOK_PORT: '0', LOG_LEVEL: 'error' }), (err: Error & { code?: string }) => err.code === 'CONFIG_INVALID' && /NETBOX_WEBHOOK_SECRET/.test(err.message));
  assert.ok(Date.now() - started < 5_000, 'refused before connecting to anything');

  const lab = await startNetboxWebhook({ host: '127.0.0.1', port: 0, insecure: true, streams, logger });
  try {
    const r = await postTo(lab, JSON.stringify({ timestamp: nbNow(), event: 'updated', model: 'site', data: { id: 1 } }));
    assert.equal(r.status, 202, 'unsigned accepted only when asked for');
  } finally {
    await lab.close();
  }
});

test('webhook replay: a captured signed event is refused when sent again (409) or once older than 5 min (401), so it cannot delete a device re-created since', { timeout: 40_000 }, async () => {
  const hook = await startNetboxWebhook({ host: '127.0.0.1', port: 0, secret: HOOK_SECRET, streams, logger });
  try {
    const device = sim.toNetbox(nbDevice(7));
    const captured = signedPost(hook, { event: 'deleted', model: 'device', data: device, request_id: 'r-del' });
    assert.equal((await signedPost(hook, { event: 'created', model: 'device', data: device, request_id: 'r-new' }).send()).status, 202);
    assert.equal((await captured.send()).status, 202, 'the original delivery');
    assert.equal((await signedPost(hook, { event: 'created', model: 'device', data: device, request_id: 'r-again' }).send()).status, 202, 're-created');

    const replay = await captured.send();
    assert.equal(replay.status, 409);
    assert.equal((await replay.json()).error, 'NETBOX_WEBHOOK_REPLAY');
    for (const offset of [-6 * 60_000, 6 * 60_000]) {
      const old = JSON.stringify({ timestamp: nbNow(offset), event: 'deleted', model: 'device', data: device });
      const r = await postTo(hook, old, { 'x-hook-signature': sign(old) });
      assert.equal(r.status, 401, `timestamp ${offset / 60_000} min away`);
      assert.equal((await r.json()).error, 'NETBOX_WEBHOOK_STALE');
    }
    const untimed = JSON.stringify({ event: 'deleted', model: 'device', data: device });
    assert.equal((await postTo(hook, untimed, { 'x-hook-signature': sign(untimed) })).status, 400);
    assert.equal((await readInventoryTopic(streams, logger)).has('nb-r7'), true, 'the re-created device is still there');
  } finally {
    await hook.close();
  }
});

test('webhook body size: a body over NETBOX_WEBHOOK_MAX_BODY_BYTES is answered 413, by its Content-Length or while it streams, and never read whole', { timeout: 30_000 }, async () => {
  const hook = await startNetboxWebhook({ host: '127.0.0.1', port: 0, secret: HOOK_SECRET, streams, logger, maxBodyBytes: 65_536 });
  try {
    const declared = await fetch(hook.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.alloc(8 << 20, 0x20) });
    assert.equal(declared.status, 413);
    assert.deepEqual(await declared.json(), { error: 'NETBOX_WEBHOOK_TOO_LARGE', maxBodyBytes: 65_536 });

    // chunked, no Content-Length, and no end: the answer comes once the cap is passed
    let sent = 0;
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(hook.url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (err: NodeJS.ErrnoException) => (['EPIPE', 'ECONNRESET'].includes(err.code ?? '') ? undefined : reject(err)));
      req.on('close', () => resolve(0)); // closed without an answer
      const pump = () => {
        while (sent < 256 << 20 && req.write(Buffer.alloc(16_384, 0x20))) sent += 16_384;
      };
      req.on('drain', pump);
      pump();
    });
    assert.equal(streamed, 413);
    assert.ok(sent < 64 << 20, `the receiver stopped reading (${sent} bytes were sent)`);

    const ok = signedPost(hook, { event: 'updated', model: 'site', data: { id: 1 } });
    assert.equal((await ok.send()).status, 202, 'still serving');
  } finally {
    await hook.close();
  }
});

test('`inventory sync-netbox` runs one full sync from the environment and repairs what webhooks changed', { timeout: 40_000 }, async () => {
  const config = streamConfig(prefix);
  await runInventoryCommand(['sync-netbox'], {
    KAFKA_BROKERS: config.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: config.schemaRegistryUrl,
    KAFKA_PARTITIONS: String(config.partitions),
    KAFKA_TOPIC_PREFIX: prefix,
    NETBOX_URL: sim.url,
    NETBOX_TOKEN: V1,
    NETBOX_PAGE_SIZE: '2',
    LOG_LEVEL: 'error',
    OC_CREDENTIALS_FILE: '/nonexistent/credentials.enc.json',
  });
  const topic = await readInventoryTopic(streams, logger);
  // nb-r4-new existed only through a webhook rename; NetBox itself still says nb-r4
  assert.deepEqual([...topic.keys()].sort(), ['nb-r1', 'nb-r2', 'nb-r3', 'nb-r4']);
  assert.equal(topic.get('nb-r1')!.status, 'active');
  await assert.rejects(runInventoryCommand(['sync-netbox'], { KAFKA_TOPIC_PREFIX: prefix }), { code: 'CONFIG_MISSING' });
});
