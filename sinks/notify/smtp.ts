// E-mail through nodemailer's SMTP transport: implicit TLS (port 465) or STARTTLS, the relay's
// certificate always verified (against the system CAs or a CA file), AUTH PLAIN / LOGIN, and the
// message built by nodemailer (RFC 2047 subjects, Message-ID, line folding, dot-stuffing).
// What this file adds is policy: credentials are only ever sent inside TLS (a relay that offers no
// STARTTLS, or a man in the middle who strips it, gets neither password nor mail), and every
// failure becomes NOTIFY_SMTP_FAILED saying whether trying again can help.
import { isIP } from 'node:net';
import nodemailer from 'nodemailer';
import { OpsError } from '../../common/errors.js';
import { withRetries } from '../../common/retry.js';

export interface Mail { from: string; to: string[]; subject: string; text: string }

export interface SmtpOptions {
  timeoutMs?: number;
  /** off: never upgrade; auto: upgrade when offered; required: refuse a relay without it. Default: required with auth, else auto. */
  starttls?: 'off' | 'auto' | 'required';
  /** TLS from the first byte (SMTPS); default: on port 465 only. */
  implicitTls?: boolean;
  /** PEM CA certificate(s) the relay's certificate must chain to (default: the system's). */
  ca?: string | Buffer;
  /** Log in inside TLS; mechanism auto prefers PLAIN, then LOGIN, as the relay offers. */
  auth?: { user: string; password: string; mechanism?: 'auto' | 'plain' | 'login' };
  /** Name sent in EHLO. */
  clientName?: string;
}

export const SMTP_DEFAULTS = { timeoutMs: 10_000, clientName: 'opsconductor', implicitTlsPort: 465 } as const;

export const SMTP_RETRY_DEFAULTS = {
  attempts: 5,
  baseDelayMs: 500, // ms, doubled per attempt
  maxDelayMs: 30_000, // ms
};

/** What nodemailer's errors carry besides a message. */
interface SmtpError extends Error {
  code?: string; // EAUTH, ETLS, ESOCKET, ECONNECTION, ETIMEDOUT, EENVELOPE, EMESSAGE, EPROTOCOL
  command?: string; // the SMTP command answered, e.g. "AUTH PLAIN", "STARTTLS", "RCPT TO"
  response?: string; // the relay's answer, e.g. "535 5.7.8 Authentication failed"
  responseCode?: number;
}

const CERTIFICATE_PROBLEM = /certificate|self.signed|verify|altname|unable to get/i;

function failure(where: string, e: SmtpError, o: { starttls: string; auth: boolean }): OpsError {
  const fail = (what: string, canRetry: boolean) => new OpsError('NOTIFY_SMTP_FAILED', `${where} ${what}`, { canRetry, cause: e });
  if (e.command === 'STARTTLS' && e.responseCode !== undefined) {
    // Asked for STARTTLS (required, or because we log in) and refused (a relay without TLS answers
    // 454 or 502; a man in the middle strips the offer): no TLS, so nothing went out.
    return o.starttls === 'required'
      ? fail('does not offer STARTTLS, and NOTIFY_SMTP_STARTTLS=required', false)
      : fail('would receive the SMTP password in clear text (no STARTTLS): refusing to log in', false);
  }
  if (CERTIFICATE_PROBLEM.test(e.message)) return fail(`TLS: ${e.message}`, false);
  // 5xx is permanent (RFC 5321 §4.2.1), refused credentials too: trying again cannot help.
  if (e.responseCode !== undefined) return fail(`refused ${e.command ?? 'the message'}: ${e.response ?? e.responseCode}`, e.responseCode < 500 && e.code !== 'EAUTH');
  return fail(e.message, e.code !== 'EAUTH' && e.code !== 'EENVELOPE' && e.code !== 'EMESSAGE');
}

export async function sendMail(host: string, port: number, mail: Mail, options: SmtpOptions = {}): Promise<void> {
  const o = { ...SMTP_DEFAULTS, ...options, starttls: options.starttls ?? (options.auth ? 'required' : 'auto') };
  const where = `SMTP ${host}:${port}`;
  const implicitTls = o.implicitTls ?? port === SMTP_DEFAULTS.implicitTlsPort;
  if (o.auth && o.starttls === 'off' && !implicitTls)
    throw new OpsError('NOTIFY_SMTP_FAILED', `${where} would receive the SMTP password in clear text (NOTIFY_SMTP_STARTTLS=off): refusing to log in`, { canRetry: false });
  const transport = nodemailer.createTransport({
    host,
    port,
    secure: implicitTls,
    // Logging in forces STARTTLS: without it the password would cross in clear text.
    requireTLS: o.starttls === 'required' || o.auth !== undefined,
    ignoreTLS: o.starttls === 'off',
    tls: { ca: o.ca, rejectUnauthorized: true, servername: isIP(host) ? undefined : host },
    auth: o.auth ? { user: o.auth.user, pass: o.auth.password } : undefined,
    authMethod: o.auth?.mechanism && o.auth.mechanism !== 'auto' ? o.auth.mechanism.toUpperCase() : undefined,
    name: o.clientName,
    connectionTimeout: o.timeoutMs,
    greetingTimeout: o.timeoutMs,
    socketTimeout: o.timeoutMs,
  });
  try {
    await transport.sendMail({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, date: new Date() });
  } catch (err) {
    throw failure(where, err as SmtpError, { starttls: o.starttls, auth: o.auth !== undefined });
  } finally {
    transport.close();
  }
}

/**
 * sendMail, tried again with exponential backoff and full jitter while the failure may pass (the
 * relay unreachable or restarting, a 4xx answer); a 5xx, a bad certificate or refused credentials
 * fail at once. The message may arrive twice if a relay took it and the connection broke before
 * its answer: mail has no idempotency key, so a rare duplicate is the price of not losing a page.
 */
export async function sendMailRetrying(host: string, port: number, mail: Mail, options: SmtpOptions = {}, retry: Partial<typeof SMTP_RETRY_DEFAULTS> = {}): Promise<{ attempts: number }> {
  const r = { ...SMTP_RETRY_DEFAULTS, ...retry };
  const { attempts } = await withRetries(() => sendMail(host, port, mail, options), { ...r, jitter: 'full', canRetry: (err) => err instanceof OpsError && err.canRetry });
  return { attempts };
}
