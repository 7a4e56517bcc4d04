// The credential store: sealed at rest, opened only with the right key and under the right name,
// resolved by the SNMP target builder, and no secret in any error message or log line.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { createLogger } from '../../common/log.js';
import type { Device } from '../../schemas/types.js';
import { snmpTargetOf } from '../snmp-target.js';
import { generateCredentialKey, loadCredentialKey, parseKey } from './credential-key.js';
import { CredentialStore } from './credential-store.js';
import { openCredentialStoreFromEnv } from './open-store.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'oc-cred-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const SECRETS = ['s3cret-community-XYZ', 'auth-passphrase-QQQ', 'priv-passphrase-WWW', 'ssh-password-EEE', 'mcp-password-RRR'];
const v3 = { kind: 'snmp-v3', user: 'noc', authProtocol: 'sha256', authKey: SECRETS[1], privProtocol: 'aes', privKey: SECRETS[2] };

function device(credential: string, version: 'v2c' | 'v3' = 'v2c', address = '127.0.0.1'): Device {
  return {
    deviceId: 'r1', hostname: 'r1', address, site: 's', role: 'core', platform: 'p', vendor: 'v', status: 'active', tags: [], labels: {},
    snmp: { version, port: 161, credential, profiles: ['system'], context: 'ctx-1', timeoutMs: 700, retries: 3 },
    updatedAt: 0,
  };
}

test('put/get round trip; the file holds no secret, user or kind in clear, and is mode 0600', () => {
  const key = Buffer.from(generateCredentialKey(), 'base64');
  const file = path.join(dir, 'a', 'credentials.enc.json');
  const store = CredentialStore.open(file, key);
  store.put('lab-community', { kind: 'snmp-community', community: SECRETS[0] });
  store.put('core-v3', v3);
  store.put('saos-ssh', { kind: 'ssh-password', username: 'admin', password: SECRETS[3] });
  store.put('mcp', { kind: 'mcp-account', username: 'svc', password: SECRETS[4] });
  const text = readFileSync(file, 'utf8');
  for (const s of [...SECRETS, 'noc', 'snmp-v3', 'admin']) assert.ok(!text.includes(s), `${s} is in the file`);
  assert.equal(statSync(file).mode & 0o777, 0o600);

  const reopened = CredentialStore.open(file, key);
  assert.deepEqual(reopened.names(), ['core-v3', 'lab-community', 'mcp', 'saos-ssh']);
  assert.deepEqual(reopened.get('core-v3'), v3);
  assert.equal(reopened.get('missing'), undefined);
  assert.deepEqual(reopened.list().map((e) => e.kind), ['snmp-v3', 'snmp-community', 'mcp-account', 'ssh-password']);
  assert.equal(reopened.delete('mcp'), true);
  assert.deepEqual(CredentialStore.open(file, key).names(), ['core-v3', 'lab-community', 'saos-ssh']);
});

test('a wrong key, an entry moved to another name, or an edited entry fails to open, coded', () => {
  const key = Buffer.from(generateCredentialKey(), 'base64');
  const file = path.join(dir, 'b.json');
  CredentialStore.open(file, key).put('one', { kind: 'snmp-community', community: SECRETS[0] });
  const wrong = CredentialStore.open(file, Buffer.from(generateCredentialKey(), 'base64'));
  assert.throws(() => wrong.get('one'), { code: 'CREDENTIAL_DECRYPT_FAILED' });

  const doc = JSON.parse(readFileSync(file, 'utf8'));
  doc.entries.two = doc.entries.one; // swapped under another name: the name is authenticated data
  writeFileSync(file, JSON.stringify(doc));
  assert.throws(() => CredentialStore.open(file, key).get('two'), { code: 'CREDENTIAL_DECRYPT_FAILED' });
  doc.entries.one.data = Buffer.from('tampered').toString('base64');
  writeFileSync(file, JSON.stringify(doc));
  assert.throws(() => CredentialStore.open(file, key).get('one'), { code: 'CREDENTIAL_DECRYPT_FAILED' });
  writeFileSync(file, '{not json');
  assert.throws(() => CredentialStore.open(file, key), { code: 'CREDENTIAL_FILE_INVALID' });
});

