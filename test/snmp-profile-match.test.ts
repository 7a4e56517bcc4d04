// A device whose inventory entry lists no SNMP profiles is polled with the generic ones and those
// whose `match` fits it: by the sysObjectID its agent answers (no vendor in the inventory), or by
// the inventory's vendor; an entry that lists profiles gets exactly those.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../common/log.js';
import { createProfileChooser } from '../collectors/snmp/profile-choice.js';
import { PROFILES } from '../collectors/snmp/profiles.js';
import type { Device } from '../schemas/types.js';
import { startSnmpLab } from './snmp-lab.js';

const VENDOR_PROFILES: Record<string, string[]> = { 'cisco-iosxr': ['env-cisco', 'optics-cisco'], 'juniper-junos': ['optics-juniper'], 'ciena-saos': ['optics-ciena'] };

test('profiles chosen by sysObjectID or vendor when the inventory lists none', { timeout: 60_000 }, async (t) => {
  const { lab, poller, targetOf } = await startSnmpLab(t, { devices: 3, interfaces: 2 });
  let polls = 0;
  const counting = { poll: (...args: Parameters<typeof poller.poll>) => (polls++, poller.poll(...args)) };
  const choose = createProfileChooser(counting, PROFILES, createLogger({ test: 'profile-match' }, 'error'));
  const platforms = new Set<string>();
  for (const d of lab.devices) {
    platforms.add(d.platform);
    const device = (vendor: string, profiles: string[]): Device => ({ deviceId: d.deviceId, hostname: d.deviceId, address: d.address, site: 'lab', role: 'core', platform: d.platform, vendor, status: 'active', tags: [], labels: {}, snmp: { version: 'v2c', port: d.port, credential: 'x', profiles }, updatedAt: 0 });
    const bySysObjectID = await choose(device('', []), targetOf(d));
    assert.deepEqual(bySysObjectID.slice(0, 2), ['system', 'interfaces'], d.deviceId);
    assert.deepEqual(bySysObjectID.slice(2).sort(), VENDOR_PROFILES[d.platform], `${d.deviceId} (${d.platform}) by its sysObjectID`);
    const before = polls;
    assert.deepEqual(await choose(device('', []), targetOf(d)), bySysObjectID, 'the same choice again');
    assert.equal(polls, before, 'sysObjectID is read once, not every poll');
    assert.deepEqual(await choose(device('', ['interfaces']), targetOf(d)), ['interfaces'], 'listed profiles are kept as they are');
  }
  assert.equal(platforms.size, 3, 'a device of each platform');
  // No answer (a wrong port): the vendor alone chooses.
  const silent = lab.devices[0];
  const vendorOnly = await choose({ deviceId: 'silent', hostname: 's', address: silent.address, site: '', role: '', platform: '', vendor: 'Juniper', status: 'active', tags: [], labels: {}, snmp: { version: 'v2c', port: 9, credential: 'x', profiles: [] }, updatedAt: 0 }, { ...targetOf(silent), deviceId: 'silent', port: 9, timeoutMs: 200, retries: 0 } );
  assert.deepEqual(vendorOnly, ['system', 'interfaces', 'optics-juniper']);
});
