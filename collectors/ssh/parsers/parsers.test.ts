// Golden tests: each platform parser against sample outputs modelled on the real commands
// (fixtures/), plus the shapes a parser must refuse rather than misread.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { CliParseError } from '../errors.js';
import type { ParsedValue } from '../types.js';
import { parseXrOptics } from './iosxr.js';
import { parseJunosOptics, parseJunosTerse } from './junos.js';
import { parseSaosPortShow, parseSaosXcvrDiagnostics } from './saos.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const pick = (values: ParsedValue[], name: string, index: string) => values.find((v) => v.name === name && v.index === index)?.value;

test('junos optics: single-lane SFP+, no light, and a four-lane QSFP28', () => {
  const v = parseJunosOptics(fixture('junos-diagnostics-optics.txt'));
  assert.deepEqual(
    v.filter((x) => x.index === 'xe-0/0/0'),
    [
      { name: 'laser_bias', index: 'xe-0/0/0', unit: 'mA', value: 6.246 },
      { name: 'tx_power', index: 'xe-0/0/0', unit: 'dBm', value: -2.5 },
      { name: 'module_temperature', index: 'xe-0/0/0', unit: 'celsius', value: 34 },
      { name: 'module_voltage', index: 'xe-0/0/0', unit: 'volts', value: 3.296 },
      { name: 'rx_power', index: 'xe-0/0/0', unit: 'dBm', value: -3.84 },
    ],
  );
  assert.equal(pick(v, 'rx_power', 'xe-0/0/1'), -40, '"- Inf dBm" is the -40 dBm floor');
  assert.equal(pick(v, 'module_temperature', 'et-0/0/48'), 31);
  for (const [lane, rx, tx] of [[0, -2.18, -1.27], [1, -2.31, -1.41], [2, -2.07, -1.2], [3, -2.44, -1.48]] as const) {
    assert.equal(pick(v, 'rx_power', `et-0/0/48:lane${lane}`), rx);
    assert.equal(pick(v, 'tx_power', `et-0/0/48:lane${lane}`), tx);
  }
  assert.equal(v.length, 5 + 5 + 2 + 4 * 3);
  // Thresholds and alarm flags are not readings.
  assert.ok(!v.some((x) => x.value === 1.5 || x.value === 10.5));
});

test('junos terse: physical interfaces only, admin and link state', () => {
  const v = parseJunosTerse(fixture('junos-interfaces-terse.txt'));
  assert.equal(pick(v, 'oper_up', 'xe-0/0/0'), 1);
  assert.equal(pick(v, 'oper_up', 'xe-0/0/1'), 0);
  assert.equal(pick(v, 'admin_up', 'ge-0/0/2'), 0);
  assert.ok(!v.some((x) => x.index.includes('.')));
  assert.equal(v.length, 2 * 5);
});

test('ios-xr optics: single-lane scalars, multi-lane table, controller and laser state', () => {
  const sr = parseXrOptics(fixture('iosxr-controllers-optics-sr.txt'), '0/0/0/1');
  assert.deepEqual(sr, [
    { name: 'oper_up', index: '0/0/0/1', unit: 'bool', value: 1 },
    { name: 'laser_on', index: '0/0/0/1', unit: 'bool', value: 1 },
    { name: 'laser_bias', index: '0/0/0/1', unit: 'mA', value: 32.8 },
    { name: 'tx_power', index: '0/0/0/1', unit: 'dBm', value: -1.92 },
    { name: 'rx_power', index: '0/0/0/1', unit: 'dBm', value: -4.37 },
    { name: 'module_temperature', index: '0/0/0/1', unit: 'celsius', value: 31 },
    { name: 'module_voltage', index: '0/0/0/1', unit: 'volts', value: 3.31 },
  ]);
  const lr4 = parseXrOptics(fixture('iosxr-controllers-optics-lr4.txt'), '0/0/0/4');
  assert.equal(pick(lr4, 'rx_power', '0/0/0/4:lane1'), -0.85);
  assert.equal(pick(lr4, 'tx_power', '0/0/0/4:lane4'), 1.37);
  assert.equal(pick(lr4, 'laser_bias', '0/0/0/4:lane3'), 43.2);
  assert.equal(pick(lr4, 'module_temperature', '0/0/0/4'), 36);
  assert.equal(lr4.filter((x) => x.index.includes(':lane')).length, 12);
});

test('saos: xcvr diagnostics value column and the port table', () => {
  const d = parseSaosXcvrDiagnostics(fixture('saos-xcvr-diagnostics.txt'), '9');
  assert.deepEqual(d, [
    { name: 'module_temperature', index: '9', unit: 'celsius', value: 38.125 },
    { name: 'module_voltage', index: '9', unit: 'volts', value: 3.298 },
    { name: 'laser_bias', index: '9', unit: 'mA', value: 34.214 },
    { name: 'tx_power', index: '9', unit: 'dBm', value: -2.49 },
    { name: 'rx_power', index: '9', unit: 'dBm', value: -4 },
  ]);
  const p = parseSaosPortShow(fixture('saos-port-show.txt'));
  assert.equal(pick(p, 'oper_up', '9'), 1);
  assert.equal(pick(p, 'oper_up', '10'), 0);
  assert.equal(pick(p, 'admin_up', '11'), 0);
  assert.equal(pick(p, 'oper_up', 'LAG1'), 1);
});

