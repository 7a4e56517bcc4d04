// Bad config stops a role at start, before it touches any service, with an error that names the
// setting: proven on the real CLI processes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { projectRoot } from '../infra/supervisor.js';

function runRole(role: string, env: Record<string, string>) {
  const r = spawnSync(process.execPath, [join(projectRoot, 'bin', 'opsconductor.mjs'), role], { env: { ...process.env, ...env, OC_CONFIG: '' }, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stderr: r.stderr };
}

test('a malformed setting stops the collector and names it', { timeout: 40_000 }, () => {
  const r = runRole('collector', { POLL_INTERVAL_MS: 'often' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /CONFIG_INVALID.*intervalMs \(env POLL_INTERVAL_MS\) must be an integer, got "often"/);
});

test('a malformed URL stops the sink and names it', { timeout: 40_000 }, () => {
  const r = runRole('sink', { DATABASE_URL: 'postgres-at-somewhere' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /databaseUrl \(env DATABASE_URL\) must be a URL/);
});

test('a malformed engine id or port 0 stops the traps role and names the setting', { timeout: 40_000 }, () => {
  const bad = runRole('traps', { TRAP_ENGINE_ID: 'receiver-1' });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /CONFIG_INVALID.*TRAP_ENGINE_ID must be 5 to 32 bytes in hex, /);
  const port = runRole('traps', { TRAP_PORT: '0' });
  assert.equal(port.code, 1);
  assert.match(port.stderr, /port \(env TRAP_PORT\) must be at least 1/);
});

test('a value out of range stops the processor and names it', { timeout: 40_000 }, () => {
  const r = runRole('processor', { KAFKA_PARTITIONS: '0' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /partitions \(env KAFKA_PARTITIONS\) must be at least 1/);
});

test('a missing secret stops the api and names it', { timeout: 40_000 }, () => {
  const r = runRole('api', { API_JWT_SECRET: '' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /API_JWT_SECRET/);
});

test('an unknown key in the config file is refused by name', { timeout: 40_000 }, () => {
  const file = join(projectRoot, 'test', 'fixtures', 'bad-collector-config.yaml');
  const r = spawnSync(process.execPath, [join(projectRoot, 'bin', 'opsconductor.mjs'), 'collector'], { env: { ...process.env, OC_CONFIG: file }, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /CONFIG_UNKNOWN_KEY.*unknown setting "pollIntervall"/);
});

test('an unknown rule in the analysis config stops the processor and names it', { timeout: 40_000 }, () => {
  const r = runRole('processor', { ANALYSIS_CONFIG_FILE: join(projectRoot, 'test', 'fixtures', 'bad-analysis-config.yaml') });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /CONFIG_UNKNOWN_KEY.*opticalRxLo/);
});

test('a taken OPS_PORT stops the processor at once with a coded error naming OPS_PORT', { timeout: 40_000 }, async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const port = (holder.address() as AddressInfo).port;
  try {
    // No broker answers on port 1: the role must stop on the port before it tries Kafka.
    const r = runRole('processor', { OPS_HOST: '127.0.0.1', OPS_PORT: String(port), KAFKA_BROKERS: '127.0.0.1:1' });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`\\[OPS_PORT_IN_USE\\] OPS_PORT ${port} on OPS_HOST 127\\.0\\.0\\.1 cannot be bound`));
  } finally {
    holder.close();
  }
});
