// `credentials keygen | put | list | delete` end to end on a temporary store file (import-labels,
// whose proof is the collector reading the rewritten inventory: collectors/inventory/import-labels.test.ts).

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runCredentialsCommand } from './credentials-command.js';

test('keygen, put from stdin JSON, list without secrets, delete', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'oc-cred-cmd-'));
  try {
    const lines: string[] = [];
    const out = (l: string) => lines.push(l);
    await runCredentialsCommand(['keygen'], {}, out);
    const env = { OC_CREDENTIALS_KEY: lines[0], OC_CREDENTIALS_FILE: path.join(dir, 'store.json') };
    const secret = 'a-community-nobody-sees';
    await runCredentialsCommand(['put', 'edge-v2'], env, out, async () => JSON.stringify({ kind: 'snmp-community', community: secret }));
    await runCredentialsCommand(['list'], env, out);
    assert.match(lines.at(-1)!, /^edge-v2\tsnmp-community\t\d{4}-/);
    await assert.rejects(runCredentialsCommand(['put', 'x'], env, out, async () => 'not json'), { code: 'CREDENTIAL_INVALID' });
    await assert.rejects(runCredentialsCommand(['put'], env, out), { code: 'CREDENTIAL_USAGE' });
    await runCredentialsCommand(['delete', 'edge-v2'], env, out);
    assert.equal(lines.at(-1), 'deleted edge-v2');
    assert.ok(!lines.join('\n').includes(secret) && !readFileSync(env.OC_CREDENTIALS_FILE, 'utf8').includes(secret));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
