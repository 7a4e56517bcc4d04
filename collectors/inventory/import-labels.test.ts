// `credentials import-labels` end to end: an older inventory's secrets move into the store, and
// the proof that nothing broke is the collector's own reading of the rewritten file (its YAML
// inventory reader and target builders), so this test lives with the collector.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { generateCredentialKey } from '../../credentials/credential-key.js';
import { CredentialStore } from '../../credentials/credential-store.js';
import { runCredentialsCommand } from '../../credentials/credentials-command.js';
import { snmpTargetOf } from '../snmp-target.js';
import { sshTargetOf } from '../ssh/target.js';
import { parseInventory } from './yaml-inventory.js';

const OLD_INVENTORY = `# core network, as it was before secrets were refused in inventories
devices:
  - deviceId: r1 # the first router
    address: 192.0.2.1
    labels: { ssh.credential: "login:noc:hunter2-a", ssh.platform: junos, rack: A1 }
    snmp: { version: v2c, credential: "community:public-c0mm" }
  - deviceId: r2
    address: 192.0.2.2
    labels:
      ssh.credential: login:noc:hunter2-a   # same login as r1
    snmp: { credential: core-v2 }
  - deviceId: r3
    address: 192.0.2.3
    labels: { ssh.credential: "login:admin:hunter2-b" }
    snmp: { credential: "community:other-c0mm" }
`;

test('import-labels: an older inventory keeps working, its secrets moved into the store and its labels rewritten to names; idempotent; nothing printed holds a secret', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'oc-cred-import-'));
  try {
    const lines: string[] = [];
    const out = (l: string) => lines.push(l);
    const env = { OC_CREDENTIALS_KEY: generateCredentialKey(), OC_CREDENTIALS_FILE: path.join(dir, 'store.json') };
    const file = path.join(dir, 'inventory.yaml');
    writeFileSync(file, OLD_INVENTORY, { mode: 0o640 });
    // an entry already stored by hand with the same content is reused, not duplicated
    await runCredentialsCommand(['put', 'core-v2'], env, out, async () => JSON.stringify({ kind: 'snmp-community', community: 'public-c0mm' }));

    await runCredentialsCommand(['import-labels', file, '--dry-run'], env, out);
    assert.equal(readFileSync(file, 'utf8'), OLD_INVENTORY, 'a dry run writes nothing');
    assert.match(lines.at(-2)!, /^would move 5 secrets of 3 devices into 4 credentials \(3 new\)/);

    lines.length = 0;
    await runCredentialsCommand(['import-labels', file], env, out);
    assert.deepEqual(lines.slice(0, 5), [
      'r1\tlabels.ssh.credential\t→ imported/ssh-1 (ssh-password, new)',
      'r1\tsnmp.credential\t→ core-v2 (snmp-community)',
      'r2\tlabels.ssh.credential\t→ imported/ssh-1 (ssh-password)',
      'r3\tlabels.ssh.credential\t→ imported/ssh-2 (ssh-password, new)',
      'r3\tsnmp.credential\t→ imported/snmp-community-1 (snmp-community, new)',
    ]);
    const text = readFileSync(file, 'utf8');
    for (const secret of ['hunter2', 'c0mm', 'login:', 'community:']) assert.ok(!text.includes(secret), `${secret} left in the file`);
    for (const secret of ['hunter2', 'c0mm']) assert.ok(!lines.join('\n').includes(secret), `${secret} printed`);
    assert.ok(text.includes('# the first router') && text.includes('# same login as r1'), 'comments kept');
    assert.equal(statSync(file).mode & 0o777, 0o640, 'mode kept');

    // the rewritten inventory imports cleanly and the collector reaches every device with the same login
    const { devices, problems } = parseInventory(text);
    assert.deepEqual(problems, []);
    const store = CredentialStore.open(env.OC_CREDENTIALS_FILE, Buffer.from(env.OC_CREDENTIALS_KEY, 'base64'));
    const logins = devices.map((d) => {
      const t = sshTargetOf(d, store);
      return t.ok ? `${t.target.username}:${t.target.password}` : t.code;
    });
    assert.deepEqual(logins, ['noc:hunter2-a', 'noc:hunter2-a', 'admin:hunter2-b']);
    const snmp = devices.map((d) => snmpTargetOf(d, store)).map((t) => (t.ok && t.target.version === 'v2c' ? t.target.community : 'fail'));
    assert.deepEqual(snmp, ['public-c0mm', 'public-c0mm', 'other-c0mm']);

    // again: nothing to move, nothing changed; a copy of the old file reuses the stored entries
    const names = store.names();
    lines.length = 0;
    await runCredentialsCommand(['import-labels', file], env, out);
    assert.match(lines.at(-1)!, /^nothing to move/);
    assert.equal(readFileSync(file, 'utf8'), text);
    const copy = path.join(dir, 'copy.yaml');
    writeFileSync(copy, OLD_INVENTORY);
    await runCredentialsCommand(['import-labels', copy], env, out);
    assert.equal(readFileSync(copy, 'utf8'), text);
    assert.deepEqual(CredentialStore.open(env.OC_CREDENTIALS_FILE, Buffer.from(env.OC_CREDENTIALS_KEY, 'base64')).names(), names);

    // a secret of no known form is reported by field, never by value, and left for the operator
    writeFileSync(copy, 'devices:\n  - { deviceId: r9, address: 192.0.2.9, labels: { snmp.community: hunter2-c } }\n');
    lines.length = 0;
    await assert.rejects(runCredentialsCommand(['import-labels', copy], env, out), { code: 'CREDENTIAL_IMPORT_INCOMPLETE' });
    assert.match(lines[0], /^r9\tlabels.snmp.community\tleft as it is: INVENTORY_SECRET_LITERAL/);
    assert.ok(!lines.join('\n').includes('hunter2'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
