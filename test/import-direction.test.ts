// The import-direction check of .ci/run (.ci/import-direction.mjs), run as CI runs it: on a
// throwaway tree it names every import against the flow with its file and line and fails; on
// this repository it passes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { projectRoot } from '../infra/supervisor.js';

const SCRIPT = path.join(projectRoot, '.ci', 'import-direction.mjs');
const check = (root?: string) => spawnSync(process.execPath, [SCRIPT, ...(root ? [root] : [])], { encoding: 'utf8' });

const tree = mkdtempSync(path.join(os.tmpdir(), 'oc-imports-'));
after(() => rmSync(tree, { recursive: true, force: true }));

function write(file: string, text: string): void {
  mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
  writeFileSync(path.join(tree, file), text);
}

test('a tree with imports against the flow: each one printed as file:line → target, exit 1', () => {
  // allowed: a stage importing itself and the shared modules, tooling importing anything, a test importing tooling
  write('processors/normalize/ok.ts', "import { a } from './near.js';\nimport { dom } from '../../devices/optical-dom.js';\nimport type { T } from '../../schemas/types.js';\n");
  write('processors/normalize/ok.test.ts', "import { env } from '../../test/env.js';\n");
  write('test/e2e.ts', "import { poll } from '../collectors/poll.js';\nimport { api } from '../api/server.js';\n");
  write('bench/x.ts', "import { sink } from '../sinks/sink.js';\nimport data from '../../shared/outside.js';\n");
  // refused: a stage importing a stage (static, multi-line, re-export, dynamic), a shared module importing a stage, production importing tooling
  write('processors/normalize/bad.ts', "// a comment line\nimport { platformOf } from '../../collectors/ssh/platforms.js';\n");
  write('api/readings/bad.ts', "import {\n  migrate,\n  rollups,\n} from '../../sinks/timescale/migrations.js';\nexport { x } from '../../processors/x.js';\n");
  write('ui/src/lazy.tsx', "const m = await import('../../api/server.js');\n");
  write('storage/bad.ts', "import { sinkEnv } from '../sinks/settings.js';\n");
  write('sinks/support.ts', "import { testEnv } from '../test/env.js';\n");
  write('api/cross.test.ts', "import { lastValues } from '../sinks/redis/last-values.js';\n");

  const run = check(tree);
  assert.equal(run.status, 1, run.stdout + run.stderr);
  const offending = run.stdout.split('\n').filter((l) => l.includes(' → ')).map((l) => l.replace(/ \(.*\)$/, '')).sort();
  assert.deepEqual(offending, [
    'api/cross.test.ts:1 → sinks/redis/last-values.js',
    'api/readings/bad.ts:4 → sinks/timescale/migrations.js',
    'api/readings/bad.ts:5 → processors/x.js',
    'processors/normalize/bad.ts:2 → collectors/ssh/platforms.js',
    'sinks/support.ts:1 → test/env.js',
    'storage/bad.ts:1 → sinks/settings.js',
    'ui/src/lazy.tsx:1 → api/server.js',
  ]);
  assert.match(run.stdout, /7 import\(s\) against the flow/);
});

test('this repository: every import flows one way', () => {
  const run = check();
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /every import flows one way/);
});
