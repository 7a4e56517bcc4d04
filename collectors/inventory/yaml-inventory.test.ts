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

test('CLI injection: an ssh.ports label outside the platform grammar is a problem at import', () => {
  const { devices, problems } = parseInventory(
    `devices:
  - { deviceId: a, address: 127.0.0.1, platform: saos, labels: { ssh.credential: "login:a:b", ssh.ports: "9,10" } }
  - { deviceId: b, address: 127.0.0.2, platform: saos, labels: { ssh.credential: "login:a:b", ssh.ports: "9\\nconfiguration reset" } }
  - { deviceId: c, address: 127.0.0.3, labels: { ssh.platform: ios-xr, ssh.ports: "0/0/0/0;reload" } }
`,
    1_000,
  );
  assert.deepEqual(devices.map((d) => d.deviceId), ['a']);
  assert.deepEqual(problems.map((p) => [p.entry, p.deviceId]), [[1, 'b'], [2, 'c']]);
  assert.match(problems[0].message, /^device b: ssh.ports port name "9\\nconfiguration reset" is not a SAOS port number/);
});
