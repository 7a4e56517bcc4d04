// Topology from NetBox cables and LLDP neighbours, against the lab (its in-process SNMP agent
// serving LLDP-MIB from the lab's cabling), the NetBox simulator holding the same cables, and the
// real Kafka + registry: a cable and its LLDP neighbour (seen from both ends) make one link;
// removing the cable in NetBox turns it into the difference event; a cable nothing observes is
// the other difference; a link no source sees is tombstoned.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createLogger } from '../../common/log.js';
import type { CredentialStore } from '../../credentials/credential-store.js';
import { DIFFERENCE, linkIdOf, mergeLinks } from '../../devices/links.js';
import { labNetboxCables } from '../../infra/lab/lab-command.js';
import type { Lab } from '../../infra/lab/lab.js';
import type { NetboxSim } from '../../infra/lab/netbox-sim.js';
import type { Device, Link } from '../../schemas/types.js';
import type { Streams } from '../../streams/index.js';
import { LINKS_LAB_NETBOX_TOKEN, startLinksLab } from '../../test/links-lab.js';
import { readCompactedTopic } from '../../streams/inventory-topic.js';
import { syncLinks } from './links-sync.js';
import { mapNetboxCable } from './netbox-cables.js';

const logger = createLogger({ test: 'links' }, 'error');
const TOKEN = LINKS_LAB_NETBOX_TOKEN;

test('merge: a cable and the LLDP rows of both its ends are one CONFIRMED link, whichever end is named first', () => {
  const r1 = { deviceId: 'r1', ifName: 'Hu0/0/0/0' };
  const r2 = { deviceId: 'r2', ifName: 'et-0/0/1' };
  const links = mergeLinks(
    [
      { source: 'netbox', a: r2, b: r1, netboxCableId: '9' },
      { source: 'lldp', a: r1, b: r2, speedBps: 100e9 },
      { source: 'lldp', a: r2, b: r1, speedBps: 10e9 },
      { source: 'lldp', a: { deviceId: 'r3', ifName: 'x' }, b: { deviceId: 'r1', ifName: 'y' } },
    ],
    { netboxRead: true, now: 5 },
  );
  assert.equal(links.length, 2);
  const [one, other] = links;
  assert.deepEqual(one, { linkId: linkIdOf(r2, r1), aDeviceId: 'r1', aInterface: 'Hu0/0/0/0', bDeviceId: 'r2', bInterface: 'et-0/0/1', sources: ['lldp', 'netbox'], state: 'CONFIRMED', difference: null, speedBps: 10e9, netboxCableId: '9', updatedAt: 5 });
  assert.equal(other.state, 'UNDOCUMENTED');
  assert.equal(other.difference, DIFFERENCE.observedNotCabled);
  // NetBox not read: nothing to differ from
  assert.equal(mergeLinks([{ source: 'lldp', a: r1, b: r2 }], { netboxRead: false, now: 0 })[0].state, 'OBSERVED');
});

test('NetBox cables that are not one interface to one interface, or not connected, are skipped with the reason', () => {
  const iface = (device: string, name: string) => [{ object_type: 'dcim.interface', object_id: 1, object: { id: 1, name, device: { id: 1, name: device } } }];
  assert.ok(mapNetboxCable({ id: 1, status: { value: 'connected' }, a_terminations: iface('r1', 'a'), b_terminations: iface('r2', 'b') }).ok);
  const planned = mapNetboxCable({ id: 2, status: { value: 'planned' }, a_terminations: iface('r1', 'a'), b_terminations: iface('r2', 'b') });
  assert.ok(!planned.ok && /cable 2 is planned/.test(planned.reason));
  const circuit = mapNetboxCable({ id: 3, a_terminations: [{ object_type: 'circuits.circuittermination', object: {} }], b_terminations: iface('r2', 'b') });
  assert.ok(!circuit.ok && /circuits\.circuittermination/.test(circuit.reason));
  const breakout = mapNetboxCable({ id: 4, a_terminations: [...iface('r1', 'a'), ...iface('r1', 'c')], b_terminations: iface('r2', 'b') });
  assert.ok(!breakout.ok && /breakout/.test(breakout.reason));
});

let fixture: Awaited<ReturnType<typeof startLinksLab>>;
let lab: Lab;
let sim: NetboxSim;
let streams: Streams;
let store: CredentialStore;

before(async () => {
  fixture = await startLinksLab('links', { mcp: false, logger });
  ({ lab, netbox: sim, streams, store } = fixture);
});

after(async () => {
  await fixture?.close();
});

