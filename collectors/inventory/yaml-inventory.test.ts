// The YAML inventory: SNMP access with per-device timing and v3 context, and bad entries reported
// by position while the rest loads.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseInventory } from './yaml-inventory.js';

test('snmp timeoutMs, retries and context are read; bad values are problems naming the device', () => {
  const { devices, problems } = parseInventory(
    `devices:
  - { deviceId: a, address: 127.0.0.1, snmp: { version: v3, credential: core-v3, context: vrf-mgmt, timeoutMs: 5000, retries: 2 } }
  - { deviceId: b, address: 127.0.0.2, snmp: { credential: edge-v2 } }
  - { deviceId: c, address: 127.0.0.3, snmp: { credential: x, timeoutMs: 5 } }
  - { deviceId: d, address: nowhere, snmp: { credential: x } }
`,
    1_000,
  );
  assert.deepEqual(devices.map((d) => d.snmp), [
    { version: 'v3', port: 161, credential: 'core-v3', profiles: [], timeoutMs: 5000, retries: 2, context: 'vrf-mgmt' },
    { version: 'v2c', port: 161, credential: 'edge-v2', profiles: [], timeoutMs: null, retries: null, context: null },
  ]);
  assert.deepEqual(problems.map((p) => [p.entry, p.deviceId, p.code]), [[2, 'c', 'INVENTORY_BAD_FIELD'], [3, 'd', 'INVENTORY_BAD_ADDRESS']]);
  assert.match(problems[0].message, /timeoutMs of c/);
});

test('CLI injection: an ssh.ports label outside the platform grammar is a problem at import', () => {
  const { devices, problems } = parseInventory(
    `devices:
  - { deviceId: a, address: 127.0.0.1, platform: saos, labels: { ssh.credential: saos-ssh, ssh.ports: "9,10" } }
  - { deviceId: b, address: 127.0.0.2, platform: saos, labels: { ssh.credential: saos-ssh, ssh.ports: "9\\nconfiguration reset" } }
  - { deviceId: c, address: 127.0.0.3, labels: { ssh.platform: ios-xr, ssh.ports: "0/0/0/0;reload" } }
`,
    1_000,
  );
  assert.deepEqual(devices.map((d) => d.deviceId), ['a']);
  assert.deepEqual(problems.map((p) => [p.entry, p.deviceId, p.code]), [[1, 'b', 'INVENTORY_BAD_INTERFACE'], [2, 'c', 'INVENTORY_BAD_INTERFACE']]);
  assert.match(problems[0].message, /^device b: ssh.ports port name "9\\nconfiguration reset" is not a SAOS port number/);
});

test('secrets in clear are refused at import with INVENTORY_SECRET_LITERAL: an SSH password or a community in a label or the snmp section never reaches inventory.devices', () => {
  const { devices, problems } = parseInventory(
    `devices:
  - { deviceId: ok, address: 127.0.0.1, labels: { ssh.credential: core-ssh, rack: a1 }, snmp: { credential: core-v2 } }
  - { deviceId: ssh-login, address: 127.0.0.2, labels: { ssh.credential: "login:noc:hunter2" } }
  - { deviceId: snmp-literal, address: 127.0.0.3, snmp: { credential: "community:hunter2" } }
  - { deviceId: community-label, address: 127.0.0.4, labels: { snmp.community: hunter2 } }
  - { deviceId: v3-key, address: 127.0.0.5, labels: { snmp.authKey: hunter2-auth } }
  - { deviceId: password-label, address: 127.0.0.6, labels: { mcp.password: hunter2 } }
  - { deviceId: key-label, address: 127.0.0.7, labels: { note: "-----BEGIN OPENSSH PRIVATE KEY-----\\nhunter2" } }
  - { deviceId: not-a-name, address: 127.0.0.8, labels: { ssh.credential: "core routers" } }
`,
    1_000,
  );
  assert.deepEqual(devices.map((d) => d.deviceId), ['ok']);
  assert.deepEqual(problems.map((p) => [p.deviceId, p.code]), [
    ['ssh-login', 'INVENTORY_SECRET_LITERAL'],
    ['snmp-literal', 'INVENTORY_SECRET_LITERAL'],
    ['community-label', 'INVENTORY_SECRET_LITERAL'],
    ['v3-key', 'INVENTORY_SECRET_LITERAL'],
    ['password-label', 'INVENTORY_SECRET_LITERAL'],
    ['key-label', 'INVENTORY_SECRET_LITERAL'],
    ['not-a-name', 'INVENTORY_BAD_CREDENTIAL_NAME'],
  ]);
  for (const p of problems) {
    assert.ok(!p.message.includes('hunter2') && !p.message.includes('noc'), p.message);
    assert.match(p.message, new RegExp(`^device ${p.deviceId}: (label "[^"]+"|snmp.credential) `));
  }
  assert.match(problems[0].message, /credentials import-labels/);
});
