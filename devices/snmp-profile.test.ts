// The profile file format: what it accepts, and that every problem names its file and line.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { TS_PROFILES } from '../test/fixtures/snmp-profiles-ts.js';
import { matchingProfiles, parseProfile, ProfileError } from './snmp-profile.js';
import { loadProfileSet } from './snmp-profile-set.js';

const problemsOf = (text: string) => {
  try {
    parseProfile(text, 'my.yaml');
  } catch (err) {
    assert.ok(err instanceof ProfileError);
    return err.problems;
  }
  assert.fail('expected a ProfileError');
};

test('the built-in files list exactly the objects, in the order, the TypeScript profiles did', () => {
  const files = loadProfileSet();
  for (const name of Object.keys(TS_PROFILES)) assert.ok(files[name], `${name} is a file`);
  const shape = (p: { name: string; scalars: Array<{ name: string; oid: string }>; columns: Array<{ name: string; oid: string }> }) => ({
    name: p.name,
    scalars: p.scalars.map((o) => [o.name, o.oid]),
    columns: p.columns.map((o) => [o.name, o.oid]),
  });
  for (const name of Object.keys(TS_PROFILES)) assert.deepEqual(shape(files[name]), shape(TS_PROFILES[name]), name);
});

test('a valid profile: scalars, columns with types, index labels, match; metrics need a unit', () => {
  const p = parseProfile(
    [
      'name: ups-battery',
      'match:',
      "  sysObjectID: ['1.3.6.1.4.1.318']",
      '  vendor: [apc]',
      'index: [upsIndex]',
      'scalars:',
      '  - { name: upsBatteryTemperature, oid: 1.3.6.1.4.1.318.1.1.1.2.2.2.0, type: Gauge32, metric: ups_battery_temperature_c, unit: celsius }',
      'columns:',
      '  - { name: upsPhaseOutputLoad, oid: 1.3.6.1.4.1.318.1.1.1.9.3.3.1.10, type: Gauge32, metric: ups_output_load_pct, unit: "%" }',
    ].join('\n'),
    'ups.yaml',
  );
  assert.equal(p.name, 'ups-battery');
  assert.deepEqual(p.index, ['upsIndex']);
  assert.deepEqual(p.scalars[0], { name: 'upsBatteryTemperature', oid: '1.3.6.1.4.1.318.1.1.1.2.2.2.0', type: 'Gauge32', metric: 'ups_battery_temperature_c', unit: 'celsius' });
  assert.deepEqual(matchingProfiles([p], { sysObjectID: '1.3.6.1.4.1.318.1.3.27' }), ['ups-battery']);
  assert.deepEqual(matchingProfiles([p], { sysObjectID: '1.3.6.1.4.1.3180.1' }), [], 'a prefix matches whole arcs only');
  assert.deepEqual(matchingProfiles([p], { vendor: 'APC' }), ['ups-battery']);
});

test('every problem is reported at once with its file and line', () => {
  const problems = problemsOf(
    [
      'name: My Profile', // 1
      'colour: red', // 2
      'scalars:', // 3
      '  - { name: sysName, oid: 1.3.6.1.2.1.1.5, type: DisplayString }', // 4: not an instance
      'columns:', // 5
      '  - name: ifName', // 6
      '    oid: 1.3.6.x', // 7
      '    type: Text', // 8
      '  - { name: ifName, oid: 1.3.6.1.2.1.31.1.1.1.1 }', // 9: twice
      '  - { name: hrLoad, oid: 1.3.6.1.2.1.25.3.3.1.2, type: Integer, metric: cpu_load_pct }', // 10: no unit
    ].join('\n'),
  );
  assert.deepEqual(problems, [
    'my.yaml:2: unknown key "colour" (allowed: name, description, match, index, scalars, columns)',
    'my.yaml:1: name "My Profile" must be lower-case letters, digits and dashes',
    'my.yaml:4: scalar sysName: oid 1.3.6.1.2.1.1.5 must be the instance (end in .0)',
    'my.yaml:7: oid of ifName "1.3.6.x" is not a dotted numeric OID',
    'my.yaml:8: type of ifName "Text" is not one of Integer, Gauge32, Counter32, Counter64, TimeTicks, DisplayString, OctetString, OID, IpAddress, Opaque',
    'my.yaml:9: columns lists ifName twice',
    "my.yaml:10: metric cpu_load_pct needs a unit (e.g. '%', celsius, count)",
  ]);
  assert.match(problemsOf('name: x\ncolumns: [\n')[0], /^my\.yaml:\d+: not valid YAML/);
  assert.deepEqual(problemsOf('name: empty'), ['my.yaml:1: a profile needs at least one scalar or column']);
});

test('a user directory adds profiles; reusing a built-in name is refused naming both files', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'oc-profiles-'));
  writeFileSync(path.join(dir, 'ups.yaml'), 'name: ups\nscalars:\n  - { name: upsLoad, oid: 1.3.6.1.4.1.318.1.1.1.4.2.3.0, type: Gauge32 }\n');
  assert.ok(loadProfileSet(dir).ups);
  writeFileSync(path.join(dir, 'zz-interfaces.yml'), 'name: interfaces\nscalars:\n  - { name: sysName, oid: 1.3.6.1.2.1.1.5.0 }\n');
  assert.throws(() => loadProfileSet(dir), (err: ProfileError) => err.problems.length === 1 && /zz-interfaces\.yml:1: profile name "interfaces" is already defined by .*snmp-profiles\/interfaces\.yaml/.test(err.problems[0]));
});
