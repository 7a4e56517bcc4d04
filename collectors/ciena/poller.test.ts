// The MCP poller against the lab's MCP simulator: login (JSON and form), paging of network
// elements and alarms, optical power through the PM adapter with a degrading port, and every
// bad answer (401 → one re-login, 401 again, 500, garbage JSON, unknown element) coded per device.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import client from 'prom-client';
import { createLogger } from '../../common/log.js';
import { schemaFor } from '../../schemas/index.js';
import { avroTypeFor } from '../../schemas/logical-types.js';
import { startMcpSimulator, type McpSimulator } from '../../infra/lab/ciena/mcp-simulator.js';
import { applyCienaScenario } from '../../infra/lab/ciena/scenarios.js';
import { createCienaPoller, type CienaPoller } from './poller.js';

const logger = createLogger({ test: 'ciena-poller' }, 'error');
const rawCiena = avroTypeFor(schemaFor('telemetry.raw.ciena'));
const roundTrips = (r: object) => assert.deepEqual(JSON.parse(JSON.stringify(rawCiena.fromBuffer(rawCiena.toBuffer(r)))), r);
let sim: McpSimulator;
let poller: CienaPoller;

before(async () => {
  sim = await startMcpSimulator({ elements: 5, portsPerElement: 3, pageSize: 2, logger });
  poller = createCienaPoller({ mcp: { baseUrl: sim.url, username: sim.username, password: sim.password, timeoutMs: 2_000 }, collectorId: 'c1', logger });
});

after(async () => {
  poller?.close();
  await sim?.close();
});

test('network elements: every page followed (links.next, meta.total)', { timeout: 10_000 }, async () => {
  const nes = await poller.networkElements();
  assert.deepEqual(nes.map((n) => n.name), sim.elements.map((e) => e.name), 'five elements over three pages of two');
  assert.equal(nes[2].ipAddress, '127.0.1.3');
  assert.equal(nes[0].syncState, 'SYNCHRONIZED');
});

test('PM: OPR/OPT per port with the bin end as event time; a degrading port shows', { timeout: 10_000 }, async () => {
  const ne = sim.elements[1];
  const first = await poller.poll({ deviceId: 'dev-b', name: ne.name }, 'PM');
  assert.equal(first.error, null, first.error?.message);
  assert.equal(first.networkConstructId, ne.id);
  assert.equal(first.kind, 'PM');
  assert.equal(first.alarms, null);
  assert.equal(first.values.length, 3 * 2, 'TEMP is not asked for and left out');
  assert.equal(first.readAt % 900_000, 0, 'readAt is the end of the 15-minute bin');
  const opr = (r: typeof first, port: string) => r.values.find((v) => v.name === 'OPR' && v.port === port)!.value;
  assert.ok(Math.abs(opr(first, '1-2') - ne.ports[1].baseOprDbm) < 0.3);
  assert.equal(first.values.find((v) => v.name === 'OPT')?.unit, 'dBm');
  assert.deepEqual(applyCienaScenario(sim, { element: ne.name, port: '1-2', degradeDb: 8 }).applied, [`degrade ${ne.name} 1-2 8 dB`]);
  const second = await poller.poll({ deviceId: 'dev-b', networkConstructId: ne.id }, 'PM');
  const drop = opr(first, '1-2') - opr(second, '1-2');
  assert.ok(drop > 7.5 && drop < 8.5, `OPR dropped ${drop} dB`);
  roundTrips(second);
  sim.degrade(ne.name, '1-2', 0);
});

test('ALARM: active alarms of the element only, paged, mapped from kebab-case attributes', { timeout: 10_000 }, async () => {
  const [a, b] = sim.elements;
  sim.raiseAlarm(a.name, { condition: 'LOS', resource: '1-1', severity: 'CRITICAL', text: 'Loss of signal' });
  sim.raiseAlarm(a.name, { condition: 'HIGH_BER', resource: '1-2', severity: 'MINOR', serviceAffecting: false });
  sim.raiseAlarm(a.name, { condition: 'OPR_LOW', resource: '1-3' });
  sim.raiseAlarm(b.name, { condition: 'LOS', resource: '1-1' });
  const r = await poller.poll({ deviceId: 'dev-a', address: a.ipAddress }, 'ALARM');
  assert.equal(r.error, null, r.error?.message);
  assert.deepEqual(r.values, []);
  assert.equal(r.alarms!.length, 3, 'three alarms over two pages, none of the other element');
  const los = r.alarms!.find((x) => x.condition === 'LOS')!;
  assert.equal(los.severity, 'CRITICAL');
  assert.equal(los.resource, '1-1');
  assert.equal(los.serviceAffecting, true);
  assert.equal(los.description, 'Loss of signal');
  assert.ok(Math.abs(los.raisedAt - Date.now()) < 10_000);
  assert.equal(r.alarms!.find((x) => x.condition === 'HIGH_BER')!.serviceAffecting, false);
  roundTrips(r);
  sim.clearAlarms(a.name);
  assert.deepEqual((await poller.poll({ deviceId: 'dev-a', address: a.ipAddress }, 'ALARM')).alarms, []);
  sim.clearAlarms(b.name);
});

