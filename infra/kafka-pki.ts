// Certificates for a local broker's TLS listeners, made with openssl into a folder: a CA, the
// broker's certificate (names 127.0.0.1 and localhost) in the PEM keystore form Kafka reads (key then
// certificate), a client certificate signed by the same CA (its key also encrypted, for
// KAFKA_SSL_KEY_PASSWORD), and a second CA nobody trusts. For tests and local stacks only: keys
// without passwords, valid two days.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from './errors.js';

export interface KafkaPki {
  dir: string;
  /** PEM of the CA that signed the broker and client certificates, and its file. */
  caPem: string;
  caFile: string;
  /** The broker's key and certificate in one PEM file (ssl.keystore.type=PEM). */
  brokerKeystoreFile: string;
  clientCertPem: string;
  clientKeyPem: string;
  /** The client key encrypted (PKCS#8, AES-256) with clientKeyPassword. */
  clientKeyEncryptedPem: string;
  clientKeyPassword: string;
  /** A CA that signed nothing here: a client trusting only it rejects the broker. */
  otherCaPem: string;
  otherCaFile: string;
}

const DAYS = '2';

function openssl(dir: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim();
    throw new InfraError('SERVICE_START_FAILED', `openssl ${args[0]} failed: ${stderr || (err as Error).message}`, { cause: err });
  }
}

function selfSignedCa(dir: string, name: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', DAYS, '-subj', `/CN=${name}`]);
}

function signedBy(dir: string, ca: string, name: string, subject: string, extensions: string): void {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', DAYS, '-extfile', `${name}.ext`]);
}

export function makeKafkaPki(dir: string): KafkaPki {
  mkdirSync(dir, { recursive: true });
  selfSignedCa(dir, 'ca');
  selfSignedCa(dir, 'other-ca');
  signedBy(dir, 'ca', 'broker', '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  signedBy(dir, 'ca', 'client', '/CN=opsconductor-client', 'extendedKeyUsage=clientAuth\n');
  const clientKeyPassword = randomBytes(9).toString('base64url');
  openssl(dir, ['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', 'client.key', '-out', 'client-encrypted.key', '-passout', `pass:${clientKeyPassword}`]);
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  const brokerKeystoreFile = join(dir, 'broker-keystore.pem');
  writeFileSync(brokerKeystoreFile, read('broker.key') + read('broker.pem'), { mode: 0o600 });
  return {
    dir,
    caPem: read('ca.pem'),
    caFile: join(dir, 'ca.pem'),
    brokerKeystoreFile,
    clientCertPem: read('client.pem'),
    clientKeyPem: read('client.key'),
    clientKeyEncryptedPem: read('client-encrypted.key'),
    clientKeyPassword,
    otherCaPem: read('other-ca.pem'),
    otherCaFile: join(dir, 'other-ca.pem'),
  };
}
