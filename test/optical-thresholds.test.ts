// Transceiver thresholds from the lab's agents (both engines: the in-process node agent and
// snmpsim serve the same snmprec data), collector to rule: every platform whose optics MIB has
// threshold columns reports each Rx port's own limits beside its reading, and the optical rule
// judges the reading by them rather than by the global sensitivity.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabDevice } from '../infra/lab/lab.js';
import { OPTICS_PROFILES } from '../infra/lab/optics.js';
import { normalizeSnmpOptics } from '../processors/normalize/optics.js';
import { analyseBatch } from '../processors/anomaly/analyse.js';
import type { MetricBatch } from '../schemas/types.js';
import { startSnmpLab } from './snmp-lab.js';

const LIMITS = { lowAlarm: 'optical_rx_low_alarm_dbm', lowWarn: 'optical_rx_low_warn_dbm', highWarn: 'optical_rx_high_warn_dbm', highAlarm: 'optical_rx_high_alarm_dbm' } as const;
// Ciena's XCVR MIB has alarm limits only; ENTITY-SENSOR-MIB none at all.
const REPORTED: Record<string, Array<keyof typeof LIMITS>> = {
  'optics-cisco': ['lowAlarm', 'lowWarn', 'highWarn', 'highAlarm'],
  'optics-juniper': ['lowAlarm', 'lowWarn', 'highWarn', 'highAlarm'],
  'optics-ciena': ['lowAlarm', 'highAlarm'],
  'optics-entity-sensor': [],
};

// Every platform's limits are labelled by the interface's name, as its reading is (Ciena's port
// numbers are joined to the interface of that ifIndex).
const portOf = (labels: Record<string, string>) => labels.ifName;

for (const engine of ['node', 'snmpsim'] as const) {
  test(`${engine} agent: each transceiver's own Rx limits arrive beside its reading and the optical rule uses them`, { timeout: 60_000 }, async (t) => {
    const { lab, poller, targetOf } = await startSnmpLab(t, { devices: 3, interfaces: 4, engine });

    let withLimits: { device: LabDevice; batch: MetricBatch } | null = null;
    for (const device of lab.devices) {
      for (const profile of OPTICS_PROFILES[device.platform]) {
        const batch = normalizeSnmpOptics(await poller.poll(targetOf(device), profile));
        for (const i of device.interfaces) {
          const port = i.name;
          const limit = (kind: keyof typeof LIMITS) => batch.samples.find((s) => s.metric === LIMITS[kind] && portOf(s.labels) === port && s.labels.direction === 'rx')?.value;
          for (const kind of Object.keys(LIMITS) as Array<keyof typeof LIMITS>) {
            const expected = REPORTED[profile].includes(kind) ? i.optics.rxLimits[kind] : undefined;
            assert.equal(limit(kind), expected, `${device.deviceId} ${profile} ${port} ${kind}`);
          }
        }
        if (profile === 'optics-juniper') withLimits = { device, batch };
      }
    }

    // A 10G LR port's reading moved to -15 dBm: the global -14 dBm sensitivity would call it MAJOR;
    // its own limits (warning -14.4, alarm -18.2) make it a WARNING.
    assert.ok(withLimits, 'a Juniper device in the lab');
    const { device, batch } = withLimits;
    const lr = device.interfaces.find((i) => i.highSpeedMbps === 10_000 && i.operStatus === 'up')!;
    const weak = { ...batch, samples: batch.samples.map((s) => (s.metric === 'optical_rx_dbm' && s.labels.ifName === lr.name ? { ...s, value: -15 } : s)) };
    const opened = analyseBatch(undefined, weak).anomalies.filter((a) => a.state === 'OPEN' && a.detector === 'rule:optical-rx-low');
    const dark = device.interfaces.filter((i) => i.operStatus === 'down').map((i) => [i.name, 'CRITICAL']);
    assert.deepEqual(opened.map((a) => [a.labels.ifName, a.severity]), [[lr.name, 'WARNING'], ...dark]);
    assert.match(opened[0].reason, /below the transceiver's low warning threshold -14\.40 dBm by 0\.6 dB/);
  });
}
