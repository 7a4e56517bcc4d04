// The latest values and their OpenMetrics text: hostile names stay data, memory is capped with
// refusals counted, stale series leave, a late reading never replaces a newer one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricBatch } from '../../schemas/types.js';
import { LatestValues, type RefusalReason } from './latest-values.js';
import { labelName, labelValue, metricName, seriesLabels } from './openmetrics-text.js';

const batch = (deviceId: string, ts: number, samples: [string, Record<string, string>, number][]): MetricBatch => ({
  deviceId,
  source: 'snmp',
  ts,
  samples: samples.map(([metric, labels, value]) => ({ seriesKey: `${deviceId}/${metric}${JSON.stringify(labels)}`, metric, labels, unit: 'bps', value })),
});

const make = (o: Partial<ConstructorParameters<typeof LatestValues>[0]> = {}) => {
  const refused: RefusalReason[] = [];
  const lv = new LatestValues({ prefix: 'oc_device_', maxSeries: 100, staleAfterMs: 60_000, maxLabelBytes: 1024, onRefused: (r) => refused.push(r), ...o });
  return { lv, refused };
};

test('names and label values are escaped as OpenMetrics requires', () => {
  assert.equal(metricName('if in-bps'), 'if_in_bps');
  assert.equal(metricName('9lives'), '_9lives');
  assert.equal(labelName('if-name'), 'if_name');
  assert.equal(labelName('__name__'), 'label__name__');
  assert.equal(labelName('1x'), '_1x');
  assert.equal(labelValue('a\\b"c\nd} # EOF'), 'a\\\\b\\"c\\nd} # EOF');
  // A label named like the device label, or two keys that become one name, stay distinct.
  assert.deepEqual(seriesLabels('r1', { device: 'x', 'if-name': 'a', if_name: 'b' }), [
    ['device', 'r1'],
    ['exported_device', 'x'],
    ['if_name', 'a'],
    ['exported_if_name', 'b'],
  ]);
});

test('the text lists each family once, with TYPE and HELP, and ends with # EOF', () => {
  const { lv } = make();
  const now = Date.now();
  lv.offer([batch('r1', now, [['if_in_bps', { ifName: 'eth"0\n' }, 5], ['if_out_bps', { ifName: 'eth0' }, NaN]]), batch('r2', now, [['if_in_bps', { ifName: 'eth0' }, Infinity]])]);
  const text = lv.render();
  assert.equal(text.match(/^# TYPE oc_device_if_in_bps gauge$/gm)?.length, 1);
  assert.match(text, /^oc_device_if_in_bps\{device="r1",ifName="eth\\"0\\n"\} 5$/m);
  assert.match(text, /^oc_device_if_out_bps\{device="r1",ifName="eth0"\} NaN$/m);
  assert.match(text, /^oc_device_if_in_bps\{device="r2",ifName="eth0"\} \+Inf$/m);
  assert.match(text, new RegExp(`^oc_device_last_reading_timestamp_seconds\\{device="r1"\\} ${now / 1000}$`, 'm'));
  assert.ok(text.endsWith('\n# EOF\n'));
  // Families are contiguous: every sample line follows its own TYPE line.
  let family = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) family = line.split(' ')[2]!;
    else if (line && !line.startsWith('#')) assert.ok(line.startsWith(`${family}{`), `${line} outside its family ${family}`);
  }
});

test('an older reading never replaces a newer one', () => {
  const { lv } = make();
  const now = Date.now();
  lv.offer([batch('r1', now, [['cpu', {}, 2]])]);
  lv.offer([batch('r1', now - 1_000, [['cpu', {}, 1]])]);
  assert.match(lv.render(), /^oc_device_cpu\{device="r1"\} 2$/m);
});

test('series beyond the cap, or with too long labels, are refused and counted; existing ones still update', () => {
  const { lv, refused } = make({ maxSeries: 3, maxLabelBytes: 64 });
  const now = Date.now();
  lv.offer([batch('r1', now, [['a', {}, 1], ['b', {}, 1], ['c', { ifName: 'x'.repeat(100) }, 1]])]);
  assert.deepEqual(refused, ['labels_too_long']);
  assert.equal(lv.offer([batch('r1', now + 1, [['a', {}, 7], ['d', {}, 1], ['e', {}, 1], ['f', {}, 1]])]), 2);
  assert.deepEqual(refused, ['labels_too_long', 'series_limit', 'series_limit']);
  assert.equal(lv.size, 3);
  assert.match(lv.render(), /^oc_device_a\{device="r1"\} 7$/m);
});

test('a series whose latest reading is older than staleAfterMs leaves the text, and frees its place', () => {
  const { lv } = make({ maxSeries: 2, staleAfterMs: 10_000 });
  const now = Date.now();
  lv.offer([batch('gone', now - 20_000, [['a', {}, 1]]), batch('here', now, [['a', {}, 2]])]);
  assert.equal(lv.expire(now), 1);
  const text = lv.render();
  assert.doesNotMatch(text, /gone/);
  assert.match(text, /device="here"/);
  assert.equal(lv.offer([batch('new', now, [['a', {}, 3]])]), 0, 'the expired series made room');
});

test('devices of partitions handed to another replica are forgotten', () => {
  const { lv } = make();
  const now = Date.now();
  lv.offer([batch('r1', now, [['a', {}, 1]]), batch('r2', now, [['a', {}, 2]])]);
  lv.forgetDevices((id) => id === 'r2');
  assert.equal(lv.size, 1);
  assert.doesNotMatch(lv.render(), /r1/);
});
