// The credential store: sealed at rest, opened only with the right key and under the right name,
// and no secret in any error message or log line. How the collector resolves names through it is
// collectors/snmp-target-credentials.test.ts.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { generateCredentialKey, parseKey } from './credential-key.js';
import { loadCredentialKey } from './settings.js';
import { CredentialStore } from './credential-store.js';
import { openCredentialStoreFromEnv } from './open-store.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'oc-cred-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const SECRETS = ['s3cret-community-XYZ', 'auth-passphrase-QQQ', 'priv-passphrase-WWW', 'ssh-password-EEE', 'mcp-password-RRR'];
const v3 = { kind: 'snmp-v3', user: 'noc', authProtocol: 'sha256', authKey: SECRETS[1], privProtocol: 'aes', privKey: SECRETS[2] };

test('put/get round trip; the file holds no secret, user or kind in clear, and is mode 0600', async () => {
  const key = Buffer.from(generateCredentialKey(), 'base64');
  const file = path.join(dir, 'a', 'credentials.enc.json');
  const store = CredentialStore.open(file, key);
  await store.put('lab-community', { kind: 'snmp-community', community: SECRETS[0] });
  await store.put('core-v3', v3);
  await store.put('saos-ssh', { kind: 'ssh-password', username: 'admin', password: SECRETS[3] });
  await store.put('mcp', { kind: 'mcp-account', username: 'svc', password: SECRETS[4] });
  const text = readFileSync(file, 'utf8');
  for (const s of [...SECRETS, 'noc', 'snmp-v3', 'admin']) assert.ok(!text.includes(s), `${s} is in the file`);
  assert.equal(statSync(file).mode & 0o777, 0o600);

  const reopened = CredentialStore.open(file, key);
  assert.deepEqual(reopened.names(), ['core-v3', 'lab-community', 'mcp', 'saos-ssh']);
  assert.deepEqual(reopened.get('core-v3'), v3);
  assert.equal(reopened.get('missing'), undefined);
  assert.deepEqual(reopened.list().map((e) => e.kind), ['snmp-v3', 'snmp-community', 'mcp-account', 'ssh-password']);
  assert.equal(await reopened.delete('mcp'), true);
  assert.equal(await reopened.delete('mcp'), false);
  assert.deepEqual(CredentialStore.open(file, key).names(), ['core-v3', 'lab-community', 'saos-ssh']);
});

test('a wrong key, an entry moved to another name, or an edited entry fails to open, coded', async () => {
  const key = Buffer.from(generateCredentialKey(), 'base64');
  const file = path.join(dir, 'b.json');
  await CredentialStore.open(file, key).put('one', { kind: 'snmp-community', community: SECRETS[0] });
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

test('validation: shapes and lengths checked, DES and priv-without-auth refused, secrets never echoed', async () => {
  const store = CredentialStore.open(path.join(dir, 'c.json'), Buffer.from(generateCredentialKey(), 'base64'));
  const cases: [unknown, RegExp][] = [
    [{ kind: 'snmp-v3', user: 'u', authProtocol: 'sha', authKey: 'short', privProtocol: 'none' }, /authKey must be at least 8/],
    [{ kind: 'snmp-v3', user: 'u', authProtocol: 'sha', authKey: SECRETS[1], privProtocol: 'des', privKey: SECRETS[2] }, /DES is not supported/],
    [{ kind: 'snmp-v3', user: 'u', authProtocol: 'none', privProtocol: 'aes', privKey: SECRETS[2] }, /privacy without authentication/],
    [{ kind: 'ssh-key', username: 'u', privateKey: SECRETS[3] }, /PEM or OpenSSH/],
    [{ kind: 'telnet', password: SECRETS[3] }, /kind must be one of/],
  ];
  for (const [input, message] of cases) {
    await assert.rejects(store.put('x', input), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'CREDENTIAL_INVALID');
      assert.match(err.message, message);
      for (const s of SECRETS) assert.ok(!err.message.includes(s), `secret in: ${err.message}`);
      return true;
    });
  }
  await assert.rejects(store.put('community:abc', { kind: 'snmp-community', community: 'x' }), { code: 'CREDENTIAL_INVALID' });
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
  // Read through the settings schema (settings.ts), as the roles read theirs: errors name the setting.
  assert.throws(() => loadCredentialKey({ OC_CREDENTIALS_KEY_FILE: path.join(dir, 'nope') }), { code: 'CONFIG_INVALID', message: /\(env OC_CREDENTIALS_KEY_FILE\) names .*nope, which cannot be read \(ENOENT\)/ });
  assert.throws(() => loadCredentialKey({ OC_CREDENTIALS_KEY: k, OC_CREDENTIALS_KEY_FILE: keyFile }), { code: 'CONFIG_INVALID', message: /set OC_CREDENTIALS_KEY or OC_CREDENTIALS_KEY_FILE, not both/ });
  assert.throws(() => loadCredentialKey({ OC_CREDENTIALS_KEY: notAKey }), (err: Error & { code?: string }) => err.code === 'CONFIG_INVALID' && /OC_CREDENTIALS_KEY.*must hold 32 bytes in base64/.test(err.message) && !err.message.includes(notAKey));
  // a store file without a key is a start-up error; no file and no key runs without credentials
  assert.throws(() => openCredentialStoreFromEnv({ OC_CREDENTIALS_FILE: keyFile }), { code: 'CREDENTIAL_KEY_MISSING' });
  assert.equal(openCredentialStoreFromEnv({ OC_CREDENTIALS_FILE: path.join(dir, 'absent.json') }).enabled, false);
});

