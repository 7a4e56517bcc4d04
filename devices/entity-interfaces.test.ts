import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entityInterfaces, ifIndexOfAlias } from './entity-interfaces.js';

test('ifIndexOfAlias: a RowPointer to IF-MIB ifIndex, with or without a leading dot; anything else is no interface', () => {
  assert.equal(ifIndexOfAlias('1.3.6.1.2.1.2.2.1.1.17'), '17');
  assert.equal(ifIndexOfAlias('.1.3.6.1.2.1.2.2.1.1.5'), '5');
  assert.equal(ifIndexOfAlias('1.3.6.1.2.1.2.2.1.1'), null);
  assert.equal(ifIndexOfAlias('1.3.6.1.2.1.2.2.1.10.5'), null, 'ifInOctets.5 is not ifIndex.5');
  assert.equal(ifIndexOfAlias('0.0'), null);
});

test('a sensor reaches its interface through its transceiver and port (entPhysicalContainedIn); a chassis sensor has none', () => {
  const of = entityInterfaces({
    // sensor 10001 → transceiver 10020 → port 10010 → chassis 1; fan sensor 30001 → fan tray 30000 → chassis 1
    containedIn: new Map([['10001', 10020], ['10020', 10010], ['10010', 1], ['1', 0], ['30001', 30000], ['30000', 1]]),
    aliasMapping: new Map([['10010.0', '1.3.6.1.2.1.2.2.1.1.17'], ['10010.3', '1.3.6.1.2.1.2.2.1.1.99']]),
  });
  assert.equal(of('10001'), '17', 'logical index 0 is preferred over one context');
  assert.equal(of('10010'), '17');
  assert.equal(of('30001'), null);
  assert.equal(of('424242'), null, 'an index the agent never listed');
});

test('a mapping only for one logical context still names the port; a loop in containedIn ends', () => {
  const of = entityInterfaces({ containedIn: new Map([['5', 6], ['6', 5]]), aliasMapping: new Map([['7.2', '1.3.6.1.2.1.2.2.1.1.3']]) });
  assert.equal(of('7'), '3');
  assert.equal(of('5'), null);
});
