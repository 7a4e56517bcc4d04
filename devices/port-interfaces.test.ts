import assert from 'node:assert/strict';
import { test } from 'node:test';
import { interfaceOfPort, portOfInterface } from './port-interfaces.js';

// An IOS-XR interface table as a real ASR 9000 lists it: the controllers, a bundle, management
// and a sub-interface beside the ports.
const xr = new Map([
  ['3', 'HundredGigE0/0/0/0'],
  ['4', 'TenGigE0/1/0/1'],
  ['5', 'HundredGigE0/0/0/0.100'],
  ['6', 'Optics0/0/0/0'],
  ['7', 'Optics0/1/0/1'],
  ['8', 'Bundle-Ether1'],
  ['9', 'MgmtEth0/RSP0/CPU0/0'],
  ['10', 'CoherentDSP0/0/0/2'],
]);

test('ios-xr: an optics controller is the interface at its location, whatever its speed prefix', () => {
  assert.equal(interfaceOfPort('ios-xr', '0/0/0/0', xr), 'HundredGigE0/0/0/0');
  assert.equal(interfaceOfPort('ios-xr', '0/1/0/1', xr), 'TenGigE0/1/0/1');
  assert.equal(interfaceOfPort('ios-xr', '0/0/0/2', xr), null, 'a controller alone is no interface');
  assert.equal(interfaceOfPort('ios-xr', '0/0/0/9', xr), null, 'no interface there');
  assert.equal(interfaceOfPort('ios-xr', '0/0/0/0', new Map()), null, 'no names learnt yet');
  assert.equal(interfaceOfPort('ios-xr', 'Hu0/0/0/0', xr), null, 'not a location');
  const twoAtOne = new Map([...xr, ['11', 'FortyGigE0/0/0/0']]);
  assert.equal(interfaceOfPort('ios-xr', '0/0/0/0', twoAtOne), null, 'two interfaces at one location: which one is not known');
});

test('saos: the port number is the ifIndex; junos: the CLI prints the ifName; mcp: "1-2" is the port "1/2"', () => {
  const saos = new Map([['1', '1/1'], ['9', '3/1']]);
  assert.equal(interfaceOfPort('saos', '9', saos), '3/1');
  assert.equal(interfaceOfPort('saos', '12', saos), null);
  assert.equal(interfaceOfPort('saos', 'LAG1', saos), null);
  assert.equal(interfaceOfPort('saos', '3/1', saos), '3/1', 'SAOS 10 names its ports as its interfaces');
  assert.equal(interfaceOfPort('junos', 'xe-0/0/1', new Map()), 'xe-0/0/1');
  assert.equal(interfaceOfPort('mcp', '1-1', saos), '1/1');
  assert.equal(interfaceOfPort('mcp', '3-1', saos), '3/1');
  assert.equal(interfaceOfPort('mcp', '1-5', saos), null);
  assert.equal(interfaceOfPort('mcp', '1/1', saos), '1/1', 'an element that names its ports as the device does');
});

test('portOfInterface is what interfaceOfPort reads back (the lab names its CLI and MCP ports with it)', () => {
  const cases: Array<['junos' | 'ios-xr' | 'saos' | 'mcp', number, string]> = [
    ['ios-xr', 3, 'HundredGigE0/0/0/0'],
    ['ios-xr', 4, 'TenGigE0/1/0/1'],
    ['junos', 510, 'et-0/0/0'],
    ['saos', 9, '3/1'],
    ['mcp', 2, '1/2'],
  ];
  for (const [scheme, ifIndex, name] of cases) {
    const port = portOfInterface(scheme, ifIndex, name);
    assert.equal(interfaceOfPort(scheme, port, new Map([[String(ifIndex), name]])), name, `${scheme} ${name} → ${port}`);
  }
  assert.deepEqual(
    [portOfInterface('ios-xr', 3, 'HundredGigE0/0/0/0'), portOfInterface('saos', 9, '3/1'), portOfInterface('mcp', 2, '1/2')],
    ['0/0/0/0', '9', '1-2'],
  );
});
