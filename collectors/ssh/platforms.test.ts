// Platform command sets: the device's own error answers found in linear time, port names from
// the inventory refused before they reach a command line, platform names looked up safely.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { SshFailure } from './errors.js';
import { platformOf } from './platforms.js';
import type { SshTarget } from './types.js';

// A bound, not a ratio of sizes: milliseconds now, minutes for the quadratic patterns at 1 MB
// (85 ms at 20 kB, 1.4 s at 80 kB), so seconds neither flake nor let the old code pass.
const MB = 1_000_000;
const BOUND_MS = 2_000;

test('hostile output: cliError over 1 MB of blank lines and carriage returns in bounded time', () => {
  const answers: Array<[string, string]> = [
    ['junos', 'syntax error, expecting <command>.'],
    ['ios-xr', "% Invalid input detected at '^' marker."],
    ['saos', 'ERROR: port 99 does not exist'],
  ];
  for (const [name, answer] of answers) {
    const { cliError } = platformOf(name)!;
    for (const [what, filler] of [['blank lines', ' \n'.repeat(MB / 2)], ['carriage returns', '\r'.repeat(MB)], ['tabs', '\t'.repeat(MB)]]) {
      const started = performance.now();
      const found = cliError.exec(`${filler}\n  ${answer}\n`);
      const clean = cliError.exec(filler);
      const ms = performance.now() - started;
      assert.ok(ms < BOUND_MS, `${name} cliError, ${what}: ${ms.toFixed(0)} ms for 1 MB`);
      assert.ok(found && answer.startsWith(found[0].trim()), `${name}: the device's answer is found`);
      assert.equal(clean, null);
    }
  }
});

const target = (platform: string, ports: string[]): SshTarget => ({ deviceId: 'r1', address: '192.0.2.1', port: 22, platform, username: 'noc', ports });

test('CLI injection: the command builder refuses port names outside the platform grammar', () => {
  const attacks: Array<[string, string]> = [
    ['saos', '9\nsystem shell set global-more off'],
    ['saos', '9; reboot'],
    ['saos', '9 diagnostics\r\nconfiguration reset'],
    ['saos', '99999'], // longer than any port number
    ['ios-xr', '0/0/0/0\nreload'],
    ['ios-xr', '0/0/0/0 | file disk0:/x'],
    ['ios-xr', '0/0/0'],
  ];
  const fine: Record<string, string> = { saos: '9', 'ios-xr': '0/0/0/1' };
  for (const [platform, port] of attacks) {
    assert.throws(
      () => platformOf(platform)!.commands(target(platform, [fine[platform], port])),
      (err: unknown) => err instanceof SshFailure && err.code === 'SSH_TARGET_INVALID' && err.message.startsWith('device r1: port name ') && !err.message.includes('\n'),
      `${platform} ${JSON.stringify(port)}`,
    );
  }
  assert.deepEqual(platformOf('saos')!.commands(target('saos', ['9', '1/10'])).map((c) => c.command), ['port show', 'port xcvr show port 9 diagnostics', 'port xcvr show port 1/10 diagnostics']);
  assert.deepEqual(platformOf('ios-xr')!.commands(target('ios-xr', ['0/0/0/0', '0/RSP0/0/1', '0/1/0/3/2'])).map((c) => c.command), ['show controllers optics 0/0/0/0', 'show controllers optics 0/RSP0/0/1', 'show controllers optics 0/1/0/3/2']);
});

test('prototype keys: a platform named constructor, __proto__ or toString is unknown', () => {
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) assert.equal(platformOf(name), undefined, name);
  assert.equal(platformOf('Juniper-Junos')?.name, 'junos');
});
