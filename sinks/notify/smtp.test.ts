// The SMTP client against a real relay (aiosmtpd, sinks/notify/smtp-test-server.py) with STARTTLS
// on a certificate made here by openssl, and AUTH PLAIN / LOGIN.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../common/config.js';
import { eventually } from '../../test/env.js';
import { OpsError } from '../../common/errors.js';
import { sendMail, sendMailRetrying, type SmtpOptions } from './smtp.js';
import { notifySettings, smtpOptionsOf } from './settings.js';

const venvPython = fileURLToPath(new URL('../../.cache/venv/bin/python', import.meta.url));
const serverScript = fileURLToPath(new URL('./smtp-test-server.py', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'oc-smtp-'));
const cert = join(dir, 'cert.pem');
const key = join(dir, 'key.pem');
const user = 'noc-relay';
const password = 'pa:ss w0rd';
const mail = { from: 'oc@example.net', to: ['noc@example.net'], subject: 'link down', text: 'xe-0/0/0 lost light\n.dot line' };

interface Relay { port: number; events: Record<string, unknown>[]; stop(): Promise<void> }
const relays: Relay[] = [];

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function startRelay(o: { tls: boolean; auth: boolean; port?: number; implicitTls?: boolean }): Promise<Relay> {
  const port = o.port ?? (await freePort());
  const args = [serverScript, '--port', String(port)];
  if (o.tls) args.push('--cert', cert, '--key', key);
  if (o.implicitTls) args.push('--implicit-tls');
  if (o.auth) args.push('--user', user, '--password', password);
  const child: ChildProcess = spawn(venvPython, ['-u', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const events: Record<string, unknown>[] = [];
  let err = '';
  let buf = '';
  child.stderr!.on('data', (d) => (err += d));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`aiosmtpd did not start in 15 s: ${err.slice(-500)}`)), 15_000);
    child.on('exit', (code) => reject(new Error(`aiosmtpd exited (${code}): ${err.slice(-500)}`)));
    child.stdout!.on('data', (d) => {
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const e = JSON.parse(buf.slice(0, i)) as Record<string, unknown>;
        buf = buf.slice(i + 1);
        events.push(e);
        if (e.event === 'ready') {
          clearTimeout(timer);
          resolve();
        }
      }
    });
  });
  await ready;
  const relay = {
    port,
    events,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
  relays.push(relay);
  return relay;
}

const messages = (r: Relay) => r.events.filter((e) => e.event === 'message');
// The relay prints an event before it answers, but its stdout and the SMTP socket race: wait for
// the event the answer implies.
const seen = (r: Relay, event: string, n: number) =>
  eventually(`${n} "${event}" event(s) from the relay`, () => (r.events.filter((e) => e.event === event).length >= n ? r.events.filter((e) => e.event === event) : undefined), 5_000, 20);

async function refusal(p: Promise<unknown>): Promise<OpsError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof OpsError, `expected an OpsError, got ${String(err)}`);
  assert.equal(err.code, 'NOTIFY_SMTP_FAILED');
  return err;
}

let tlsAuth: Relay;
let plain: Relay;
before(async () => {
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, `openssl req failed: ${r.stderr}`);
  [tlsAuth, plain] = await Promise.all([startRelay({ tls: true, auth: true }), startRelay({ tls: false, auth: false })]);
});

after(async () => {
  await Promise.all(relays.map((r) => r.stop()));
  rmSync(dir, { recursive: true, force: true });
});

const trusted = (o: Partial<SmtpOptions> = {}): SmtpOptions => ({ timeoutMs: 5_000, ca: readFileSync(cert), ...o });

test('STARTTLS with the CA file, then AUTH PLAIN: the relay gets the mail over TLS, logged in', { timeout: 20_000 }, async () => {
  await sendMail('127.0.0.1', tlsAuth.port, mail, trusted({ auth: { user, password } }));
  const m = (await seen(tlsAuth, 'message', 1)).at(-1)!;
  assert.equal(m.tls, true);
  assert.equal(m.authenticated, true);
  assert.equal(m.login, user);
  assert.deepEqual(m.rcpt_tos, ['noc@example.net']);
  assert.match(String(m.content), /Subject: link down/);
  assert.match(String(m.content), /\r?\n\.dot line/, 'the dot-stuffed line arrives as written');
  assert.deepEqual((await seen(tlsAuth, 'auth', 1)).at(-1), { event: 'auth', mechanism: 'PLAIN', ok: true, tls: true });
});

