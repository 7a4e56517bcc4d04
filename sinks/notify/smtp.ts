// A minimal SMTP client (RFC 5321: EHLO, MAIL FROM, RCPT TO, DATA, QUIT) over node:net, enough
// for a relay inside the operator's network. No STARTTLS or AUTH yet.
import { connect, type Socket } from 'node:net';
import { OpsError } from '../../common/errors.js';

export interface Mail { from: string; to: string[]; subject: string; text: string }

class Replies {
  private buf = '';
  private waiting: ((line: string) => void)[] = [];
  private lines: string[] = [];
  constructor(private sock: Socket) {
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      this.buf += d;
      let i: number;
      while ((i = this.buf.indexOf('\r\n')) >= 0) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 2);
        // Multi-line replies ("250-...") end with "250 ...": only the last line completes them.
        if (line[3] === '-') continue;
        const w = this.waiting.shift();
        if (w) w(line); else this.lines.push(line);
      }
    });
  }
  next(): Promise<string> {
    const l = this.lines.shift();
    return l !== undefined ? Promise.resolve(l) : new Promise((r) => this.waiting.push(r));
  }
}

export async function sendMail(host: string, port: number, mail: Mail, timeoutMs = 10_000): Promise<void> {
  const sock = connect({ host, port });
  const fail = (what: string) => new OpsError('NOTIFY_SMTP_FAILED', `SMTP ${host}:${port} ${what}`, { canRetry: true });
  const replies = new Replies(sock);
  const broken = new Promise<never>((_, rej) => {
    sock.once('error', (e) => rej(fail(e.message)));
    sock.once('close', () => rej(fail('closed the connection')));
    sock.setTimeout(timeoutMs, () => rej(fail(`timed out after ${timeoutMs} ms`)));
  });
  broken.catch(() => undefined);
  const expect = async (code: string, what: string) => {
    const line = await Promise.race([replies.next(), broken]);
    if (!line.startsWith(code)) throw fail(`refused ${what}: ${line}`);
  };
  const cmd = async (line: string, code: string) => {
    sock.write(line + '\r\n');
    await expect(code, line.split(':')[0]);
  };
  try {
    await expect('220', 'the greeting');
    await cmd('EHLO opsconductor', '250');
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
