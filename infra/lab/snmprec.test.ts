import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEVICE_PLAN_DEFAULTS, planDevice } from './device-plan.js';
import { compareOids, deviceRecords, renderSnmprec } from './snmprec.js';

test('a device plan is a pure function of seed and position', { timeout: 5_000 }, () => {
  assert.deepEqual(planDevice(2, { seed: 7, interfaces: 5 }), planDevice(2, { seed: 7, interfaces: 5 }));
  assert.notDeepEqual(planDevice(2, { seed: 7 }).interfaces, planDevice(2, { seed: 8 }).interfaces);
  const platforms = new Set([0, 1, 2].map((i) => planDevice(i).platform));
  assert.equal(platforms.size, 3, 'a three-device lab has every platform');
});

test('interface rates are plausible, distinct, and whole octets per second', { timeout: 5_000 }, () => {
  const plan = planDevice(0, { seed: 3, interfaces: 12 });
  const up = plan.interfaces.filter((i) => i.operStatus === 'up');
  assert.ok(up.length >= 6);
  for (const i of up) {
    assert.ok(i.inBps >= DEVICE_PLAN_DEFAULTS.minRateBps - 8 && i.inBps <= DEVICE_PLAN_DEFAULTS.maxRateBps + 8, `${i.name} ${i.inBps}`);
    assert.equal(i.inBps % 8, 0);
    assert.equal(i.outBps % 8, 0);
  }
  assert.equal(new Set(up.map((i) => i.inBps)).size, up.length, 'rates differ per interface');
  assert.equal(new Set(plan.interfaces.map((i) => i.index)).size, plan.interfaces.length);
});

test('snmprec text is sorted by numeric OID and carries moving counters', { timeout: 5_000 }, () => {
  const plan = planDevice(1, { interfaces: 12 });
  const records = deviceRecords(plan);
  for (let i = 1; i < records.length; i++) assert.ok(compareOids(records[i - 1].oid, records[i].oid) < 0, `${records[i - 1].oid} before ${records[i].oid}`);
  const text = renderSnmprec(plan);
  const first = plan.interfaces[0];
  assert.match(text, new RegExp(`^1\\.3\\.6\\.1\\.2\\.1\\.31\\.1\\.1\\.1\\.6\\.${first.index}\\|70:numeric\\|rate=${first.inBps / 8},initial=\\d+,wrap=1$`, 'm'));
  assert.match(text, /^1\.3\.6\.1\.2\.1\.1\.3\.0\|67:numeric\|rate=100,/m);
  assert.ok(compareOids('1.3.6.1.2.1.2.2.1.10.3', '1.3.6.1.2.1.2.2.1.9.3') > 0, 'numeric, not text, order');
});
