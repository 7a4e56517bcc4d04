// The Kafka TLS and SASL settings without a broker: what they resolve to, the librdkafka properties
// they become, the configurations refused at start (each naming its setting), and what librdkafka's
// lines of a refused connection are turned into. Certificates are made by openssl in a temp folder.
// The same against a real SASL_SSL broker: streams/kafka-security.test.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config.js';
import { verifyKafkaAccess } from './kafka.js';
import { PLAINTEXT, kafkaSecurityEnv, kafkaSecurityOf, kafkaSecuritySettings, librdkafkaSecurity, securityFailure } from './kafka-security.js';
import { makeKafkaPki, type KafkaPki } from '../infra/kafka-pki.js';

let dir: string;
let pki: KafkaPki;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'oc-kafka-security-'));
  pki = makeKafkaPki(join(dir, 'pki'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const load = (env: Record<string, string>) => kafkaSecurityOf(loadConfig(kafkaSecuritySettings, env, undefined));
const refused = (env: Record<string, string>, re: RegExp) =>
  assert.throws(() => load(env), (e: Error & { code: string }) => e.code === 'CONFIG_INVALID' && re.test(e.message), `${JSON.stringify(Object.keys(env))}: expected ${re}`);

test('no setting: plaintext, and no librdkafka property changes', () => {
  assert.deepEqual(load({}), PLAINTEXT);
  assert.deepEqual(librdkafkaSecurity(load({})), {});
});

test('a SASL mechanism means SASL over TLS; CA and credentials from files', () => {
  const pw = join(dir, 'password');
  writeFileSync(pw, 'alice-secret\n');
  const s = load({ KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'alice', KAFKA_SASL_PASSWORD_FILE: pw, KAFKA_SSL_CA_FILE: pki.caFile });
  assert.deepEqual(s, { protocol: 'sasl_ssl', tls: { ca: pki.caPem.trim() }, sasl: { mechanism: 'SCRAM-SHA-512', username: 'alice', password: 'alice-secret' } });
  assert.deepEqual(librdkafkaSecurity(s), {
    'security.protocol': 'sasl_ssl',
    'ssl.ca.pem': pki.caPem.trim(),
    'sasl.mechanisms': 'SCRAM-SHA-512',
    'sasl.username': 'alice',
    'sasl.password': 'alice-secret',
  });
  // The system's CAs when none is given; sasl_plaintext only when asked for.
  assert.deepEqual(load({ KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }).protocol, 'sasl_ssl');
  assert.deepEqual(load({ KAFKA_SECURITY_PROTOCOL: 'sasl_plaintext', KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }).protocol, 'sasl_plaintext');
});

test('a client certificate means TLS; an encrypted key opens with its password', () => {
  const s = load({ KAFKA_SSL_CA: pki.caPem, KAFKA_SSL_CERT: pki.clientCertPem, KAFKA_SSL_KEY: pki.clientKeyEncryptedPem, KAFKA_SSL_KEY_PASSWORD: pki.clientKeyPassword });
  assert.equal(s.protocol, 'ssl');
  assert.equal(librdkafkaSecurity(s)['ssl.key.password'], pki.clientKeyPassword);
  assert.match(librdkafkaSecurity(s)['ssl.certificate.pem'], /BEGIN CERTIFICATE/);
  assert.deepEqual(load({ KAFKA_SECURITY_PROTOCOL: 'ssl' }), { protocol: 'ssl' }); // system CAs, no client certificate
});

test("a child role's environment carries the settings, and overrides the parent's when there are none", () => {
  const settings = loadConfig(kafkaSecuritySettings, { KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', KAFKA_SSL_CA: pki.caPem }, undefined);
  assert.deepEqual(load(kafkaSecurityEnv(settings)), kafkaSecurityOf(settings));
  const none = kafkaSecurityEnv();
  assert.equal(none.KAFKA_SASL_PASSWORD, '');
  assert.equal(none.KAFKA_SASL_PASSWORD_FILE, '');
  assert.deepEqual(load({ KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_PASSWORD_FILE: '/run/secrets/x', ...none }), PLAINTEXT);
});

test('configurations that cannot work are refused at start, naming the setting', () => {
  refused({ KAFKA_SASL_MECHANISM: 'GSSAPI' }, /kafkaSaslMechanism \(env KAFKA_SASL_MECHANISM\) must be one of SCRAM-SHA-512, SCRAM-SHA-256, PLAIN, got "GSSAPI"/);
  refused({ KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'u' }, /KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE\) is required with KAFKA_SASL_MECHANISM PLAIN/);
  refused({ KAFKA_SASL_PASSWORD: 'p' }, /KAFKA_SASL_PASSWORD .* is set but KAFKA_SASL_MECHANISM is not/);
  refused({ KAFKA_SSL_CERT: pki.clientCertPem }, /KAFKA_SSL_KEY or KAFKA_SSL_KEY_FILE\) is required with KAFKA_SSL_CERT/);
  refused({ KAFKA_SSL_KEY: pki.clientKeyPem }, /KAFKA_SSL_KEY .* is set but KAFKA_SSL_CERT is not/);
  refused({ KAFKA_SSL_CERT: pki.clientCertPem, KAFKA_SSL_KEY: pki.clientKeyEncryptedPem }, /KAFKA_SSL_KEY .* is encrypted and KAFKA_SSL_KEY_PASSWORD is not set/);
  refused({ KAFKA_SSL_CERT: pki.clientCertPem, KAFKA_SSL_KEY: pki.clientKeyEncryptedPem, KAFKA_SSL_KEY_PASSWORD: 'wrong' }, /KAFKA_SSL_KEY_PASSWORD does not open it/);
  refused({ KAFKA_SSL_CERT: pki.caPem, KAFKA_SSL_KEY: pki.clientKeyPem }, /KAFKA_SSL_KEY .* does not belong to KAFKA_SSL_CERT/);
  refused({ KAFKA_SSL_CA: 'not a certificate' }, /KAFKA_SSL_CA .* holds no PEM CA certificate/);
  refused({ KAFKA_SSL_CA_FILE: join(dir, 'absent.pem') }, /kafkaSslCa \(env KAFKA_SSL_CA_FILE\) names .*absent\.pem, which cannot be read \(ENOENT\)/);
  refused({ KAFKA_SSL_CA: pki.caPem, KAFKA_SSL_CA_FILE: pki.caFile }, /set KAFKA_SSL_CA or KAFKA_SSL_CA_FILE, not both/);
  refused({ KAFKA_SECURITY_PROTOCOL: 'plaintext', KAFKA_SSL_CA: pki.caPem }, /KAFKA_SECURITY_PROTOCOL\) is plaintext but KAFKA_SSL_\* settings are set/);
  refused({ KAFKA_SECURITY_PROTOCOL: 'ssl', KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, /is ssl but KAFKA_SASL_MECHANISM is set: use sasl_ssl/);
  refused({ KAFKA_SECURITY_PROTOCOL: 'sasl_ssl' }, /is sasl_ssl but KAFKA_SASL_MECHANISM is not set/);
});

test('an error never quotes a secret', () => {
  const secret = 'do-not-print-me';
  const envs: Record<string, string>[] = [{ KAFKA_SASL_PASSWORD: secret }, { KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: secret, KAFKA_SECURITY_PROTOCOL: 'ssl' }];
  for (const env of envs)
    assert.throws(() => load(env), (e: Error) => !e.message.includes(secret));
  const sasl = load({ KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: secret });
  const line = '[thrd:sasl_ssl://b:9093/bootstrap]: sasl_ssl://b:9093/bootstrap: SASL authentication error: Authentication failed: Invalid username or password (after 307ms in state AUTH_REQ)';
  assert.ok(!securityFailure(line, sasl)!.message.includes(secret));
});

// Lines librdkafka 2.15.1 logged against the test broker of streams/kafka-security.test.ts.
const lines = {
  password:
    '[thrd:sasl_ssl://127.0.0.1:32094/bootstrap]: sasl_ssl://127.0.0.1:32094/bootstrap: SASL authentication error: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512 (after 334ms in state AUTH_REQ)',
  ca: '[thrd:sasl_ssl://127.0.0.1:32094/bootstrap]: sasl_ssl://127.0.0.1:32094/bootstrap: SSL handshake failed: error:0A000086:SSL routines::certificate verify failed: broker certificate could not be verified, verify that ssl.ca.location is correctly configured or root CA certificates are installed (install ca-certificates package) (after 19ms in state SSL_HANDSHAKE)',
  clientCert: '[thrd:ssl://127.0.0.1:32095/bootstrap]: ssl://127.0.0.1:32095/bootstrap: Receive failed: error:0A000412:SSL routines::sslv3 alert bad certificate: SSL alert number 42 (after 1ms in state APIVERSION_QUERY)',
  plaintextListener: '[thrd:ssl://127.0.0.1:32092/bootstrap]: ssl://127.0.0.1:32092/bootstrap: SSL handshake failed: Disconnected: SSL connection closed by peer: connecting to a PLAINTEXT broker listener? (after 5ms in state SSL_HANDSHAKE)',
  mechanism:
    "[thrd:sasl_ssl://127.0.0.1:32095/bootstrap]: sasl_ssl://127.0.0.1:32095/bootstrap: SASL SCRAM-SHA-512 mechanism handshake failed: Broker: Request not valid in current SASL state: broker's supported mechanisms:  (after 3ms in state AUTH_HANDSHAKE)",
  refused: '[thrd:127.0.0.1:32092/bootstrap]: 127.0.0.1:32092/bootstrap: Connect to ipv4#127.0.0.1:32092 failed: Connection refused (after 0ms in state CONNECT)',
};

test("librdkafka's refusals become coded errors naming the setting; other failures stay retried", () => {
  const sasl = load({ KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'alice', KAFKA_SASL_PASSWORD: 'x', KAFKA_SSL_CA: pki.caPem });
  const expect = (line: string, code: string, re: RegExp) => {
    const e = securityFailure(line, sasl);
    assert.equal(e?.code, code, line);
    assert.match(e.message, re);
    assert.equal(e.canRetry, false);
  };
  expect(lines.password, 'KAFKA_AUTH_FAILED', /broker at 127\.0\.0\.1:32094 refused the SASL SCRAM-SHA-512 login of user "alice": check KAFKA_SASL_PASSWORD/);
  expect(lines.ca, 'KAFKA_TLS_FAILED', /certificate of the broker at 127\.0\.0\.1:32094 does not verify against the CA\(s\) of KAFKA_SSL_CA.*check KAFKA_SSL_CA/);
  expect(lines.clientCert, 'KAFKA_TLS_FAILED', /broker at 127\.0\.0\.1:32095 requires a client certificate: check KAFKA_SSL_CERT and KAFKA_SSL_KEY/);
  expect(lines.plaintextListener, 'KAFKA_TLS_FAILED', /speaks plaintext on this port.*KAFKA_SECURITY_PROTOCOL/);
  expect(lines.mechanism, 'KAFKA_AUTH_FAILED', /does not offer SASL mechanism SCRAM-SHA-512 \(it offers: none\): check KAFKA_SASL_MECHANISM/);
  assert.equal(securityFailure(lines.refused, sasl), undefined);
  assert.equal(securityFailure('Disconnected (after 120ms in state UP)', sasl), undefined);
});

test('no broker answering: KAFKA_UNAVAILABLE naming KAFKA_BROKERS once the probe times out', async () => {
  const t0 = Date.now();
  await assert.rejects(verifyKafkaAccess(['127.0.0.1:32099'], PLAINTEXT, 'kafka-security-test', 1_500), (e: Error & { code: string; canRetry: boolean }) =>
    e.code === 'KAFKA_UNAVAILABLE' && e.canRetry && /127\.0\.0\.1:32099 within 1500 ms.*check KAFKA_BROKERS/.test(e.message),
  );
  assert.ok(Date.now() - t0 < 10_000);
});
