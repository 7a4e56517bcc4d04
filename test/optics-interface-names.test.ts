// "Which port is dark?" must be answerable by name: every optical reading of every lab platform
// carries the name its interface's traffic carries (an optics table indexed by ifIndex is joined
// to the interface names its profile walks), never an "ifIndex<N>" stand-in. Collector and
// normaliser together, against the lab's agents.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createLogger } from '../common/log.js';
import { startLab, type Lab } from '../infra/lab/lab.js';
import { OPTICS_PROFILES } from '../infra/lab/optics.js';
import { findFreeUdpPort } from '../infra/lab/ports.js';
import { projectRoot } from '../bin/supervisor.js';
import { createSnmpPoller, type SnmpPoller } from '../collectors/snmp/poller.js';
import { normalizeSnmp } from '../processors/normalize/snmp.js';
import { normalizeSnmpOptics } from '../processors/normalize/optics.js';

const logger = createLogger({ test: 'optics-names' }, 'error');
let lab: Lab;
let dataDir: string;
let poller: SnmpPoller;

before(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'oc-optics-names-'));
  lab = await startLab({ root: projectRoot, dataDir, devices: 3, interfaces: 4, snmpPort: await findFreeUdpPort(), httpPort: 0, venvBin: path.join(projectRoot, '.cache/venv/bin'), recordedWalks: [], snmpAgent: 'node', logger });
  poller = createSnmpPoller({ timeoutMs: 1_500, retries: 1, maxRepetitions: 25, collectorId: 'test-collector', logger });
});

after(async () => {
  poller?.close();
  await lab?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test('optical readings carry the interface name of the same port on every platform that indexes optics by ifIndex', { timeout: 30_000 }, async () => {
  let checked = 0;
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
        if (name === undefined) continue; // platforms that index optics by port number label them `port`
        assert.ok(!name.startsWith('ifIndex'), `${device.deviceId} ${profile}: ${s.seriesKey} is named by its index`);
        assert.ok(names.has(name), `${device.deviceId} ${profile}: ${s.seriesKey} names no interface of the device (${[...names].join(', ')})`);
        checked++;
      }
    }
  }
  assert.ok(checked > 0, 'at least one platform names its optics by interface');
});
