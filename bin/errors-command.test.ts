// docs/errors.md is generated from the error catalogue and kept equal to it, as
// docs/configuration.md is to the settings schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../infra/supervisor.js';
import { errorsReference } from './errors-command.js';
import { errorCodes } from '../common/errors.js';

test('docs/errors.md is what `opsconductor errors` prints (regenerate: opsconductor errors > docs/errors.md)', () => {
  assert.equal(readFileSync(join(projectRoot, 'docs', 'errors.md'), 'utf8'), errorsReference());
});

test('the reference lists every code of the catalogue once, with its meaning and whether retrying helps', () => {
  const rows = [...errorsReference().matchAll(/^\| `([A-Z0-9_]+)` \| (.+) \| (yes|no) \|$/gm)];
  assert.deepEqual(rows.map((r) => r[1]).sort(), [...errorCodes].sort());
  const empty = rows.filter((r) => (r[2] ?? '').trim().length < 10).map((r) => r[1]);
  assert.deepEqual(empty, [], 'codes without a meaning');
});
