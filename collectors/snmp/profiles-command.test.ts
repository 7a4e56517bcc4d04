import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { runProfilesCommand } from './profiles-command.js';

function capture(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({ write: (c, _e, cb) => (chunks.push(String(c)), cb()) }) as Writable & { text: () => string };
  w.text = () => chunks.join('');
  return w;
}

test('profiles check: ok files say what they poll, bad ones list every problem with file and line (exit 1)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'oc-profiles-check-'));
  const good = path.join(dir, 'ups.yaml');
  const bad = path.join(dir, 'bad.yaml');
  writeFileSync(good, 'name: ups\nmatch:\n  vendor: [apc]\nscalars:\n  - { name: upsLoad, oid: 1.3.6.1.4.1.318.1.1.1.4.2.3.0, type: Gauge32, metric: ups_load_pct, unit: "%" }\n');
  writeFileSync(bad, 'name: bad\ncolumns:\n  - { name: x, oid: 1.2.x, type: Gauge }\n');
  const [out, err] = [capture(), capture()];
  assert.equal(runProfilesCommand(['check', good], out, err), 0);
  assert.match(out.text(), /ups\.yaml: ok, profile "ups" \(1 scalar\(s\), 0 column\(s\), matches apc\)/);
  const [out2, err2] = [capture(), capture()];
  assert.equal(runProfilesCommand(['check', good, bad], out2, err2), 1);
  assert.equal(err2.text(), `${bad}:3: oid of x "1.2.x" is not a dotted numeric OID\n${bad}:3: type of x "Gauge" is not one of Integer, Gauge32, Counter32, Counter64, TimeTicks, DisplayString, OctetString, OID, IpAddress, Opaque\n`);
  assert.equal(runProfilesCommand(['check'], capture(), capture()), 2, 'no file: usage');
});