test('validation: shapes and lengths checked, DES and priv-without-auth refused, secrets never echoed', () => {
  const store = CredentialStore.open(path.join(dir, 'c.json'), Buffer.from(generateCredentialKey(), 'base64'));
  const cases: [unknown, RegExp][] = [
    [{ kind: 'snmp-v3', user: 'u', authProtocol: 'sha', authKey: 'short', privProtocol: 'none' }, /authKey must be at least 8/],
    [{ kind: 'snmp-v3', user: 'u', authProtocol: 'sha', authKey: SECRETS[1], privProtocol: 'des', privKey: SECRETS[2] }, /DES is not supported/],
    [{ kind: 'snmp-v3', user: 'u', authProtocol: 'none', privProtocol: 'aes', privKey: SECRETS[2] }, /privacy without authentication/],
    [{ kind: 'ssh-key', username: 'u', privateKey: SECRETS[3] }, /PEM or OpenSSH/],
    [{ kind: 'telnet', password: SECRETS[3] }, /kind must be one of/],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => store.put('x', input), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'CREDENTIAL_INVALID');
      assert.match(err.message, message);
      for (const s of SECRETS) assert.ok(!err.message.includes(s), `secret in: ${err.message}`);
      return true;
    });
  }
  assert.throws(() => store.put('community:abc', { kind: 'snmp-community', community: 'x' }), { code: 'CREDENTIAL_INVALID' });
});

test('keys: from OC_CREDENTIALS_KEY or a key file; bad or missing keys are coded errors without the key', () => {
  const k = generateCredentialKey();
  assert.equal(loadCredentialKey({ OC_CREDENTIALS_KEY: k }).length, 32);
  const keyFile = path.join(dir, 'key');
  writeFileSync(keyFile, k + '\n');
  assert.deepEqual(loadCredentialKey({ OC_CREDENTIALS_KEY_FILE: keyFile }), Buffer.from(k, 'base64'));
  assert.throws(() => loadCredentialKey({}), { code: 'CREDENTIAL_KEY_MISSING' });
  const notAKey = 'bm90LWEta2V5LWF0LWFsbA==';
  assert.throws(() => parseKey(notAKey, 'OC_CREDENTIALS_KEY'), (err: Error & { code?: string }) => err.code === 'CREDENTIAL_KEY_INVALID' && !err.message.includes(notAKey));
  assert.throws(() => loadCredentialKey({ OC_CREDENTIALS_KEY_FILE: path.join(dir, 'nope') }), { code: 'CREDENTIAL_KEY_INVALID' });
  // a store file without a key is a start-up error; no file and no key runs with literals only
  assert.throws(() => openCredentialStoreFromEnv({ OC_CREDENTIALS_FILE: keyFile }), { code: 'CREDENTIAL_KEY_MISSING' });
  assert.equal(openCredentialStoreFromEnv({ OC_CREDENTIALS_FILE: path.join(dir, 'absent.json') }).enabled, false);
});

test('snmpTargetOf resolves names (v2c, v3 with context and per-device timing), keeps community literals, and codes every failure without a secret', async () => {
  const key = Buffer.from(generateCredentialKey(), 'base64');
  const store = CredentialStore.open(path.join(dir, 'd.json'), key);
  store.put('lab-community', { kind: 'snmp-community', community: SECRETS[0] });
  store.put('core-v3', v3);

  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    const logger = createLogger({ test: 'credentials' }, 'debug');
    const v2 = snmpTargetOf(device('lab-community'), store);
    assert.ok(v2.ok && v2.target.version === 'v2c' && v2.target.community === SECRETS[0] && v2.target.timeoutMs === 700 && v2.target.retries === 3);
    const three = snmpTargetOf(device('core-v3', 'v3'), store);
    assert.ok(three.ok && three.target.version === 'v3');
    assert.deepEqual(three.target, { deviceId: 'r1', address: '127.0.0.1', port: 161, timeoutMs: 700, retries: 3, version: 'v3', user: 'noc', authProtocol: 'sha256', authKey: SECRETS[1], privProtocol: 'aes', privKey: SECRETS[2], context: 'ctx-1' });
    const literal = snmpTargetOf(device(`community:${SECRETS[0]}`), store);
    assert.ok(literal.ok && literal.target.version === 'v2c' && literal.target.community === SECRETS[0]);

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
      store.put('bad', { ...v3, authKey: 'short' });
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
