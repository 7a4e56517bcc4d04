// The YAML inventory: SNMP access with per-device timing and v3 context, and bad entries reported
// by position while the rest loads.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseInventory } from './yaml-inventory.js';

test('snmp timeoutMs, retries and context are read; bad values are problems naming the device', () => {
  const { devices, problems } = parseInventory(
    `devices:
  - { deviceId: a, address: 127.0.0.1, snmp: { version: v3, credential: core-v3, context: vrf-mgmt, timeoutMs: 5000, retries: 2 } }
  - { deviceId: b, address: 127.0.0.2, snmp: { credential: "community:public" } }
  - { deviceId: c, address: 127.0.0.3, snmp: { credential: x, timeoutMs: 5 } }
  - { deviceId: d, address: nowhere, snmp: { credential: x } }
`,
    1_000,
  );
  assert.deepEqual(devices.map((d) => d.snmp), [
    { version: 'v3', port: 161, credential: 'core-v3', profiles: ['system', 'interfaces'], timeoutMs: 5000, retries: 2, context: 'vrf-mgmt' },
    { version: 'v2c', port: 161, credential: 'community:public', profiles: ['system', 'interfaces'], timeoutMs: null, retries: null, context: null },
  ]);
  assert.deepEqual(problems.map((p) => [p.entry, p.deviceId]), [[2, 'c'], [3, 'd']]);
  assert.match(problems[0].message, /timeoutMs of c/);
});
