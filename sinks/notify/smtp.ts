// A small SMTP client (RFC 5321: EHLO, MAIL FROM, RCPT TO, DATA, QUIT) over node:net, with
// STARTTLS (RFC 3207: the same socket upgraded through node:tls, the server's certificate checked
// against the system CAs or a CA file) and AUTH PLAIN / LOGIN (RFC 4954). Credentials are only ever
// sent inside TLS. A relay that offers STARTTLS is always asked for it; `starttls: 'required'`
// (the default when logging in) also refuses one that does not, and a certificate that does not
// verify is never accepted.
import { connect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { OpsError } from '../../common/errors.js';

export interface Mail { from: string; to: string[]; subject: string; text: string }

export interface SmtpOptions {
  timeoutMs?: number;
  /** off: never upgrade; auto: upgrade when offered; required: refuse a relay without it. Default: required with auth, else auto. */
  starttls?: 'off' | 'auto' | 'required';
  /** PEM CA certificate(s) the relay's certificate must chain to (default: the system's). */
  ca?: string | Buffer;
  /** Log in after the upgrade; mechanism auto prefers PLAIN, then LOGIN, as the relay offers. */
  auth?: { user: string; password: string; mechanism?: 'auto' | 'plain' | 'login' };
  /** Name sent in EHLO. */
  clientName?: string;
}

export const SMTP_DEFAULTS = { timeoutMs: 10_000, clientName: 'opsconductor' } as const;

export const SMTP_RETRY_DEFAULTS = {
  attempts: 5,
  baseDelayMs: 500, // ms, doubled per attempt
  maxDelayMs: 30_000, // ms
};

interface Reply { code: string; lines: string[] }

/** Reads replies off whichever socket currently carries the session (plain, then TLS). */
class Replies {
  private buf = '';
  private partial: string[] = [];
  private waiting: ((r: Reply) => void)[] = [];
  private ready: Reply[] = [];

  attach(sock: Socket | TLSSocket): void {
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      this.buf += d;
      let i: number;
      while ((i = this.buf.indexOf('\r\n')) >= 0) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 2);
        this.partial.push(line.slice(4));
        // Multi-line replies ("250-...") end with "250 ...": only the last line completes them.
        if (line[3] === '-') continue;
        const reply = { code: line.slice(0, 3), lines: this.partial };
        this.partial = [];
        const w = this.waiting.shift();
        if (w) w(reply);
        else this.ready.push(reply);
      }
    });
  }

  /** Nothing may be buffered across STARTTLS (RFC 3207 §4.2: a server that pipelines is wrong). */
  pendingBytes(): number {
    return this.buf.length + this.ready.length;
  }

  next(): Promise<Reply> {
    const r = this.ready.shift();
    return r !== undefined ? Promise.resolve(r) : new Promise((res) => this.waiting.push(res));
  }
}

