// `rules check` and `rules list`: the processor's reading of rule files, without starting it.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { runRulesCommand } from './rules-command.js';

function run(args: string[]) {
  const [out, err] = [new PassThrough(), new PassThrough()];
  const code = runRulesCommand(args, out, err);
  return { code, out: String(out.read() ?? ''), err: String(err.read() ?? '') };
}

test('check names every problem by file and line and exits 1; list shows the built-in and the directory\'s rules', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'oc-rules-cmd-'));
  const good = path.join(dir, 'good.yaml');
  const bad = path.join(dir, 'bad.yml');
  writeFileSync(good, 'rules:\n  - { name: hot, metric: env_temperature_c, condition: { rateAbove: 2, per: 1m }, severity: MINOR }\n');
  writeFileSync(bad, 'rules:\n  - { name: x, metric: cpu_load_pct, condition: { above: lots }, severity: MAJOR }\n');
  assert.deepEqual(run(['check', good]), { code: 0, out: `${good}: ok, 1 rule(s): hot\n`, err: '' });
  const failed = run(['check', good, bad]);
  assert.equal(failed.code, 1);
  assert.equal(failed.err, `${bad}:2: condition.above must be a number, got "lots"\n`);
  assert.equal(run(['list', '--dir', dir]).code, 1, 'a directory with a bad file is refused as the processor would');
  writeFileSync(bad, '');
  const listed = run(['list', '--dir', dir]);
  assert.equal(listed.code, 1, 'an empty file is no rule file');
  writeFileSync(bad, 'rules: []\n');
  const names = run(['list', '--dir', dir]).out.split('\n').filter(Boolean).map((l) => l.split('\t').slice(0, 3).join(' | '));
  assert.deepEqual(names, ['bgp-peer-down | bgp_peer_state below 6 for 60000 ms | MAJOR', 'fan-failed | env_fan_state in [3, 4, 6] | MAJOR', 'power-supply-failed | env_power_supply_state in [3, 4, 6] | MAJOR', 'hot | env_temperature_c rateAbove 2 per 60000 ms | MINOR']);
  assert.equal(run([]).code, 2);
});