// ---- several writers (security issue 15, item 9; a reader that keeps running: collectors/snmp-target-credentials.test.ts) ----

const STORE_MODULE = path.join(import.meta.dirname, 'credential-store.ts');

/** A writer process: opens the store once, then puts `count` credentials named <prefix>-<i>, a few ms apart. */
function writerProcess(file: string, key: string, prefix: string, count: number): Promise<number | null> {
  const script = `
    import { CredentialStore } from ${JSON.stringify(STORE_MODULE)};
    const store = CredentialStore.open(${JSON.stringify(file)}, Buffer.from(${JSON.stringify(key)}, 'base64'));
    for (let i = 0; i < ${count}; i++) {
      await store.put(${JSON.stringify(prefix)} + '-' + i, { kind: 'snmp-community', community: 'c-' + i });
      await new Promise((r) => setTimeout(r, Math.random() * 4));
    }`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'inherit', 'inherit'] });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

test('lost update: a writer holding an older snapshot no longer erases what another writer stored', async () => {
  const key = Buffer.from(generateCredentialKey(), 'base64');
  const file = path.join(dir, 'lost-update.json');
  const api = CredentialStore.open(file, key); // the API replica, opened at its start
  const cli = CredentialStore.open(file, key); // `credentials put` in a shell, later
  await cli.put('from-cli', { kind: 'snmp-community', community: 'one' });
  await api.put('from-api', { kind: 'snmp-community', community: 'two' });
  await cli.delete('never-there');
  assert.deepEqual(CredentialStore.open(file, key).names(), ['from-api', 'from-cli']);
  assert.equal(await api.delete('from-cli'), true, 'the API sees and deletes what the CLI wrote');
  assert.deepEqual(CredentialStore.open(file, key).names(), ['from-api']);
});

test('lost update: two writer processes putting at the same time keep every entry', { timeout: 60_000 }, async () => {
  const key = generateCredentialKey();
  const file = path.join(dir, 'two-writers.json');
  const codes = await Promise.all([writerProcess(file, key, 'a', 40), writerProcess(file, key, 'b', 40)]);
  assert.deepEqual(codes, [0, 0]);
  const names = CredentialStore.open(file, Buffer.from(key, 'base64')).names();
  assert.equal(names.length, 80, `entries lost: ${80 - names.length}`);
  assert.equal(existsSync(`${file}.lock`), false, 'the lock is released');
});

test('store lock: a live holder makes a writer wait (coded after the timeout); a dead holder’s lock is taken over', async () => {
  const key = Buffer.from(generateCredentialKey(), 'base64');
  const file = path.join(dir, 'locked.json');
  const store = CredentialStore.open(file, key, { lock: { timeoutMs: 300 } });
  writeFileSync(`${file}.lock`, JSON.stringify({ host: os.hostname(), pid: process.ppid, token: 'live', at: Date.now() }));
  await assert.rejects(store.put('x', { kind: 'snmp-community', community: 'c' }), (err: Error & { code?: string; canRetry?: boolean }) => err.code === 'CREDENTIAL_STORE_LOCKED' && err.canRetry === true);
  const dead = spawnSync(process.execPath, ['-e', '0']).pid; // a pid that has exited
  writeFileSync(`${file}.lock`, JSON.stringify({ host: os.hostname(), pid: dead, token: 'dead', at: Date.now() }));
  await store.put('x', { kind: 'snmp-community', community: 'c' });
  writeFileSync(`${file}.lock`, JSON.stringify({ host: 'another-host', pid: 1, token: 'old', at: Date.now() - 60_000 }));
  await store.put('y', { kind: 'snmp-community', community: 'c' });
  assert.deepEqual(CredentialStore.open(file, key).names(), ['x', 'y']);
  assert.equal(existsSync(`${file}.lock`), false);
});