function capabilities(ehlo: Reply): Map<string, string[]> {
  const caps = new Map<string, string[]>();
  for (const line of ehlo.lines.slice(1)) {
    const [name, ...args] = line.trim().split(/\s+/);
    if (name) caps.set(name.toUpperCase(), args.map((a) => a.toUpperCase()));
  }
  return caps;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

export async function sendMail(host: string, port: number, mail: Mail, options: SmtpOptions = {}): Promise<void> {
  const o = { ...SMTP_DEFAULTS, ...options, starttls: options.starttls ?? (options.auth ? 'required' : 'auto') };
  const where = `SMTP ${host}:${port}`;
  const fail = (what: string, canRetry = true) => new OpsError('NOTIFY_SMTP_FAILED', `${where} ${what}`, { canRetry });
  const replies = new Replies();
  let sock: Socket | TLSSocket = connect({ host, port });
  let secure = false;
  let rejectBroken!: (e: OpsError) => void;
  const broken = new Promise<never>((_, rej) => (rejectBroken = rej));
  broken.catch(() => undefined);
  const watch = (s: Socket | TLSSocket, tls: boolean) => {
    s.once('error', (e) => rejectBroken(fail(tls ? `TLS: ${e.message}` : e.message, !(tls && /certificate|self.signed|verify|altname/i.test(e.message)))));
    s.once('close', () => rejectBroken(fail('closed the connection')));
    s.setTimeout(o.timeoutMs, () => rejectBroken(fail(`timed out after ${o.timeoutMs} ms`)));
  };
  watch(sock, false);
  replies.attach(sock);

  const expect = async (code: string, what: string): Promise<Reply> => {
    const r = await Promise.race([replies.next(), broken]);
    // 5xx is permanent (RFC 5321 §4.2.1): trying the same thing again cannot help.
    if (r.code !== code) throw fail(`refused ${what}: ${r.code} ${r.lines.join(' / ')}`, !r.code.startsWith('5'));
    return r;
  };
  const cmd = (line: string, code: string, what = line.split(':')[0]) => {
    sock.write(line + '\r\n');
    return expect(code, what);
  };

  try {
    await expect('220', 'the greeting');
    let caps = capabilities(await cmd(`EHLO ${o.clientName}`, '250'));
    if (o.starttls !== 'off' && caps.has('STARTTLS')) {
      await cmd('STARTTLS', '220');
      if (replies.pendingBytes() > 0) throw fail('sent data after agreeing to STARTTLS (a possible injection); giving up', false);
      const plain = sock;
      plain.removeAllListeners('data'); // from here on the bytes are TLS records, read by the TLS socket
      plain.removeAllListeners('close');
      plain.removeAllListeners('error');
      plain.setTimeout(0);
      sock = tlsConnect({ socket: plain, servername: isIP(host) ? undefined : host, ca: o.ca, rejectUnauthorized: true });
      watch(sock, true);
      await Promise.race([new Promise<void>((r) => sock.once('secureConnect', () => r())), broken]);
      replies.attach(sock);
      secure = true;
      // Whatever the relay said before the upgrade is forgotten (RFC 3207 §4.2): ask again.
      caps = capabilities(await cmd(`EHLO ${o.clientName}`, '250'));
    } else if (o.starttls === 'required') {
      throw fail('does not offer STARTTLS, and NOTIFY_SMTP_STARTTLS=required', false);
    }
    if (o.auth) {
      if (!secure) throw fail('would receive the SMTP password in clear text (no STARTTLS): refusing to log in', false);
      const offered = caps.get('AUTH') ?? [];
      const wanted = o.auth.mechanism ?? 'auto';
      const mech = wanted === 'auto' ? (offered.includes('PLAIN') ? 'PLAIN' : offered.includes('LOGIN') ? 'LOGIN' : undefined) : wanted.toUpperCase();
      if (!mech || !offered.includes(mech)) throw fail(`offers AUTH ${offered.join(' ') || '(none)'}, not ${wanted === 'auto' ? 'PLAIN or LOGIN' : mech}`, false);
      if (mech === 'PLAIN') await cmd(`AUTH PLAIN ${b64(`\0${o.auth.user}\0${o.auth.password}`)}`, '235', 'AUTH PLAIN');
      else {
        await cmd('AUTH LOGIN', '334', 'AUTH LOGIN');
        await cmd(b64(o.auth.user), '334', 'the user name');
        await cmd(b64(o.auth.password), '235', 'the password');
      }
    }
    await cmd(`MAIL FROM:<${mail.from}>`, '250');
    for (const to of mail.to) await cmd(`RCPT TO:<${to}>`, '250');
    await cmd('DATA', '354');
    const headers = [`From: ${mail.from}`, `To: ${mail.to.join(', ')}`, `Subject: ${mail.subject.replace(/[\r\n]/g, ' ')}`, `Date: ${new Date().toUTCString()}`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8'];
    // Dot-stuffing: a body line starting with "." must not end the message.
    const body = mail.text.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    sock.write(headers.join('\r\n') + '\r\n\r\n' + body + '\r\n.\r\n');
    await expect('250', 'the message');
    sock.write('QUIT\r\n');
    await Promise.race([replies.next(), broken]).catch(() => undefined);
  } finally {
    sock.destroy();
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
  for (let attempt = 1; ; attempt++) {
    try {
      await sendMail(host, port, mail, options);
      return { attempts: attempt };
    } catch (err) {
      if (attempt >= r.attempts || !(err instanceof OpsError) || !err.canRetry) throw err;
      const cap = Math.min(r.maxDelayMs, r.baseDelayMs * 2 ** (attempt - 1));
      await new Promise((res) => setTimeout(res, Math.random() * cap));
    }
  }
}
