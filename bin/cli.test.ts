// The CLI helps before it runs anything: --version, a role's --help generated from its settings
// schema, a stray argument refused with usage (exit 2), `config check` validating settings without
// starting a role, and docs/configuration.md kept equal to the schema. On the real CLI process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../infra/supervisor.js';
import { configReference } from './config-command.js';
import { COMMAND_SETTINGS, ROLE_SETTINGS } from './role-settings.js';
import { netboxSettings } from '../collectors/inventory/netbox-command.js';

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(projectRoot, 'bin', 'opsconductor.mjs'), ...args], { env: { ...process.env, OC_CONFIG: '', ...env }, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('docs/configuration.md is what `config reference` prints (regenerate: opsconductor config reference > docs/configuration.md)', () => {
  assert.equal(readFileSync(join(projectRoot, 'docs', 'configuration.md'), 'utf8'), configReference());
});

test('--version prints the package version', { timeout: 40_000 }, () => {
  const r = cli(['--version']);
  assert.equal(r.code, 0, r.stderr);
  const { version } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
  assert.equal(r.stdout, `opsconductor ${version}\n`);
});

test('a role lists its settings on --help and refuses a stray argument with exit 2, starting nothing', { timeout: 60_000 }, () => {
  const help = cli(['collector', '--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /POLL_INTERVAL_MS {2}\(int, ≥ 1000, ≤ 3600000; default 10000\)\n {6}SNMP poll interval per device/);
  assert.match(help.stdout, /KAFKA_SASL_PASSWORD \/ KAFKA_SASL_PASSWORD_FILE/);
  // Would start a collector against 127.0.0.1:1 if the argument were ignored: it must stop first.
  const stray = cli(['collector', '--poll-interval=5'], { KAFKA_BROKERS: '127.0.0.1:1' });
  assert.equal(stray.code, 2);
  assert.match(stray.stderr, /opsconductor collector: unknown argument "--poll-interval=5"/);
  assert.match(stray.stderr, /POLL_INTERVAL_MS/);
  assert.doesNotMatch(stray.stderr, /role started|KAFKA_UNAVAILABLE/);
  const unknown = cli(['colector']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "colector"/);
});

test('config check validates each role without starting it, naming what is wrong', { timeout: 60_000 }, () => {
  const ok = cli(['config', 'check', '--role', 'processor,sink']);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.equal(ok.stdout, 'processor: ok — settings valid\nsink: ok — settings valid\n');

  const bad = cli(['config', 'check', '--role', 'api,collector'], { API_JWT_SECRET: 'short', POLL_INTERVAL_MS: 'often' });
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /^api: INVALID — \[CONFIG_INVALID\] jwtSecret \(env API_JWT_SECRET\) must be at least 16 characters long, got 5 characters$/m);
  assert.match(bad.stdout, /^collector: INVALID — \[CONFIG_INVALID\] intervalMs \(env POLL_INTERVAL_MS\) must be an integer, got "often"$/m);
  assert.doesNotMatch(bad.stdout, /short/, 'a secret value is never printed');

  const dir = mkdtempSync(join(tmpdir(), 'oc-config-check-'));
  try {
    const file = join(dir, 'sink.yaml');
    writeFileSync(file, 'databaseUrl: postgres://db:5432/oc\nsinkGroupp: x\n');
    const yaml = cli(['config', 'check', '--role', 'sink'], { OC_CONFIG: file });
    assert.equal(yaml.code, 1);
    assert.match(yaml.stdout, /sink: INVALID — \[CONFIG_UNKNOWN_KEY\] .*unknown setting "sinkGroupp"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const role = cli(['config', 'check', '--role', 'colector']);
  assert.equal(role.code, 2);
  assert.match(role.stderr, /unknown role "colector"/);
});

test('every secret setting may come from a file (a mounted secret), and a short one read from a file is refused by name', { timeout: 40_000 }, () => {
  const secrets = [...Object.values(ROLE_SETTINGS), ...Object.values(COMMAND_SETTINGS), netboxSettings].flatMap((settings) => Object.values(settings)).filter((s) => s.kind === 'secret');
  assert.ok(secrets.length >= 8, `found ${secrets.length} secret settings`);
  assert.deepEqual(secrets.filter((s) => !s.fromFile).map((s) => s.env), [], 'secret settings without a _FILE form');
  const dir = mkdtempSync(join(tmpdir(), 'oc-secret-file-'));
  try {
    const file = join(dir, 'jwt');
    writeFileSync(file, 'short\n');
    const r = cli(['config', 'check', '--role', 'api'], { API_JWT_SECRET_FILE: file });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /jwtSecret \(file named by env API_JWT_SECRET_FILE\) must be at least 16 characters long/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the credentials command reads its settings through the schema: --help, config check, _FILE forms', { timeout: 60_000 }, () => {
  const help = cli(['credentials', '--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /OC_CREDENTIALS_KEY \/ OC_CREDENTIALS_KEY_FILE {2}\(secret; default \(none\)\)/);
  assert.match(help.stdout, /OC_CREDENTIALS_FILE {2}\(string; default \.run\/<OC_PROFILE or dev>\/credentials\.enc\.json\)/);

  const dir = mkdtempSync(join(tmpdir(), 'oc-cred-settings-'));
  try {
    const keyFile = join(dir, 'key');
    const store = join(dir, 'store.json');
    writeFileSync(keyFile, `${cli(['credentials', 'keygen']).stdout.trim()}\n`);
    const env = { OC_CREDENTIALS_KEY_FILE: keyFile, OC_CREDENTIALS_FILE: store };
    assert.equal(cli(['config', 'check', '--role', 'credentials'], env).stdout, 'credentials: ok — settings valid\n');
    const list = cli(['credentials', 'list'], env);
    assert.equal(list.code, 0, list.stderr);

    const notAKey = 'bm90LWEta2V5LWF0LWFsbA==';
    const bad = cli(['config', 'check', '--role', 'credentials'], { OC_CREDENTIALS_KEY: notAKey });
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /^credentials: INVALID — \[CONFIG_INVALID\] credentialsKey \(env OC_CREDENTIALS_KEY or OC_CREDENTIALS_KEY_FILE\) must hold 32 bytes in base64/m);
    assert.doesNotMatch(bad.stdout, new RegExp(notAKey), 'a secret value is never printed');
    const both = cli(['credentials', 'list'], { ...env, OC_CREDENTIALS_KEY: notAKey });
    assert.equal(both.code, 1);
    assert.match(both.stderr, /\[CONFIG_INVALID\] credentialsKey: set OC_CREDENTIALS_KEY or OC_CREDENTIALS_KEY_FILE, not both/);
    // Checked by default with the roles.
    assert.match(cli(['config', 'check'], { OC_CREDENTIALS_KEY: notAKey }).stdout, /^credentials: INVALID/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
