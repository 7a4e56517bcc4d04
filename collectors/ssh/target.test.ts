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

test('CLI injection: ssh.ports entries outside the platform grammar are refused with INVENTORY_BAD_INTERFACE', () => {
  const refused = (labels: Record<string, string>) => sshTargetOf(device({ 'ssh.credential': 'login:noc:pw', ...labels })) as { ok: boolean; code: string; message: string };
  for (const [platform, ports] of [
    ['saos', '9,10\nsystem shell set more on'],
    ['saos', '9;reboot'],
    ['saos', `9,${'1'.repeat(1_000_000)}`],
    ['ios-xr', '0/0/0/0\rreload'],
    ['cisco-iosxr', '0/0/0/0,0/0/0/1 | file disk0:/x'],
  ]) {
    const r = refused({ 'ssh.platform': platform, 'ssh.ports': ports });
    assert.equal(r.ok, false, `${platform} ${JSON.stringify(ports.slice(0, 40))}`);
    assert.equal(r.code, 'INVENTORY_BAD_INTERFACE');
    assert.match(r.message, /^device r1: ssh.ports port name ".*" is not an? (SAOS port number|IOS-XR optics controller)/);
    assert.ok(!r.message.includes('\n') && !r.message.includes('\r') && r.message.length < 300, 'the bad value is quoted, escaped and cut short');
  }
  const saos = sshTargetOf(device({ 'ssh.credential': 'login:noc:pw', 'ssh.platform': 'saos', 'ssh.ports': '9, 1/10' }));
  assert.deepEqual(saos.ok && saos.target.ports, ['9', '1/10']);
  // Junos lists every interface: its ssh.ports never reach a command and are not judged.
  assert.equal(refused({ 'ssh.ports': 'xe-0/0/0, anything' }).ok, true);
});
