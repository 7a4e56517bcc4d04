// Inventory device → SSH target: labels read, credential literal parsed, problems coded, and
// the password kept out of every message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Device } from '../../schemas/types.js';
import { sshTargetOf } from './target.js';

const device = (labels: Record<string, string>, address = '192.0.2.10'): Device => ({
  deviceId: 'r1', hostname: 'r1', address, site: 's', role: 'edge', platform: 'junos', vendor: 'juniper', status: 'active', tags: [], labels, snmp: null, updatedAt: 0,
});

test('labels become a target; the platform falls back to the device platform', () => {
  const r = sshTargetOf(device({ 'ssh.credential': 'login:noc:s3cr:et', 'ssh.port': '2222', 'ssh.ports': '9, 10' }));
  assert.deepEqual(r, { ok: true, target: { deviceId: 'r1', address: '192.0.2.10', port: 2222, platform: 'junos', username: 'noc', password: 's3cr:et', ports: ['9', '10'] } });
});

test('missing access, bad address, bad port, unknown credential: coded, no secret in the message', () => {
  assert.equal((sshTargetOf(device({})) as { code: string }).code, 'INVENTORY_NO_SSH');
  assert.equal((sshTargetOf(device({ 'ssh.credential': 'login:a:b' }, 'r1.example')) as { code: string }).code, 'INVENTORY_BAD_ADDRESS');
  assert.equal((sshTargetOf(device({ 'ssh.credential': 'login:a:b', 'ssh.port': '70000' })) as { code: string }).code, 'INVENTORY_BAD_PORT');
  const unknown = sshTargetOf(device({ 'ssh.credential': 'vault:core-routers:hunter2' })) as { code: string; message: string };
  assert.equal(unknown.code, 'CREDENTIAL_UNKNOWN');
  assert.ok(!unknown.message.includes('hunter2'));
});
