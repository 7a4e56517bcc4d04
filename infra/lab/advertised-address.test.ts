import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { resolveAdvertisedAddress } from './advertised-address.js';

const nic = (address: string, family: 'IPv4' | 'IPv6', internal: boolean) => ({ address, family, internal, netmask: '', mac: '', cidr: null }) as NetworkInterfaceInfo;

test('auto takes the first non-loopback IPv4 address; a literal is kept; anything else is refused by name', () => {
  const container = { lo: [nic('127.0.0.1', 'IPv4', true)], eth0: [nic('fe80::1', 'IPv6', false), nic('172.19.0.7', 'IPv4', false)] };
  assert.equal(resolveAdvertisedAddress('auto', container), '172.19.0.7');
  assert.equal(resolveAdvertisedAddress('10.1.2.3', container), '10.1.2.3');
  assert.equal(resolveAdvertisedAddress(undefined, container), undefined);
  assert.throws(() => resolveAdvertisedAddress('lab.example', container), /LAB_ADVERTISED_ADDRESS must be an IP address or "auto", got "lab.example"/);
  assert.throws(() => resolveAdvertisedAddress('auto', { lo: container.lo }), /no non-loopback IPv4 address/);
});