test('implicit TLS (SMTPS): TLS from the first byte, then login; headers built for any subject', { timeout: 20_000 }, async () => {
  const smtps = await startRelay({ tls: true, auth: true, implicitTls: true });
  const subject = 'Liaison coupée: xe-0/0/0 à Zürich ' + 'x'.repeat(120);
  await sendMail('127.0.0.1', smtps.port, { ...mail, subject }, trusted({ auth: { user, password }, implicitTls: true }));
  const m = (await seen(smtps, 'message', 1)).at(-1)!;
  assert.equal(m.authenticated, true);
  const content = String(m.content);
  // RFC 2047: a non-ASCII subject is encoded, and a long one folded, never sent raw.
  assert.match(content, /^Subject: =\?UTF-8\?[BQ]\?/im);
  assert.ok(content.split(/\r?\n/).every((line) => line.length <= 998), 'no line over the RFC 5322 limit');
  assert.match(content, /^Message-ID: <[^>]+@[^>]+>/im);
  await smtps.stop();
  // Without implicitTls the same relay answers nothing readable: a clear error, no hang.
  const refused = await startRelay({ tls: true, auth: true, implicitTls: true });
  const err = await refusal(sendMail('127.0.0.1', refused.port, mail, trusted({ auth: { user, password }, timeoutMs: 1_500 })));
  assert.match(err.message, /SMTP 127\.0\.0\.1:\d+ /);
});

test('AUTH LOGIN when asked for', { timeout: 20_000 }, async () => {
  await sendMail('127.0.0.1', tlsAuth.port, mail, trusted({ auth: { user, password, mechanism: 'login' } }));
  assert.deepEqual((await seen(tlsAuth, 'auth', 2)).at(-1), { event: 'auth', mechanism: 'LOGIN', ok: true, tls: true });
  assert.equal((await seen(tlsAuth, 'message', 2)).at(-1)!.login, user);
});

test('a wrong password is refused for good (535, no retry), and nothing is delivered', { timeout: 20_000 }, async () => {
  const before = messages(tlsAuth).length;
  const err = await refusal(sendMail('127.0.0.1', tlsAuth.port, mail, trusted({ auth: { user, password: 'wrong' } })));
  assert.match(err.message, /refused AUTH PLAIN: 535/);
  assert.equal(err.canRetry, false);
  assert.equal(messages(tlsAuth).length, before);
});

test('a certificate that does not chain to the configured CAs is never accepted', { timeout: 20_000 }, async () => {
  const before = messages(tlsAuth).length;
  const err = await refusal(sendMail('127.0.0.1', tlsAuth.port, mail, { timeoutMs: 5_000, auth: { user, password } }));
  assert.match(err.message, /TLS: .*(self.signed|certificate)/i);
  assert.equal(err.canRetry, false);
  assert.equal(messages(tlsAuth).length, before);
});

test('without STARTTLS: no password in clear text, "required" refuses, plain relay still works', { timeout: 20_000 }, async () => {
  let err = await refusal(sendMail('127.0.0.1', plain.port, mail, trusted({ auth: { user, password }, starttls: 'auto' })));
  assert.match(err.message, /clear text/);
  err = await refusal(sendMail('127.0.0.1', plain.port, mail, trusted({ starttls: 'required' })));
  assert.match(err.message, /does not offer STARTTLS/);
  assert.equal(messages(plain).length, 0);
  await sendMail('127.0.0.1', plain.port, mail, trusted());
  assert.equal((await seen(plain, 'message', 1))[0].tls, false);
});

