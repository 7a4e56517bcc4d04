// docker-compose.yml cannot run here (no Docker engine), so what can be checked without it is:
// every role has its service, every variable a role service sets is one some role reads (a typo
// would be ignored silently), `down` needs no secret, no fixed addresses, and roles get the time
// to drain on stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../infra/supervisor.js';
import { ROLE_SETTINGS, SCHEMA_ROLES } from '../bin/role-settings.js';
import { linksSettings } from '../collectors/inventory/links-command.js';

interface Service { command?: string[]; environment?: Record<string, unknown>; stop_grace_period?: string; networks?: unknown; image?: string; build?: unknown }
const read = (file: string) => readFileSync(join(projectRoot, file), 'utf8');
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service>; networks?: unknown };
const appServices = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);

// Read outside the settings schema (docs/configuration.md): the logger, the credential store.
const OUTSIDE_SCHEMA = /^(LOG_LEVEL|OC_CONFIG|OC_CREDENTIALS_(FILE|KEY|KEY_FILE))$/;
// The roles' settings, and those of the one long-running command compose runs (inventory sync-links).
const known = new Set([...Object.values(ROLE_SETTINGS), linksSettings].flatMap((settings) => Object.values(settings).flatMap((s) => (s.fromFile ? [s.env, `${s.env}_FILE`] : [s.env]))));

test('every role has a service running it', () => {
  // Compose runs Confluent's schema registry in place of the project's registry role.
  for (const role of SCHEMA_ROLES.filter((r) => r !== 'registry')) {
    const service = compose.services[role === 'notifier' ? 'notifier' : role];
    assert.ok(service, `no service for the ${role} role`);
    assert.deepEqual(service.command, [role]);
  }
});

test('every variable a role service sets is one the roles read', () => {
  for (const file of ['docker-compose.yml', 'docker-compose.sasl-ssl.yml']) {
    const doc = parse(read(file), { merge: true }) as { services: Record<string, Service> };
    for (const [name, service] of Object.entries(doc.services)) {
      const isApp = file === 'docker-compose.yml' ? service.build !== undefined : compose.services[name]?.build !== undefined;
      if (!isApp) continue;
      const unknown = Object.keys(service.environment ?? {}).filter((k) => !known.has(k) && !OUTSIDE_SCHEMA.test(k));
      assert.deepEqual(unknown, [], `${file}: service ${name} sets variables no role reads`);
    }
  }
});

test('`docker compose down` needs no secret, nothing has a fixed address, roles may drain on stop', () => {
  for (const file of ['docker-compose.yml', 'docker-compose.sasl-ssl.yml']) assert.doesNotMatch(read(file), /\$\{[A-Z_]+:\?/, `${file}: a required variable makes every compose command fail without it`);
  assert.doesNotMatch(read('docker-compose.yml'), /ipv4_address|ipam:/);
  for (const [name, service] of appServices) {
    const grace = /^(\d+)s$/.exec(service.stop_grace_period ?? '');
    assert.ok(grace && Number(grace[1]) >= 25, `${name}: stop_grace_period ${service.stop_grace_period ?? '(default 10s)'} is shorter than a role's 20 s drain`);
  }
});
