// A profile a user adds as a file, without code: the collector polls it from a lab device and the
// processor turns the metrics it declares into series (gauges as they are, counters as rates).
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { createSnmpPoller } from '../collectors/snmp/poller.js';
import { createLogger } from '../common/log.js';
import { registerUserProfiles } from '../collectors/snmp/profiles.js';
import { registerProfileMetrics } from '../processors/normalize/profile-metrics.js';
import { normalizeSnmp, type SnmpDeviceState } from '../processors/normalize/snmp.js';
import type { MetricBatch } from '../schemas/types.js';
import { startSnmpLab } from './snmp-lab.js';

const PROFILE = `# my own: MTU and 32-bit octet counters of IF-MIB's ifTable, and sysServices
name: my-if-extras
description: 'a user profile: no code'
index: [ifIndex]
scalars:
  - { name: sysServices, oid: 1.3.6.1.2.1.1.7.0, type: Integer, metric: sys_services, unit: count }
columns:
  - { name: ifMtu, oid: 1.3.6.1.2.1.2.2.1.4, type: Integer, metric: if_mtu_bytes, unit: bytes }
  - { name: ifInOctets, oid: 1.3.6.1.2.1.2.2.1.10, type: Counter32, metric: if_in_octets_ps, unit: Bps }
`;

test('a profile file in SNMP_PROFILES_DIR is polled and its declared metrics become series', { timeout: 30_000 }, async (t) => {
  const { lab, dir, targetOf } = await startSnmpLab(t, { devices: 1, interfaces: 4 });
  const profilesDir = path.join(dir, 'profiles');
  await mkdir(profilesDir);
  await writeFile(path.join(profilesDir, 'my-if-extras.yaml'), PROFILE);
  assert.deepEqual(registerUserProfiles(profilesDir), ['my-if-extras']);
  assert.deepEqual(registerProfileMetrics(profilesDir), ['my-if-extras']);
  // A poller created after the profiles were registered: it plans each profile once, at creation.
  const poller = createSnmpPoller({ timeoutMs: 1_500, retries: 1, maxRepetitions: 25, collectorId: 'test-collector', logger: createLogger({ test: 'user-snmp-profile' }, 'error') });
  const device = lab.devices[0];
  const target = targetOf(device);
  let state: SnmpDeviceState | undefined;
  const batches: MetricBatch[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 2_000));
      const poll = await poller.poll(target, 'my-if-extras');
      assert.equal(poll.error, null);
      const r = normalizeSnmp(state, poll);
      state = r.state;
      batches.push(r.batch);
    }
  } finally {
    poller.close();
  }
  const [, second] = batches;
  const one = (metric: string, ifIndex?: number) => second.samples.find((s) => s.metric === metric && (ifIndex === undefined ? Object.keys(s.labels).length === 0 : s.labels.ifIndex === String(ifIndex)));
  assert.equal(one('sys_services')?.value, 6);
  for (const i of device.interfaces) {
    const mtu = one('if_mtu_bytes', i.index)!;
    assert.deepEqual([mtu.value, mtu.unit, mtu.seriesKey], [9192, 'bytes', `${device.deviceId}/if_mtu_bytes{ifIndex=${i.index}}`]);
    const rate = one('if_in_octets_ps', i.index)!;
    const planned = i.inBps / 8;
    assert.ok(Math.abs(rate.value - planned) <= planned * 0.05 + 1, `${i.name}: ${rate.value} B/s vs planned ${planned}`);
  }
});
