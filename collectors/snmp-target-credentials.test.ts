// The collector resolving inventory names through the credential store: SNMP targets built from
// stored credentials (every failure coded, no secret logged), and a running collector that sees a
// credential put, rotated or deleted after it opened the store.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { createLogger } from '../common/log.js';
import { generateCredentialKey } from '../credentials/credential-key.js';
import { CredentialStore } from '../credentials/credential-store.js';
import { runCredentialsCommand } from '../credentials/credentials-command.js';
import { openCredentialStoreFromEnv } from '../credentials/open-store.js';
import type { Device } from '../schemas/types.js';
import { eventually } from '../test/env.js';
import { createSnmpTargetResolver, snmpTargetOf } from './snmp-target.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'oc-cred-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const SECRETS = ['s3cret-community-XYZ', 'auth-passphrase-QQQ', 'priv-passphrase-WWW'];
const v3 = { kind: 'snmp-v3', user: 'noc', authProtocol: 'sha256', authKey: SECRETS[1], privProtocol: 'aes', privKey: SECRETS[2] };

function device(credential: string, version: 'v2c' | 'v3' = 'v2c', address = '127.0.0.1'): Device {
  return {
    deviceId: 'r1', hostname: 'r1', address, site: 's', role: 'core', platform: 'p', vendor: 'v', status: 'active', tags: [], labels: {},
    snmp: { version, port: 161, credential, profiles: ['system'], context: 'ctx-1', timeoutMs: 700, retries: 3 },
    updatedAt: 0,
  };
}

test('snmpTargetOf resolves names (v2c, v3 with context and per-device timing), refuses a community written into the record, and codes every failure without a secret', async () => {
  const key = Buffer.from(generateCredentialKey(), 'base64');
  const store = CredentialStore.open(path.join(dir, 'd.json'), key);
  await store.put('lab-community', { kind: 'snmp-community', community: SECRETS[0] });
  await store.put('core-v3', v3);

  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    const logger = createLogger({ test: 'credentials' }, 'debug');
    const v2 = snmpTargetOf(device('lab-community'), store);
    assert.ok(v2.ok && v2.target.version === 'v2c' && v2.target.community === SECRETS[0] && v2.target.timeoutMs === 700 && v2.target.retries === 3);
    const three = snmpTargetOf(device('core-v3', 'v3'), store);
    assert.ok(three.ok && three.target.version === 'v3');
    assert.deepEqual(three.target, { deviceId: 'r1', address: '127.0.0.1', port: 161, timeoutMs: 700, retries: 3, version: 'v3', user: 'noc', authProtocol: 'sha256', authKey: SECRETS[1], privProtocol: 'aes', privKey: SECRETS[2], context: 'ctx-1' });
    const literal = snmpTargetOf(device(`community:${SECRETS[0]}`), store);
    assert.ok(!literal.ok && literal.code === 'INVENTORY_SECRET_LITERAL' && !literal.message.includes(SECRETS[0]), 'a community in clear is not used');

    const failures = [
      snmpTargetOf(device('nobody'), store),
      snmpTargetOf(device('core-v3', 'v2c'), store),
      snmpTargetOf(device('lab-community', 'v3'), store),
      snmpTargetOf(device('core-v3', 'v3', 'not-an-ip'), store),
      snmpTargetOf(device('core-v3', 'v3'), CredentialStore.open(store.file, Buffer.from(generateCredentialKey(), 'base64'))),
    ];
    assert.deepEqual(failures.map((f) => (f.ok ? 'ok' : f.code)), ['CREDENTIAL_UNKNOWN', 'CREDENTIAL_MISMATCH', 'CREDENTIAL_MISMATCH', 'INVENTORY_BAD_ADDRESS', 'CREDENTIAL_DECRYPT_FAILED']);
    for (const f of failures) if (!f.ok) logger.warn('device cannot be polled over SNMP', { deviceId: 'r1', code: f.code, reason: f.message });
    try {
      await store.put('bad', { ...v3, authKey: 'short' });
    } catch (err) {
      logger.error('credential rejected', { err });
    }
  } finally {
    process.stderr.write = write;
  }
  const log = lines.join('');
  assert.ok(log.includes('CREDENTIAL_UNKNOWN') && log.includes('CREDENTIAL_DECRYPT_FAILED'), 'the failures were logged');
  for (const s of SECRETS) assert.ok(!log.includes(s), `secret ${s} appeared in the log`);
});

test('a running reader (a collector) sees a credential put after it opened the store, without a restart', { timeout: 10_000 }, async () => {
  const key = generateCredentialKey();
  const env = { OC_CREDENTIALS_KEY: key, OC_CREDENTIALS_FILE: path.join(dir, 'reload.json') };
  await runCredentialsCommand(['put', 'edge-v2'], env, () => undefined, async () => JSON.stringify({ kind: 'snmp-community', community: 'first' }));
  const collector = openCredentialStoreFromEnv(env).store; // as the collector role opens it at start
  const resolve = createSnmpTargetResolver({ credentials: collector, logger: createLogger({ test: 'reload' }, 'error') });
  const dev = { ...device('core-late'), deviceId: 'late' };
  assert.equal(resolve(dev), null, 'not in the store yet');

  await runCredentialsCommand(['put', 'core-late'], env, () => undefined, async () => JSON.stringify({ kind: 'snmp-community', community: 'added-later' }));
  const target = await eventually('the collector resolves the new credential', () => resolve(dev) ?? undefined, 5_000, 100);
  assert.equal(target.version === 'v2c' && target.community, 'added-later');

  await runCredentialsCommand(['put', 'core-late'], env, () => undefined, async () => JSON.stringify({ kind: 'snmp-community', community: 'rotated' }));
  await eventually('the collector uses the rotated community', () => {
    const t = resolve(dev);
    return t?.version === 'v2c' && t.community === 'rotated' ? t : undefined;
  }, 5_000, 100);
  await runCredentialsCommand(['delete', 'core-late'], env, () => undefined);
  await eventually('the collector stops using a deleted credential', () => (resolve(dev) === null ? true : undefined), 5_000, 100);
});
