import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineSettings, loadConfig } from './config.js';

const settings = defineSettings({
  brokers: { kind: 'list', env: 'T_BROKERS', doc: 'Kafka brokers' },
  interval: { kind: 'int', env: 'T_INTERVAL', default: 10_000, min: 1_000, doc: 'poll interval ms' },
  url: { kind: 'url', env: 'T_URL', default: 'http://x:1', doc: 'registry' },
  mode: { kind: 'string', env: 'T_MODE', default: 'a', choices: ['a', 'b'], doc: 'mode' },
});

test('values come from env over file over defaults, typed and frozen', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  const file = join(dir, 'c.yaml');
  writeFileSync(file, 'interval: 5000\nmode: b\n');
  const c = loadConfig(settings, { T_BROKERS: 'a:1, b:2', T_MODE: 'a' }, file);
  assert.deepEqual(c.brokers, ['a:1', 'b:2']);
  assert.equal(c.interval, 5000);
  assert.equal(c.mode, 'a');
  assert.ok(Object.isFrozen(c));
});

test('a missing setting names the setting and its variable', () => {
  assert.throws(() => loadConfig(settings, {}), (e: Error & { code: string }) => e.code === 'CONFIG_MISSING' && /brokers/.test(e.message) && /T_BROKERS/.test(e.message));
});

test('malformed settings name the setting and the problem', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ T_INTERVAL: 'ten' }, /interval \(env T_INTERVAL\) must be an integer/],
    [{ T_INTERVAL: '10' }, /interval .* at least 1000/],
    [{ T_URL: 'not a url' }, /url .* must be a URL/],
    [{ T_MODE: 'c' }, /mode .* one of a, b/],
  ];
  for (const [env, re] of cases) assert.throws(() => loadConfig(settings, { T_BROKERS: 'k:1', ...env }), (e: Error & { code: string }) => e.code === 'CONFIG_INVALID' && re.test(e.message), JSON.stringify(env));
});

test('an unknown key in the file is refused by name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  const file = join(dir, 'c.yaml');
  writeFileSync(file, 'intervall: 5000\n');
  assert.throws(() => loadConfig(settings, { T_BROKERS: 'k:1' }, file), (e: Error & { code: string }) => e.code === 'CONFIG_UNKNOWN_KEY' && /intervall/.test(e.message));
});

const secretSettings = defineSettings({
  user: { kind: 'string', env: 'T_USER', default: '', fromFile: true, doc: 'user' },
  password: {
    kind: 'secret',
    env: 'T_PASSWORD',
    default: '',
    fromFile: true,
    doc: 'password',
    check: (v, c) => (c.user && !v ? 'is required with T_USER' : undefined),
  },
});

test('a setting with fromFile reads <ENV>_FILE (or <key>File in the YAML file), trimmed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  writeFileSync(join(dir, 'pw'), 's3cret\n');
  assert.equal(loadConfig(secretSettings, { T_USER: 'u', T_PASSWORD_FILE: join(dir, 'pw') }, undefined).password, 's3cret');
  const yaml = join(dir, 'c.yaml');
  writeFileSync(yaml, `user: u\npasswordFile: ${join(dir, 'pw')}\n`);
  assert.equal(loadConfig(secretSettings, {}, yaml).password, 's3cret');
});

test('a missing _FILE, or both forms at once, is refused by name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  const missing = join(dir, 'absent');
  assert.throws(
    () => loadConfig(secretSettings, { T_USER: 'u', T_PASSWORD_FILE: missing }, undefined),
    (e: Error & { code: string }) => e.code === 'CONFIG_INVALID' && /password \(env T_PASSWORD_FILE\) names .*absent, which cannot be read \(ENOENT\)/.test(e.message),
  );
  writeFileSync(join(dir, 'pw'), 'x');
  assert.throws(() => loadConfig(secretSettings, { T_PASSWORD: 'a', T_PASSWORD_FILE: join(dir, 'pw') }, undefined), /password: set T_PASSWORD or T_PASSWORD_FILE, not both/);
});

test('a check sees the other settings and names its own', () => {
  assert.throws(
    () => loadConfig(secretSettings, { T_USER: 'u' }, undefined),
    (e: Error & { code: string }) => e.code === 'CONFIG_INVALID' && /^password \(env T_PASSWORD or T_PASSWORD_FILE\) is required with T_USER$/.test(e.message),
  );
});