const sync = () => syncLinks({ streams, logger, netbox: { url: sim.url, token: TOKEN }, credentials: store });
const onTopic = () => readCompactedTopic<Link>(streams, streams.topics.links, logger);

test('the lab: every NetBox cable and its LLDP neighbours make one CONFIRMED link on inventory.links; a second sync publishes nothing', { timeout: 60_000 }, async () => {
  assert.ok(lab.cables.length >= 4, `the lab has cables (${lab.cables.length})`);
  const report = await sync();
  assert.deepEqual(report.walkFailures, []);
  assert.equal(report.links, lab.cables.length, 'one link per cable, though LLDP saw each from both ends');
  assert.equal(report.differences.length, 0, JSON.stringify(report.differences));
  const links = await onTopic();
  assert.equal(links.size, lab.cables.length);
  for (const c of lab.cables) {
    const link = links.get(linkIdOf({ deviceId: c.a.deviceId, ifName: c.a.ifName }, { deviceId: c.b.deviceId, ifName: c.b.ifName }));
    assert.ok(link, `cable ${c.id} ${c.a.deviceId}:${c.a.ifName} - ${c.b.deviceId}:${c.b.ifName} is a link`);
    assert.deepEqual(link.sources, ['lldp', 'netbox']);
    assert.equal(link.state, 'CONFIRMED');
    assert.equal(link.netboxCableId, String(c.id));
    assert.equal(link.speedBps, Math.min(c.a.speedMbps, c.b.speedMbps) * 1e6);
  }
  // Junos names its ports by number in LLDP: the name still came through (from the description)
  assert.ok([...links.values()].some((l) => /^(et|xe)-/.test(l.aInterface) || /^(et|xe)-/.test(l.bInterface)), 'a Junos end is named');
  const again = await sync();
  assert.equal(again.published + again.tombstoned, 0);
});

test('a cable removed in NetBox while LLDP still sees it is the difference event; a cable nothing observes is the other; gone links are tombstoned', { timeout: 60_000 }, async () => {
  const removed = lab.cables[0];
  const id = linkIdOf({ deviceId: removed.a.deviceId, ifName: removed.a.ifName }, { deviceId: removed.b.deviceId, ifName: removed.b.ifName });
  assert.ok(sim.removeCable(removed.id));
  const phantom = { id: 999, a: { device: 'lab-r1', interface: 'NoSuchPort0' }, b: { device: 'lab-r2', interface: 'NoSuchPort1' } };
  sim.upsertCable(phantom);
  const report = await sync();
  assert.equal(report.published, 2, 'only the two changed links are published');
  const links = await onTopic();
  const undocumented = links.get(id)!;
  assert.equal(undocumented.state, 'UNDOCUMENTED');
  assert.equal(undocumented.difference, 'LLDP neighbour not in NetBox');
  assert.deepEqual(undocumented.sources, ['lldp']);
  const cabled = links.get(linkIdOf({ deviceId: 'lab-r1', ifName: 'NoSuchPort0' }, { deviceId: 'lab-r2', ifName: 'NoSuchPort1' }))!;
  assert.equal(cabled.state, 'NETBOX_ONLY');
  assert.equal(cabled.difference, 'cable in NetBox, no LLDP neighbour');

  // The cable back and the phantom gone: the link is confirmed again, the phantom tombstoned.
  sim.upsertCable(labNetboxCables([removed])[0]);
  sim.removeCable(phantom.id);
  const healed = await sync();
  assert.equal(healed.tombstoned, 1);
  assert.equal(healed.differences.length, 0);
  const after = await onTopic();
  assert.equal(after.get(id)!.state, 'CONFIRMED');
  assert.equal(after.size, lab.cables.length);
});

test('a device that does not answer keeps the links last seen through it: an outage is not a pulled cable', { timeout: 60_000 }, async () => {
  const devices = fixture.devices;
  const silent = devices.find((d) => d.deviceId === 'lab-r2')!;
  const mute = (d: Device): Device => ({ ...d, snmp: { ...d.snmp!, port: 9 } }); // nothing answers on the discard port
  await streams.producer.send(streams.topics.inventory, [{ key: silent.deviceId, value: mute(silent) }]);
  try {
    const report = await syncLinks({ streams, logger, netbox: { url: sim.url, token: TOKEN }, credentials: store, lldp: { timeoutMs: 300, retries: 0 } });
    assert.deepEqual(report.walkFailures.map((f) => f.deviceId), ['lab-r2']);
    assert.equal(report.published + report.tombstoned, 0, 'nothing changed: its links are still CONFIRMED');
  } finally {
    await streams.producer.send(streams.topics.inventory, [{ key: silent.deviceId, value: silent }]);
  }
});
