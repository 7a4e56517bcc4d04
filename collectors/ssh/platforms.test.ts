// Platform command sets: the device's own error answers found in linear time, platform names
// looked up safely.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { platformOf } from './platforms.js';

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

test('prototype keys: a platform named constructor, __proto__ or toString is unknown', () => {
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) assert.equal(platformOf(name), undefined, name);
  assert.equal(platformOf('Juniper-Junos')?.name, 'junos');
});