test('HTTP 401: one re-login and the reading succeeds; 401 again is MCP_AUTH', { timeout: 10_000 }, async () => {
  const ne = sim.elements[0];
  const loginsBefore = sim.stats().logins;
  sim.setFault('expire-tokens-once');
  const ok = await poller.poll({ deviceId: 'dev-a', name: ne.name }, 'PM');
  assert.equal(ok.error, null, ok.error?.message);
  assert.equal(sim.stats().logins, loginsBefore + 1, 'exactly one re-login');
  assert.ok(ok.values.length > 0);
  const inventory = await poller.poll({ deviceId: 'dev-a', name: ne.name }, 'INVENTORY');
  assert.deepEqual(inventory.values, [{ name: 'synchronized', port: '', unit: 'bool', value: 1 }]);

  sim.setFault('refuse-tokens');
  const refused = await poller.poll({ deviceId: 'dev-a', networkConstructId: ne.id }, 'PM');
  assert.equal(refused.error?.code, 'MCP_AUTH');
  assert.match(refused.error.message, /^device dev-a: .*HTTP 401 after re-login/);
  assert.ok(!refused.error.message.includes(sim.password));
  sim.setFault('none');
});

test('HTTP 500, garbage JSON, unknown element, wrong password, MCP down: coded per device', { timeout: 15_000 }, async () => {
  const ne = sim.elements[0];
  applyCienaScenario(sim, { fault: 'http-500' });
  const e500 = await poller.poll({ deviceId: 'dev-a', networkConstructId: ne.id }, 'PM');
  assert.equal(e500.error?.code, 'MCP_HTTP');
  assert.match(e500.error.message, /device dev-a: .*HTTP 500/);
  assert.deepEqual(e500.values, []);
  roundTrips(e500);

  sim.setFault('garbage-json');
  const garbage = await poller.poll({ deviceId: 'dev-a', networkConstructId: ne.id }, 'ALARM');
  assert.equal(garbage.error?.code, 'MCP_BAD_JSON');
  assert.equal(garbage.alarms, null);
  sim.setFault('none');

  const unknown = await poller.poll({ deviceId: 'dev-x', name: 'no-such-ne' }, 'PM');
  assert.equal(unknown.error?.code, 'MCP_NOT_FOUND');
  assert.match(unknown.error.message, /device dev-x: .*no-such-ne/);

  const other = createCienaPoller({ mcp: { baseUrl: sim.url, username: sim.username, password: 'wrong', loginBody: 'form' }, collectorId: 'c1', logger });
  const badLogin = await other.poll({ deviceId: 'dev-a', name: ne.name }, 'PM');
  assert.equal(badLogin.error?.code, 'MCP_AUTH');
  assert.match(badLogin.error.message, /credentials refused/);
  other.close();

  const form = createCienaPoller({ mcp: { baseUrl: sim.url, username: sim.username, password: sim.password, loginBody: 'form' }, collectorId: 'c1', logger });
  assert.equal((await form.poll({ deviceId: 'dev-a', name: ne.name }, 'PM')).error, null, 'form-encoded login works too');
  form.close();

  const down = createCienaPoller({ mcp: { baseUrl: 'http://127.0.0.1:9', username: 'u', password: 'p', timeoutMs: 1_000 }, collectorId: 'c1', logger });
  const unreachable = await down.poll({ deviceId: 'dev-a', name: ne.name }, 'PM');
  assert.equal(unreachable.error?.code, 'MCP_CONNECT');
  down.close();

  const counted = await client.register.getSingleMetric('oc_ciena_readings_total')!.get();
  for (const code of ['MCP_HTTP', 'MCP_BAD_JSON', 'MCP_NOT_FOUND', 'MCP_AUTH', 'MCP_CONNECT']) {
    assert.ok(counted.values.some((v) => v.labels.code === code && v.value >= 1), `${code} counted`);
  }
});

test('an MCP answering without end: the reading fails with MCP_TOO_LARGE naming MCP, and the collector stops reading at MCP_MAX_BODY_BYTES', { timeout: 30_000 }, async () => {
  const capped = createCienaPoller({ mcp: { baseUrl: sim.url, username: sim.username, password: sim.password, timeoutMs: 20_000, maxBodyBytes: 1 << 20 }, collectorId: 'c1', logger });
  try {
    const ne = sim.elements[0];
    const sentBefore = sim.stats().endlessBytes;
    sim.setFault('endless-body');
    const reading = await capped.poll({ deviceId: 'dev-a', networkConstructId: ne.id }, 'ALARM');
    sim.setFault('none');
    assert.equal(reading.error?.code, 'MCP_TOO_LARGE', reading.error?.message);
    assert.match(reading.error.message, /^device dev-a: .*MCP sent a body of more than the 1048576 bytes allowed; cut there \(MCP_MAX_BODY_BYTES\)/);
    assert.ok(!reading.error.message.includes(sim.password));
    roundTrips(reading);
    const sent = sim.stats().endlessBytes - sentBefore;
    assert.ok(sent < 16 << 20, `the collector stopped reading (MCP wrote ${sent} bytes)`);
    assert.equal((await capped.poll({ deviceId: 'dev-a', networkConstructId: ne.id }, 'ALARM')).error, null, 'the next reading works');
  } finally {
    sim.setFault('none');
    capped.close();
  }
});

test('elements sharing a management address are told apart by name', { timeout: 10_000 }, async () => {
  const shared = await startMcpSimulator({ elements: [{ name: 'ne-a', ipAddress: '127.0.0.1' }, { name: 'ne-b', ipAddress: '127.0.0.1' }], logger });
  const p = createCienaPoller({ mcp: { baseUrl: shared.url, username: shared.username, password: shared.password }, collectorId: 'c1', logger });
  try {
    const r = await p.poll({ deviceId: 'b', name: 'ne-b', address: '127.0.0.1' }, 'PM');
    assert.equal(r.networkConstructId, shared.element('ne-b')!.id);
    const byAddress = await p.poll({ deviceId: 'x', name: 'renamed', address: '127.0.0.1' }, 'PM');
    assert.equal(byAddress.error, null, 'falls back to the address when no name matches');
  } finally {
    p.close();
    await shared.close();
  }
});
