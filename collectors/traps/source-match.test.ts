import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Device } from '../../schemas/types.js';
import type { Credential } from '../../credentials/credential-types.js';
import { TrapSources } from './source-match.js';
import { RecentNotifications } from './dedup.js';

const device = (deviceId: string, address: string, snmp: Partial<NonNullable<Device['snmp']>> = {}): Device => ({
  deviceId, hostname: deviceId, address, site: 's', role: 'core', platform: 'junos', vendor: 'juniper', status: 'active', tags: [], labels: {},
  snmp: { version: 'v2c', port: 161, credential: `${deviceId}/snmp`, profiles: [], ...snmp }, updatedAt: 0,
});
const store: Record<string, Credential> = { 'r1/snmp': { kind: 'snmp-community', community: 'c-r1' }, 'r2/snmp': { kind: 'snmp-community', community: 'c-r2' } };
const credentials = { get: (n: string) => store[n] };

test('a source is matched by address, and a shared address by community or SNMPv3 context', () => {
  const s = new TrapSources(credentials);
  s.upsert(device('r1', '127.0.0.1'));
  s.upsert(device('r2', '127.0.0.1'));
  s.upsert(device('r3', '10.0.0.3'));
  s.upsert(device('r4', '10.0.0.4'));
  s.upsert(device('v3a', '10.0.0.9', { version: 'v3', context: 'a' }));
  s.upsert(device('v3b', '10.0.0.9', { version: 'v3', context: 'b' }));
  const id = (r: ReturnType<TrapSources['match']>) => (r.ok ? r.device.deviceId : r.code);
  assert.equal(id(s.match({ address: '10.0.0.3', community: 'anything', context: null })), 'r3', 'one device at the address: that one');
  assert.equal(id(s.match({ address: '::ffff:10.0.0.4', community: 'x', context: null })), 'r4', 'IPv4-mapped source');
  assert.equal(id(s.match({ address: '127.0.0.1', community: 'c-r2', context: null })), 'r2');
  assert.equal(id(s.match({ address: '10.0.0.9', community: null, context: 'b' })), 'v3b');
  const amb = s.match({ address: '127.0.0.1', community: 'c-other', context: null });
  assert.equal(id(amb), 'TRAP_AMBIGUOUS_SOURCE');
  assert.match(amb.ok ? '' : amb.message, /2 devices share address 127\.0\.0\.1 and none of them match the notification's community/);
  const unknown = s.match({ address: '192.0.2.1', community: 'c-r1', context: null });
  assert.equal(id(unknown), 'TRAP_UNKNOWN_SOURCE');
  assert.match(unknown.ok ? '' : unknown.message, /no active inventory device has address 192\.0\.2\.1/);

  s.remove('r2');
  assert.equal(id(s.match({ address: '127.0.0.1', community: 'c-other', context: null })), 'r1', 'a removed device no longer competes');
  s.upsert({ ...device('r3', '10.0.0.3'), status: 'offline' });
  assert.equal(id(s.match({ address: '10.0.0.3', community: null, context: null })), 'TRAP_UNKNOWN_SOURCE', 'an inactive device is no source');
  assert.deepEqual([...s.credentialNames()].sort(), ['r1/snmp', 'r4/snmp', 'v3a/snmp', 'v3b/snmp']);
});

test('the de-duplication window forgets a key once it has passed', () => {
  const r = new RecentNotifications(1_000);
  assert.equal(r.has('k', 0), false);
  r.add('k', 0);
  assert.equal(r.has('k', 999), true);
  assert.equal(r.has('k', 1_000), false);
  const off = new RecentNotifications(0);
  off.add('k', 0);
  assert.equal(off.has('k', 0), false, 'a zero window de-duplicates nothing');
});