test('STARTTLS stripped from the relay\'s answer (a downgrade) with a password set: refused before anything is sent', { timeout: 20_000 }, async () => {
  // The plain relay plays the man in the middle: it offers no STARTTLS. The settings of a
  // deployment that logs in, STARTTLS left to its default.
  const env = { NOTIFY_ROUTES_FILE: '/dev/null', NOTIFY_SMTP_CA_FILE: cert, NOTIFY_SMTP_USER: user, NOTIFY_SMTP_PASSWORD: password };
  const options = smtpOptionsOf(loadConfig(notifySettings, env, undefined));
  const before = plain.events.length;
  const err = await refusal(sendMail('127.0.0.1', plain.port, mail, { ...options, timeoutMs: 5_000 }));
  assert.match(err.message, /does not offer STARTTLS, and NOTIFY_SMTP_STARTTLS=required/);
  assert.equal(err.canRetry, false);
  assert.deepEqual(plain.events.slice(before).filter((e) => e.event === 'message' || e.event === 'auth'), [], 'neither the password nor the mail went out');
  // A caller of sendMail that logs in gets the same default.
  const direct = await refusal(sendMail('127.0.0.1', plain.port, mail, trusted({ auth: { user, password } })));
  assert.match(direct.message, /does not offer STARTTLS/);
});

test('a relay that is down at first is retried with backoff; a refusal for good is not', { timeout: 30_000 }, async () => {
  const port = await freePort();
  const t0 = Date.now();
  const sending = sendMailRetrying('127.0.0.1', port, mail, trusted({ auth: { user, password } }), { attempts: 12, baseDelayMs: 100, maxDelayMs: 1_000 });
  await new Promise((r) => setTimeout(r, 300));
  const late = await startRelay({ tls: true, auth: true, port });
  const { attempts } = await sending;
  assert.ok(attempts > 1, `connection refused at first, so more than one attempt (${attempts}, ${Date.now() - t0} ms)`);
  await seen(late, 'message', 1);
  const err = await refusal(sendMailRetrying('127.0.0.1', late.port, mail, trusted({ auth: { user, password: 'wrong' } }), { attempts: 5, baseDelayMs: 10 }));
  assert.match(err.message, /535/);
  await seen(late, 'auth', 2);
  await new Promise((r) => setTimeout(r, 300)); // room for a retry to show, if there were one
  assert.equal(late.events.filter((e) => e.event === 'auth' && e.ok === false).length, 1, 'a 535 is not tried again');
});

test('SMTP settings: CA file read at start, a user needs a password, the password never shows', () => {
  const env = { NOTIFY_ROUTES_FILE: '/dev/null', NOTIFY_SMTP_CA_FILE: cert, NOTIFY_SMTP_USER: user, NOTIFY_SMTP_PASSWORD: password, NOTIFY_SMTP_AUTH: 'login' };
  const o = smtpOptionsOf(loadConfig(notifySettings, env, undefined));
  assert.deepEqual(o.auth, { user, password, mechanism: 'login' });
  assert.equal(String(o.ca), readFileSync(cert, 'utf8'));
  assert.equal(o.starttls, 'required', 'with a password, STARTTLS is required unless asked otherwise');
  assert.equal(smtpOptionsOf(loadConfig(notifySettings, { ...env, NOTIFY_SMTP_STARTTLS: 'auto' }, undefined)).starttls, 'auto');
  assert.equal(smtpOptionsOf(loadConfig(notifySettings, { NOTIFY_ROUTES_FILE: '/dev/null' }, undefined)).starttls, 'auto', 'no password: auto');
  assert.throws(() => smtpOptionsOf(loadConfig(notifySettings, { ...env, NOTIFY_SMTP_CA_FILE: join(dir, 'missing.pem') }, undefined)), /NOTIFY_SMTP_CA_FILE.*missing\.pem/);
  assert.throws(() => smtpOptionsOf(loadConfig(notifySettings, { ...env, NOTIFY_SMTP_PASSWORD: undefined }, undefined)), /NOTIFY_SMTP_PASSWORD/);
  assert.throws(() => loadConfig(notifySettings, { ...env, NOTIFY_SMTP_STARTTLS: 'maybe' }, undefined), /one of auto, required, off/);
});
