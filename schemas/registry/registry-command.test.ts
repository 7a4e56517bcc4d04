// The `registry` role entry point: configuration from the environment, start, stop on SIGTERM.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { registryConfigFromEnv } from './registry-command.js';
import { PLAINTEXT } from '../../common/kafka-security.js';
import { call, dropSchemaTopic, kafkaBrokers, randomSchemaTopic } from '../../test/schema-registry.js';

test('configuration: defaults, overrides and errors naming the variable', () => {
  // The local stack's brokers; not Confluent's `_schemas` (same name, other records).
  assert.deepEqual(registryConfigFromEnv({}), { host: '127.0.0.1', port: 18081, kafkaBrokers: ['127.0.0.1:19092'], kafkaSecurity: PLAINTEXT, topic: '_oc_schemas', opsHost: '127.0.0.1', opsPort: 9476 });
  assert.deepEqual(registryConfigFromEnv({ REGISTRY_PORT: '0', REGISTRY_HOST: '::1', KAFKA_BROKERS: 'a:1, b:2', REGISTRY_TOPIC: '_s', OPS_PORT: '0' }), {
    host: '::1',
    port: 0,
    kafkaBrokers: ['a:1', 'b:2'],
    kafkaSecurity: PLAINTEXT,
    topic: '_s',
    opsHost: '127.0.0.1',
    opsPort: 0,
  });
  assert.throws(() => registryConfigFromEnv({ REGISTRY_PORT: 'http' }), /REGISTRY_PORT/);
  assert.throws(() => registryConfigFromEnv({ KAFKA_BROKERS: 'no-port' }), /KAFKA_BROKERS/);
  assert.throws(() => registryConfigFromEnv({ KAFKA_SASL_MECHANISM: 'GSSAPI' }), /KAFKA_SASL_MECHANISM.*one of SCRAM-SHA-512, SCRAM-SHA-256, PLAIN/);
  assert.deepEqual(registryConfigFromEnv({ KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'reg', KAFKA_SASL_PASSWORD: 'pw' }).kafkaSecurity, {
    protocol: 'sasl_ssl',
    sasl: { mechanism: 'PLAIN', username: 'reg', password: 'pw' },
  });
});

test('runRegistryCommand serves until SIGTERM, then exits cleanly', { timeout: 60_000 }, async () => {
  const topic = randomSchemaTopic();
  const entry = fileURLToPath(new URL('./registry-command.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', `import { runRegistryCommand } from ${JSON.stringify(entry)}; await runRegistryCommand(process.env);`],
    { env: { ...process.env, REGISTRY_PORT: '0', REGISTRY_TOPIC: topic, KAFKA_BROKERS: kafkaBrokers.join(','), LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let buffered = '';
      const timer = setTimeout(() => reject(new Error(`registry did not start: ${buffered}`)), 30_000);
      child.stderr.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const found = /"url":"([^"]+)"[^\n]*"msg":"schema registry listening"/.exec(buffered);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`registry exited early with ${code}: ${buffered}`)));
    });
    assert.equal((await call(url, 'GET', '/readyz')).status, 200);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await dropSchemaTopic(topic);
  }
});
