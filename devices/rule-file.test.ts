// The rule file format: what it accepts, that every problem names its file and line, and that a
// directory's rules join (or replace) the built-in ones.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseDuration, parseRuleFile, RuleFileError } from './rule-file.js';
import { loadRuleSet } from './rule-set.js';
import { HOUR_MS } from '../common/time-units.js';

const problemsOf = (text: string) => {
  try {
    parseRuleFile(text, 'my.yaml');
  } catch (err) {
    assert.ok(err instanceof RuleFileError);
    return err.problems;
  }
  assert.fail('expected a RuleFileError');
};

test('a valid file: scope, each kind of condition, durations, severities', () => {
  const rules = parseRuleFile(
    [
      'rules:',
      '  - name: cpu-pegged',
      '    description: CPU above 95 %',
      '    metric: cpu_load_pct',
      '    scope: { role: [core, edge], site: ams1, device: ["core-*"] }',
      '    condition: { above: 95 }',
      '    for: 5m',
      '    severity: MAJOR',
      '  - name: uplink-errors-climbing',
      '    metric: if_in_errors_ps',
      "    scope: { interface: 'xe-0/0/.*' }",
      '    condition: { rateAbove: 10, per: 1m }',
      '    severity: WARNING',
      '  - name: psu',
      '    metric: env_power_supply_state',
      '    condition: { in: [3, 6] }',
      '    severity: CRITICAL',
    ].join('\n'),
    'my.yaml',
  );
  assert.deepEqual(rules[0], {
    name: 'cpu-pegged', description: 'CPU above 95 %', metric: 'cpu_load_pct',
    scope: { device: ['core-*'], role: ['core', 'edge'], site: ['ams1'], interface: null },
    condition: { kind: 'above', limit: 95 }, forMs: 300_000, severity: 'MAJOR', source: 'my.yaml:2',
  });
  assert.deepEqual(rules[1].condition, { kind: 'rateAbove', limit: 10, perMs: 60_000 });
  assert.equal(rules[1].scope.interface, 'xe-0/0/.*');
  assert.equal(rules[1].forMs, 0);
  assert.deepEqual([rules[2].condition, rules[2].source], [{ kind: 'in', values: [3, 6] }, 'my.yaml:14']);
  assert.deepEqual([parseDuration('90s'), parseDuration('0'), parseDuration('1h'), parseDuration('5'), parseDuration('x')], [90_000, 0, HOUR_MS, null, null]);
});

test('every problem of a file is reported at once, by line', () => {
  const problems = problemsOf(
    [
      'rules:',
      '  - name: Bad_Name',
      '    metric: cpu_load_pct',
      '    condition: { above: 95, below: 3 }',
      '    severity: MAJOR',
      '  - name: two',
      '    metric: cpu_load_pct',
      '    condition: { above: lots }',
      '    for: soon',
      '    severity: LOUD',
      '    colour: red',
      '  - name: three',
      '    metric: x',
      "    scope: { interface: '(' , rack: [a] }",
      '    condition: { rateBelow: -1, per: never }',
      '    severity: INFO',
    ].join('\n'),
  );
  for (const expected of [
    /^my\.yaml:2: name "Bad_Name" must be lower-case/,
    /^my\.yaml:4: condition of Bad_Name needs exactly one of .* \(has above, below\)/,
    /^my\.yaml:8: condition\.above must be a number, got "lots"/,
    /^my\.yaml:9: for of two "soon" is not a duration/,
    /^my\.yaml:10: severity of two "LOUD" is not one of INFO, WARNING, MINOR, MAJOR, CRITICAL/,
    /^my\.yaml:11: unknown key "colour" in a rule/,
    /^my\.yaml:14: unknown key "rack" in scope/,
    /^my\.yaml:14: scope\.interface is not a regular expression/,
    /^my\.yaml:15: condition\.per "never" is not a duration/,
  ])
    assert.ok(problems.some((p) => expected.test(p)), `${expected} in:\n${problems.join('\n')}`);
  assert.match(problemsOf('rules: [\n')[0], /^my\.yaml:\d+: not valid YAML/);
  assert.deepEqual(problemsOf('name: x\n'), ['my.yaml:1: a rule file is a mapping with one key, rules: a list of rules']);
});

test('the built-in rules are files in the same format; a directory adds rules and may replace a built-in one', () => {
  const builtin = loadRuleSet().rules;
  assert.deepEqual(builtin.map((r) => r.name).sort(), ['bgp-peer-down', 'fan-failed', 'power-supply-failed']);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'oc-rules-'));
  writeFileSync(path.join(dir, 'mine.yaml'), 'rules:\n  - { name: bgp-peer-down, metric: bgp_peer_state, condition: { below: 6 }, for: 10m, severity: CRITICAL }\n  - { name: hot, metric: env_temperature_c, condition: { above: 60 }, severity: MAJOR }\n');
  const set = loadRuleSet(dir);
  assert.deepEqual(set.rules.map((r) => `${r.name} ${r.severity}`).sort(), ['bgp-peer-down CRITICAL', 'fan-failed MAJOR', 'hot MAJOR', 'power-supply-failed MAJOR']);
  assert.match(set.fingerprint, /^[0-9a-f]{40}$/);
  writeFileSync(path.join(dir, 'theirs.yml'), 'rules:\n  - { name: hot, metric: env_temperature_c, condition: { above: 70 }, severity: MINOR }\n');
  assert.throws(() => loadRuleSet(dir), (err: RuleFileError) => err.problems.length === 1 && /theirs\.yml:2: rule name "hot" is already defined at .*mine\.yaml:3/.test(err.problems[0]));
});