test('unexpected shapes are CLI_PARSE errors, never silent zeros', () => {
  const bad: Array<[string, () => unknown, RegExp]> = [
    ['junos: another command', () => parseJunosOptics(fixture('saos-port-show.txt')), /no optics readings/],
    ['junos: damaged number', () => parseJunosOptics('Physical interface: xe-0/0/0\n    Laser output power   :  0.5 mW / -2..50 dBm\n'), /not a number/],
    ['junos: mW without dBm', () => parseJunosOptics('Physical interface: xe-0/0/0\n    Laser output power   :  0.5 mW\n'), /expected "<mW> mW/],
    ['junos terse: no header', () => parseJunosTerse('xe-0/0/0 up up\n'), /header/],
    ['xr: not an optics output', () => parseXrOptics(fixture('junos-interfaces-terse.txt'), '0/0/0/0'), /Controller State/],
    ['saos: other port', () => parseSaosXcvrDiagnostics(fixture('saos-xcvr-diagnostics.txt'), '10'), /port 9, port 10/],
    ['saos: truncated table', () => parseSaosXcvrDiagnostics('+--- XCVR DIAGNOSTICS - Port 9 ---+\n', '9'), /no diagnostics rows/],
    ['saos: garbage value', () => parseSaosXcvrDiagnostics(fixture('saos-xcvr-diagnostics.txt').replace('-4.000', 'n/a'), '9'), /not a number/],
  ];
  for (const [what, run, message] of bad) {
    assert.throws(run, (err: unknown) => err instanceof CliParseError && err.code === 'CLI_PARSE' && message.test(err.message), what);
  }
});

// Hostile output, up to the session's 1 MiB cap: every parser reads it in bounded time and
// either finds the readings around it or refuses it with CLI_PARSE. Proven by a bound, not by
// comparing sizes: at 1 MB these take milliseconds, the quadratic patterns took minutes (140 ms
// at 20 kB, 2.1 s at 80 kB), so seconds cannot flake on a loaded machine and still fail the old
// code by orders of magnitude.
const MB = 1_000_000;
const BOUND_MS = 2_000;

test('hostile output: 1 MB of spaces, backspaces and a 1 MB line through every parser in bounded time', () => {
  const parsers: Array<[string, (out: string) => ParsedValue[], string]> = [
    ['junos optics', parseJunosOptics, fixture('junos-diagnostics-optics.txt')],
    ['junos terse', parseJunosTerse, fixture('junos-interfaces-terse.txt')],
    ['ios-xr optics', (out) => parseXrOptics(out, '0/0/0/1'), fixture('iosxr-controllers-optics-sr.txt')],
    ['saos xcvr', (out) => parseSaosXcvrDiagnostics(out, '9'), fixture('saos-xcvr-diagnostics.txt')],
    ['saos port show', parseSaosPortShow, fixture('saos-port-show.txt')],
  ];
  const hostile: Array<[string, string]> = [
    ['1 MB of spaces', ' '.repeat(MB)],
    ['1 MB of backspaces', '\b'.repeat(MB)],
    ['1 MB of blank lines', ' \n'.repeat(MB / 2)],
    ['a 1 MB line', 'x'.repeat(MB)],
    ['a 1 MB reading line without a colon', '    Laser output power' + ' '.repeat(MB)],
    ['a 1 MB reading value', '    Laser output power : /' + ' '.repeat(MB) + 'x'],
    ['a 1 MB table row', '| Port |' + ' '.repeat(MB)],
  ];
  for (const [name, parse, listing] of parsers) {
    const expected = parse(listing);
    for (const [what, text] of hostile) {
      for (const [where, output] of [['alone', text], ['before the listing', `${text}\n${listing}`]] as const) {
        const started = performance.now();
        let values: ParsedValue[] | Error;
        try {
          values = parse(output);
        } catch (err) {
          values = err as Error;
        }
        const ms = performance.now() - started;
        assert.ok(ms < BOUND_MS, `${name}, ${what} ${where}: ${ms.toFixed(0)} ms`);
        if (values instanceof Error) assert.ok(values instanceof CliParseError, `${name}, ${what} ${where}: ${values.message}`);
        if (where === 'before the listing' && !(values instanceof Error)) assert.deepEqual(values, expected, `${name}, ${what} ${where}`);
      }
    }
  }
});

test('prototype keys: rows named constructor, __proto__, toString are not readings', () => {
  const odd = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
  const xcvr = fixture('saos-xcvr-diagnostics.txt');
  const xcvrRows = odd.map((name) => `| ${name.padEnd(24)} |      1.000 |      2.000 |`).join('\n');
  const xcvrOdd = xcvr.replace(/^(\| Temp)/m, `${xcvrRows}\n$1`);
  assert.ok(xcvrOdd.includes('| constructor '));
  assert.deepEqual(parseSaosXcvrDiagnostics(xcvrOdd, '9'), parseSaosXcvrDiagnostics(xcvr, '9'));
  const optics = fixture('junos-diagnostics-optics.txt');
  const fields = odd.map((name) => `    ${name.padEnd(32)}:  1.5`).join('\n');
  const opticsOdd = optics.replace(/^(\s+Laser bias current)/m, `${fields}\n$1`);
  assert.ok(opticsOdd.includes('    constructor '));
  assert.deepEqual(parseJunosOptics(opticsOdd), parseJunosOptics(optics));
  // A port of that name in the port table is only a name.
  const ports = fixture('saos-port-show.txt').replace('| 11      |', '| constructor |');
  assert.equal(pick(parseSaosPortShow(ports), 'admin_up', 'constructor'), 0);
});
