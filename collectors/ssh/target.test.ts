// Inventory device → SSH target: labels read, the credential resolved by name from the store,
// problems coded, and the password kept out of every message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Credential } from '../../credentials/credential-types.js';
import type { Device } from '../../schemas/types.js';
import { sshTargetOf } from './target.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
const STORE: Record<string, Credential> = {
  'core-ssh': { kind: 'ssh-password', username: 'noc', password: 's3cr:et' },
  'core-key': { kind: 'ssh-key', username: 'svc', privateKey: KEY, passphrase: 'pp-123' },
  'core-v2': { kind: 'snmp-community', community: 'public' },
  broken: { kind: 'ssh-password', username: 'x', password: 'y' },
};
const credentials = {
  get(name: string) {
    if (name === 'broken') throw Object.assign(new Error('credential broken in f cannot be opened with this key'), { code: 'CREDENTIAL_DECRYPT_FAILED' });
    return STORE[name];
  },
};

const device = (labels: Record<string, string>, address = '192.0.2.10'): Device => ({
  deviceId: 'r1', hostname: 'r1', address, site: 's', role: 'edge', platform: 'junos', vendor: 'juniper', status: 'active', tags: [], labels, snmp: null, updatedAt: 0,
});

test('labels become a target, the credential the label names from the store; the platform falls back to the device platform', () => {
  const r = sshTargetOf(device({ 'ssh.credential': 'core-ssh', 'ssh.port': '2222', 'ssh.ports': '9, 10' }), credentials);
  assert.deepEqual(r, { ok: true, target: { deviceId: 'r1', address: '192.0.2.10', port: 2222, platform: 'junos', username: 'noc', password: 's3cr:et', ports: ['9', '10'] } });
  const key = sshTargetOf(device({ 'ssh.credential': 'core-key' }), credentials);
  assert.deepEqual(key.ok && [key.target.username, key.target.privateKey, key.target.passphrase, key.target.password], ['svc', KEY, 'pp-123', undefined]);
});

test('missing access, bad address, bad port, unknown, mismatched or unreadable credential: coded, no secret in the message', () => {
  const code = (labels: Record<string, string>, address?: string) => sshTargetOf(device(labels, address), credentials) as { code: string; message: string };
  assert.equal(code({}).code, 'INVENTORY_NO_SSH');
  assert.equal(code({ 'ssh.credential': 'core-ssh' }, 'r1.example').code, 'INVENTORY_BAD_ADDRESS');
  assert.equal(code({ 'ssh.credential': 'core-ssh', 'ssh.port': '70000' }).code, 'INVENTORY_BAD_PORT');
  assert.equal(code({ 'ssh.credential': 'nobody' }).code, 'CREDENTIAL_UNKNOWN');
  assert.equal(code({ 'ssh.credential': 'core-v2' }).code, 'CREDENTIAL_MISMATCH');
  assert.ok(!code({ 'ssh.credential': 'core-v2' }).message.includes('public'));
  assert.equal(code({ 'ssh.credential': 'core routers' }).code, 'INVENTORY_BAD_CREDENTIAL_NAME');
  const unreadable = code({ 'ssh.credential': 'broken' });
  assert.deepEqual([unreadable.code, /CREDENTIAL_DECRYPT_FAILED/.test(unreadable.message)], ['CREDENTIAL_UNREADABLE', true]);
});

test('a password written into the ssh.credential label is never used to log in: refused with INVENTORY_SECRET_LITERAL, not echoed', () => {
  for (const literal of ['login:noc:hunter2', 'vault:core-routers:hunter2', 'login:core-ssh:hunter2']) {
    const r = sshTargetOf(device({ 'ssh.credential': literal }), credentials) as { ok: boolean; code: string; message: string };
    assert.equal(r.ok, false, literal);
    assert.equal(r.code, 'INVENTORY_SECRET_LITERAL');
    assert.ok(!r.message.includes('hunter2') && !r.message.includes('noc'), r.message);
    assert.match(r.message, /credentials import-labels/);
  }
});

test('CLI injection: ssh.ports entries outside the platform grammar are refused with INVENTORY_BAD_INTERFACE', () => {
  const refused = (labels: Record<string, string>) => sshTargetOf(device({ 'ssh.credential': 'core-ssh', ...labels }), credentials) as { ok: boolean; code: string; message: string };
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
  const saos = sshTargetOf(device({ 'ssh.credential': 'core-ssh', 'ssh.platform': 'saos', 'ssh.ports': '9, 1/10' }), credentials);
  assert.deepEqual(saos.ok && saos.target.ports, ['9', '1/10']);
  // Junos lists every interface: its ssh.ports never reach a command and are not judged.
  assert.equal(refused({ 'ssh.ports': 'xe-0/0/0, anything' }).ok, true);
});
