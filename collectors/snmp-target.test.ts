// The collector's per-poll resolver: bad inventory entries and unknown credentials are counted by
// code every time, logged once per change naming the device and cause, and good devices resolve.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import client from 'prom-client';
import { createLogger } from '../common/log.js';
import type { Device } from '../schemas/types.js';
import { createSnmpTargetResolver } from './snmp-target.js';

function device(deviceId: string, credential: string, address = '127.0.0.1'): Device {
  return { deviceId, hostname: deviceId, address, site: 's', role: 'r', platform: 'p', vendor: 'v', status: 'active', tags: [], labels: {}, snmp: { version: 'v2c', port: 161, credential, profiles: ['system'] }, updatedAt: 0 };
}

test('resolver: counted every poll, logged once per change, secrets never logged', async () => {
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
  try {
    const resolve = createSnmpTargetResolver({ credentials: { get: (n) => (n === 'known' ? { kind: 'snmp-community', community: 'hidden-community-123' } : undefined) }, logger: createLogger({ test: 'resolver' }, 'info') });
    for (let i = 0; i < 3; i++) {
      assert.equal(resolve(device('bad-addr', 'known', 'not-an-ip')), null);
      assert.equal(resolve(device('no-cred', 'missing-credential')), null);
      assert.equal(resolve(device('good', 'known'))?.deviceId, 'good');
    }
    assert.equal(resolve(device('no-cred', 'known'))?.deviceId, 'no-cred'); // fixed in the inventory
  } finally {
    process.stderr.write = write;
  }
  const log = lines.map((l) => JSON.parse(l) as Record<string, string>);
  const warnings = log.filter((l) => l.msg === 'device cannot be polled over SNMP');
  assert.deepEqual(warnings.map((w) => [w.deviceId, w.code]), [['bad-addr', 'INVENTORY_BAD_ADDRESS'], ['no-cred', 'CREDENTIAL_UNKNOWN']]);
  assert.match(warnings[1].reason, /missing-credential/);
  assert.ok(log.some((l) => l.msg === 'device can be polled over SNMP again' && l.deviceId === 'no-cred'));
  assert.ok(!lines.join('').includes('hidden-community-123'));
  const counted = await client.register.getSingleMetric('oc_snmp_target_errors_total')!.get();
  assert.deepEqual(Object.fromEntries(counted.values.map((v) => [v.labels.code, v.value])), { INVENTORY_BAD_ADDRESS: 3, CREDENTIAL_UNKNOWN: 3 });
});
