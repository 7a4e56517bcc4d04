// "Which port is dark?" must be answerable by name: every optical reading of every lab platform
// carries the name its interface's traffic carries, never an "ifIndex<N>" stand-in nor the
// platform's own word for the transceiver. Optics indexed by ifIndex (Juniper) are joined to the
// interface names their profile walks; optics indexed by entPhysicalIndex (Cisco's sensors,
// named "Optics0/0/0/0 Rx Power" in the lab as on IOS XR) reach their interface through
// ENTITY-MIB's entAliasMappingTable; Ciena's port numbers are their ifIndex. Collector and normaliser together, against both of the lab's
// SNMP agents (the in-process one, the default, and snmpsim): both serve the same records.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createLogger } from '../common/log.js';
import { startLab } from '../infra/lab/lab.js';
import { OPTICS_PROFILES } from '../infra/lab/optics.js';
import { findFreeUdpPort } from '../infra/lab/ports.js';
import { projectRoot } from '../infra/supervisor.js';
import { createSnmpPoller } from '../collectors/snmp/poller.js';
import { normalizeSnmp } from '../processors/normalize/snmp.js';
import { normalizeSnmpOptics } from '../processors/normalize/optics.js';

const logger = createLogger({ test: 'optics-names' }, 'error');

for (const snmpAgent of ['node', 'snmpsim'] as const) {
  test(`${snmpAgent} agent: optical readings carry the interface name of the same port on every platform (by ifIndex, or by entAliasMappingTable)`, { timeout: 60_000 }, async (t) => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'oc-optics-names-'));
    t.after(() => rm(dataDir, { recursive: true, force: true }));
    const lab = await startLab({ root: projectRoot, dataDir, devices: 3, interfaces: 4, snmpPort: await findFreeUdpPort(), httpPort: 0, venvBin: path.join(projectRoot, '.cache/venv/bin'), recordedWalks: [], snmpAgent, logger });
    t.after(() => lab.close());
    const poller = createSnmpPoller({ timeoutMs: 1_500, retries: 1, maxRepetitions: 25, collectorId: 'test-collector', logger });
    t.after(() => poller.close());
    const checked = new Map<string, number>();
    for (const device of lab.devices) {
      const target = { deviceId: device.deviceId, address: device.address, port: device.port, version: 'v2c' as const, community: device.community };
      const interfaces = normalizeSnmp(undefined, await poller.poll(target, 'interfaces')).batch;
      const names = new Set(interfaces.samples.filter((s) => s.metric === 'if_oper_up').map((s) => s.labels.ifName));
      assert.ok(names.size > 0 && [...names].every((n) => !n.startsWith('ifIndex')), `${device.deviceId}: interfaces named (${[...names].join(', ')})`);
      for (const profile of OPTICS_PROFILES[device.platform]) {
        const optics = normalizeSnmpOptics(await poller.poll(target, profile));
        const rx = optics.samples.filter((s) => s.metric === 'optical_rx_dbm');
        assert.ok(rx.length > 0, `${device.deviceId} ${profile}: optical readings`);
        for (const s of rx) {
          const name = s.labels.ifName;
          assert.ok(name !== undefined, `${device.deviceId} ${profile}: ${s.seriesKey} has no interface name`);
          assert.ok(!name.startsWith('ifIndex') && !name.startsWith('Optics'), `${device.deviceId} ${profile}: ${s.seriesKey} is not named by its interface`);
          assert.ok(names.has(name), `${device.deviceId} ${profile}: ${s.seriesKey} names no interface of the device (${[...names].join(', ')})`);
          checked.set(profile, (checked.get(profile) ?? 0) + 1);
        }
        // Every port's receiver, named: as many named Rx readings as the device has interfaces.
        assert.equal(rx.length, device.interfaces.length, `${device.deviceId} ${profile}`);
      }
    }
    for (const profile of ['optics-cisco', 'optics-entity-sensor', 'optics-juniper', 'optics-ciena']) assert.ok((checked.get(profile) ?? 0) > 0, `${profile} names its optics by interface (checked: ${JSON.stringify([...checked])})`);
  });
}
