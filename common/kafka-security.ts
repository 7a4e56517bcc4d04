// Kafka over TLS and SASL: the settings every Kafka client of the project shares (every role, the
// registry, the benches), their checks, the librdkafka properties they become, and what a broker's
// refusal during connect means in terms of those settings.
//
// Why refusals are read from librdkafka's log: a refused login or TLS handshake is retried by the
// client for ever and reaches the application only as log lines while it connects (its error
// events come later, and only when something polls). A role must not start against a cluster
// that will never let it in: `securityFailure` turns such a line into an error naming the
// setting to fix, and the connect-time probe (common/kafka.ts) fails with it at once.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { defineSettings, loadConfig, type ConfigOf } from './config.js';
import { OpsError } from './errors.js';

export const SASL_MECHANISMS = ['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];
export type SecurityProtocol = 'plaintext' | 'ssl' | 'sasl_plaintext' | 'sasl_ssl';

/** How clients reach the cluster. PEM texts, read once at start. */
export interface KafkaSecurity {
  readonly protocol: SecurityProtocol;
  /** absent ca: the system's CAs; absent cert and key: no client certificate */
  readonly tls?: { readonly ca?: string; readonly cert?: string; readonly key?: string; readonly keyPassword?: string };
  readonly sasl?: { readonly mechanism: SaslMechanism; readonly username: string; readonly password: string };
}

export const PLAINTEXT: KafkaSecurity = Object.freeze({ protocol: 'plaintext' });

type Values = Readonly<Record<string, unknown>>;
const text = (v: unknown) => (typeof v === 'string' ? v : '');
const hasTls = (c: Values) => [c.kafkaSslCa, c.kafkaSslCert, c.kafkaSslKey].some((v) => text(v) !== '');

/** The protocol `auto` stands for: SASL when a mechanism is set, always over TLS; TLS alone when a
 * CA or client certificate is set; else plaintext. */
function resolvedProtocol(c: Values): SecurityProtocol {
  const p = text(c.kafkaSecurityProtocol) || 'auto';
  if (p !== 'auto') return p as SecurityProtocol;
  if (text(c.kafkaSaslMechanism)) return 'sasl_ssl';
  return hasTls(c) ? 'ssl' : 'plaintext';
}

function certificates(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((block) => new X509Certificate(block));
}

function certificateProblem(pem: string, what: string): string | undefined {
  let certs: X509Certificate[];
  try {
    certs = certificates(pem);
  } catch (err) {
    return `is not readable as PEM ${what}: ${(err as Error).message}`;
  }
  if (certs.length === 0) return `holds no PEM ${what} (-----BEGIN CERTIFICATE----- block), got ${pem.length} characters`;
  const expired = certs.find((c) => Date.parse(c.validTo) < Date.now());
  return expired ? `holds a certificate that expired on ${expired.validTo} (${expired.subject.replace(/\n/g, ', ')})` : undefined;
}

function privateKey(c: Values): KeyObject {
  return createPrivateKey({ key: text(c.kafkaSslKey), format: 'pem', ...(text(c.kafkaSslKeyPassword) ? { passphrase: text(c.kafkaSslKeyPassword) } : {}) });
}

function keyProblem(c: Values): string | undefined {
  const cert = text(c.kafkaSslCert);
  const key = text(c.kafkaSslKey);
  if (cert && !key) return 'is required with KAFKA_SSL_CERT: a client certificate is of no use without its private key';
  if (!key) return undefined;
  if (!cert) return 'is set but KAFKA_SSL_CERT is not: a client key needs its certificate';
  const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(key);
  if (encrypted && !text(c.kafkaSslKeyPassword)) return 'is encrypted and KAFKA_SSL_KEY_PASSWORD is not set';
  let k: KeyObject;
  try {
    k = privateKey(c);
  } catch (err) {
    if (encrypted) return 'is encrypted and KAFKA_SSL_KEY_PASSWORD does not open it';
    return `is not readable as a PEM private key (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  try {
    if (!certificates(cert)[0]?.checkPrivateKey(k)) return 'does not belong to KAFKA_SSL_CERT (their public keys differ)';
  } catch {
    return undefined; // the certificate's own check names it
  }
  return undefined;
}

function protocolProblem(c: Values): string | undefined {
  const p = text(c.kafkaSecurityProtocol);
  const sasl = text(c.kafkaSaslMechanism) !== '';
  if ((p === 'plaintext' || p === 'sasl_plaintext') && hasTls(c)) return `is ${p} but KAFKA_SSL_* settings are set: they would be ignored (use ${p === 'plaintext' ? 'ssl' : 'sasl_ssl'}, or auto)`;
  if ((p === 'plaintext' || p === 'ssl') && sasl) return `is ${p} but KAFKA_SASL_MECHANISM is set: use ${p === 'plaintext' ? 'sasl_plaintext' : 'sasl_ssl'}, or auto`;
  if ((p === 'sasl_plaintext' || p === 'sasl_ssl') && !sasl) return `is ${p} but KAFKA_SASL_MECHANISM is not set (${SASL_MECHANISMS.join(', ')})`;
  return undefined;
}

function saslCredentialProblem(value: unknown, c: Values): string | undefined {
  const mechanism = text(c.kafkaSaslMechanism);
  if (mechanism && !text(value)) return `is required with KAFKA_SASL_MECHANISM ${mechanism}`;
  if (!mechanism && text(value)) return `is set but KAFKA_SASL_MECHANISM is not (${SASL_MECHANISMS.join(', ')}): it would be ignored`;
  return undefined;
}

export const kafkaSecuritySettings = defineSettings({
  kafkaSecurityProtocol: {
    kind: 'string',
    env: 'KAFKA_SECURITY_PROTOCOL',
    default: 'auto',
    choices: ['auto', 'plaintext', 'ssl', 'sasl_ssl', 'sasl_plaintext'],
    doc: 'auto: sasl_ssl when KAFKA_SASL_MECHANISM is set, ssl when a KAFKA_SSL_* setting is, else plaintext; ssl with none of them: TLS verified against the system CAs',
    check: (_v, c) => protocolProblem(c),
  },
  kafkaSslCa: {
    kind: 'string',
    env: 'KAFKA_SSL_CA',
    default: '',
    fromFile: true,
    doc: "PEM CA certificate(s) the brokers' certificates must chain to (empty: the system's CAs)",
    check: (v) => (text(v) ? certificateProblem(text(v), 'CA certificate') : undefined),
  },
  kafkaSslCert: {
    kind: 'string',
    env: 'KAFKA_SSL_CERT',
    default: '',
    fromFile: true,
    doc: 'PEM client certificate for brokers that require one (mutual TLS), with KAFKA_SSL_KEY',
    check: (v) => (text(v) ? certificateProblem(text(v), 'client certificate') : undefined),
  },
  kafkaSslKey: { kind: 'secret', env: 'KAFKA_SSL_KEY', default: '', fromFile: true, doc: "PEM private key of KAFKA_SSL_CERT", check: (_v, c) => keyProblem(c) },
  kafkaSslKeyPassword: { kind: 'secret', env: 'KAFKA_SSL_KEY_PASSWORD', default: '', fromFile: true, doc: 'password of an encrypted KAFKA_SSL_KEY' },
  kafkaSaslMechanism: {
    kind: 'string',
    env: 'KAFKA_SASL_MECHANISM',
    default: '',
    choices: SASL_MECHANISMS,
    doc: 'SASL login: SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN (empty: none), over TLS unless KAFKA_SECURITY_PROTOCOL says sasl_plaintext',
  },
  kafkaSaslUsername: { kind: 'string', env: 'KAFKA_SASL_USERNAME', default: '', fromFile: true, doc: 'SASL user', check: saslCredentialProblem },
  kafkaSaslPassword: { kind: 'secret', env: 'KAFKA_SASL_PASSWORD', default: '', fromFile: true, doc: 'SASL password', check: saslCredentialProblem },
});

export type KafkaSecurityConfig = ConfigOf<typeof kafkaSecuritySettings>;

/** The security of checked settings (loadConfig ran their checks); missing settings: plaintext. */
export function kafkaSecurityOf(c: Partial<KafkaSecurityConfig>): KafkaSecurity {
  const protocol = resolvedProtocol(c);
  if (protocol === 'plaintext') return PLAINTEXT;
  const pems = {
    ...(c.kafkaSslCa ? { ca: c.kafkaSslCa } : {}),
    ...(c.kafkaSslCert ? { cert: c.kafkaSslCert } : {}),
    ...(c.kafkaSslKey ? { key: c.kafkaSslKey } : {}),
    ...(c.kafkaSslKeyPassword ? { keyPassword: c.kafkaSslKeyPassword } : {}),
  };
  // No PEMs over TLS: the system's CAs, no client certificate.
  const tls = (protocol === 'ssl' || protocol === 'sasl_ssl') && Object.keys(pems).length > 0 ? Object.freeze(pems) : undefined;
  const sasl = c.kafkaSaslMechanism
    ? Object.freeze({ mechanism: c.kafkaSaslMechanism as SaslMechanism, username: c.kafkaSaslUsername ?? '', password: c.kafkaSaslPassword ?? '' })
    : undefined;
  return Object.freeze({ protocol, ...(tls ? { tls } : {}), ...(sasl ? { sasl } : {}) });
}

/** Reads and checks the security settings alone (the registry, benches, tools). */
export function kafkaSecurityFromEnv(env: NodeJS.ProcessEnv = process.env): KafkaSecurity {
  return kafkaSecurityOf(loadConfig(kafkaSecuritySettings, env, undefined));
}

/** The environment of a child role for these settings: every variable set ('' when unset), so a
 * child never inherits its parent's by accident (a local plaintext stack under a shell set up for
 * a secured cluster). */
export function kafkaSecurityEnv(c: Partial<KafkaSecurityConfig> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, s] of Object.entries(kafkaSecuritySettings)) {
    const v = (c as Record<string, unknown>)[key];
    env[s.env] = typeof v === 'string' && v !== s.default ? v : '';
    if ('fromFile' in s && s.fromFile) env[`${s.env}_FILE`] = '';
  }
  return env;
}

/** librdkafka's properties for it: what every client config of the project spreads in. */
export function librdkafkaSecurity(s: KafkaSecurity | undefined): Record<string, string> {
  if (!s || s.protocol === 'plaintext') return {};
  const c: Record<string, string> = { 'security.protocol': s.protocol };
  if (s.tls?.ca) c['ssl.ca.pem'] = s.tls.ca;
  if (s.tls?.cert) c['ssl.certificate.pem'] = s.tls.cert;
  if (s.tls?.key) c['ssl.key.pem'] = s.tls.key;
  if (s.tls?.keyPassword) c['ssl.key.password'] = s.tls.keyPassword;
  if (s.sasl) {
    c['sasl.mechanisms'] = s.sasl.mechanism;
    c['sasl.username'] = s.sasl.username;
    c['sasl.password'] = s.sasl.password;
  }
  return c;
}

// librdkafka 2.15's lines (facility FAIL) for a refused connection, e.g.
// "[thrd:sasl_ssl://127.0.0.1:32094/bootstrap]: sasl_ssl://127.0.0.1:32094/bootstrap: SASL
// authentication error: Authentication failed … (after 334ms in state AUTH_REQ)".
const FAIL_LINE = /\w+:\/\/([^/\s]+)\/[^:\s\]]+: (.*?)(?:\s*\(after \d+ms in state [^)]*\))?$/;

/**
 * What a librdkafka log line says about the security settings: the coded error naming the setting
 * to fix when a broker refused the login or the TLS handshake, else undefined (a broker down, a
 * timeout: retried as before). The error never quotes a secret.
 */
export function securityFailure(line: string, security: KafkaSecurity = PLAINTEXT): OpsError | undefined {
  const m = FAIL_LINE.exec(line);
  if (!m) return undefined;
  const [, broker, reason] = m;
  const fail = (code: 'KAFKA_AUTH_FAILED' | 'KAFKA_TLS_FAILED', message: string) =>
    new OpsError(code, `${message} (librdkafka: ${reason})`, { canRetry: false });
  const sasl = security.sasl;
  const offered = /mechanism handshake failed.*supported mechanisms:\s*(.*)$/i.exec(reason);
  if (offered) {
    const list = offered[1].trim() || 'none';
    return fail('KAFKA_AUTH_FAILED', `the broker at ${broker} does not offer SASL mechanism ${sasl?.mechanism ?? '?'} (it offers: ${list}): check KAFKA_SASL_MECHANISM, and that KAFKA_BROKERS names the broker's SASL listener`);
  }
  if (/SASL authentication error|SASL .*failed/i.test(reason)) {
    const who = sasl ? `the SASL ${sasl.mechanism} login of user "${sasl.username}"` : 'the SASL login';
    return fail('KAFKA_AUTH_FAILED', `the broker at ${broker} refused ${who}: check KAFKA_SASL_PASSWORD and KAFKA_SASL_USERNAME (or their _FILE forms)`);
  }
  if (/connecting to a PLAINTEXT broker listener/i.test(reason))
    return fail('KAFKA_TLS_FAILED', `the broker at ${broker} speaks plaintext on this port, not TLS: check KAFKA_SECURITY_PROTOCOL and that KAFKA_BROKERS names the broker's TLS listener`);
  if (/certificate verify failed/i.test(reason)) {
    const against = security.tls?.ca ? 'the CA(s) of KAFKA_SSL_CA' : "the system's CAs (KAFKA_SSL_CA is not set)";
    return fail('KAFKA_TLS_FAILED', `the certificate of the broker at ${broker} does not verify against ${against}, or does not name ${broker.replace(/:\d+$/, '')}: check KAFKA_SSL_CA (or KAFKA_SSL_CA_FILE)`);
  }
  if (/alert (bad certificate|certificate required|unknown ca|certificate unknown|certificate expired|certificate revoked|access denied)/i.test(reason)) {
    const what = security.tls?.cert ? "refused this client's certificate" : 'requires a client certificate';
    return fail('KAFKA_TLS_FAILED', `the broker at ${broker} ${what}: check KAFKA_SSL_CERT and KAFKA_SSL_KEY (a certificate signed by a CA the broker trusts)`);
  }
  if (/SSL handshake failed/i.test(reason))
    return fail('KAFKA_TLS_FAILED', `the TLS handshake with the broker at ${broker} failed: check KAFKA_SECURITY_PROTOCOL, KAFKA_SSL_CA, KAFKA_SSL_CERT and KAFKA_SSL_KEY`);
  return undefined;
}
