// One interactive CLI session on one device: an SSH connection (ssh2), a PTY shell on it, the
// platform's setup commands (paging off) sent once, then commands run one at a time. Network
// CLIs are shells, not exec targets (SAOS has no exec channel; Junos and IOS-XR page and prompt
// the same way in both), so output ends where the prompt comes back, the pager's "more" prompt
// is answered with a space, and a command that never gets its prompt back times out and
// condemns the session (its state is unknown; the pool opens a fresh one next time).
//
// What the device sends is untrusted: it is cleaned as it arrives, one pass per character
// (TerminalText), only a short last line is looked at for a prompt, and a reply longer than
// maxOutputBytes ends the command with SSH_OUTPUT_TOO_LARGE and the session with it, so a device
// can neither stall the collector's event loop nor make it read and hold output without end.

import { StringDecoder } from 'node:string_decoder';
import ssh2, { type Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { commandOutput, isMorePrompt, MAX_PROMPT_CHARS } from './cli-text.js';
import { SshFailure } from './errors.js';
import type { HostKeyStore } from './known-hosts.js';
import { TerminalText } from './terminal-text.js';
import type { SshTarget } from './types.js';

export interface CliSessionOptions {
  target: SshTarget;
  knownHosts: HostKeyStore;
  prompt: RegExp; // matches the whole last line when the CLI waits for input
  setupCommands: string[]; // sent once after login (paging off)
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  maxOutputBytes: number; // a reply longer than this (escapes included) is refused, not read on
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EADDRNOTAVAIL', 'EPIPE']);

export class CliSession {
  private screen = new TerminalText(); // what the device showed since the last command was sent
  private receivedBytes = 0; // since the last command was sent, counted even while idle in the pool
  private overflowed = false;
  private onData: (() => void) | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private closedReason: string | null = null;

  private constructor(
    private readonly opts: CliSessionOptions,
    private readonly conn: Client,
    private readonly shell: ClientChannel,
  ) {
    // One decoder a stream: a UTF-8 character split between two packets stays one character.
    const receive = (decoder: StringDecoder) => (d: Buffer) => {
      if (this.closedReason !== null) return; // closed by us: what is still in flight is not read
      this.receivedBytes += d.length;
      if (this.receivedBytes > opts.maxOutputBytes) {
        this.overflowed = true;
        this.close(`reply over ${opts.maxOutputBytes} bytes`);
        conn.destroy(); // not a polite end: a device that floods may ignore our disconnect
      } else this.screen.push(decoder.write(d));
      this.onData?.();
    };
    shell.on('data', receive(new StringDecoder('utf8')));
    shell.stderr.on('data', receive(new StringDecoder('utf8')));
    const ended = (why: string) => {
      this.closedReason ??= why;
      this.onData?.();
    };
    shell.on('close', () => ended('the device closed the shell'));
    conn.on('close', () => ended('the SSH connection closed'));
    conn.on('error', (err) => ended(`SSH connection error: ${err.message}`));
  }

  get alive(): boolean {
    return this.closedReason === null;
  }

  private get where(): string {
    const t = this.opts.target;
    return `device ${t.deviceId} (${t.address}:${t.port})`;
  }

  static async open(opts: CliSessionOptions): Promise<CliSession> {
    const { conn, shell } = await connect(opts);
    const session = new CliSession(opts, conn, shell);
    try {
      await session.waitForPrompt('login banner', opts.connectTimeoutMs);
      for (const command of opts.setupCommands) await session.run(command);
      return session;
    } catch (err) {
      session.close();
      throw err;
    }
  }

  /** Runs one command and resolves with its output; commands on a session are serialised. */
  run(command: string): Promise<string> {
    const next = this.queue.then(() => this.runNow(command));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runNow(command: string): Promise<string> {
    if (!this.alive) throw new SshFailure('SSH_SESSION_CLOSED', `${this.where}: session closed before "${command}" (${this.closedReason})`);
    this.screen = new TerminalText();
    this.receivedBytes = 0;
    this.shell.write(command + '\n');
    await this.waitForPrompt(`"${command}"`, this.opts.commandTimeoutMs);
    return commandOutput(this.screen.text(), command, this.opts.prompt);
  }

  /** Resolves once the last line shown is a prompt; answers pager prompts. */
  private waitForPrompt(what: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (err: Error | null) => {
        clearTimeout(timer);
        this.onData = null;
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(() => {
        // The CLI is in an unknown state (still printing, or waiting for something we cannot
        // guess): this session is not reused.
        this.close('command timed out');
        done(new SshFailure('SSH_COMMAND_TIMEOUT', `${this.where}: no prompt after ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.onData = () => {
        if (this.overflowed) {
          return done(new SshFailure('SSH_OUTPUT_TOO_LARGE', `${this.where}: reply to ${what} longer than ${this.opts.maxOutputBytes} bytes; session closed`, false));
        }
        const lastLine = this.screen.lastLine(MAX_PROMPT_CHARS);
        if (isMorePrompt(lastLine)) {
          this.shell.write(' ');
          return;
        }
        if (lastLine !== null && (this.screen.hasLineBreak || what === 'login banner') && this.opts.prompt.test(lastLine)) return done(null);
        if (!this.alive) done(new SshFailure('SSH_SESSION_CLOSED', `${this.where}: ${this.closedReason} while waiting for ${what}`));
      };
      this.onData();
    });
  }

  close(reason = 'closed by the collector'): void {
    this.closedReason ??= reason;
    this.shell.end();
    this.conn.end();
  }
}

function connect(opts: CliSessionOptions): Promise<{ conn: Client; shell: ClientChannel }> {
  const t = opts.target;
  const where = `device ${t.deviceId} (${t.address}:${t.port})`;
  return new Promise((resolve, reject) => {
    const conn = new ssh2.Client();
    let hostKeyRefusal: string | null = null;
    let settled = false;
    const fail = (err: SshFailure) => {
      if (settled) return;
      settled = true;
      conn.end();
      reject(err);
    };
    const config: ConnectConfig = {
      host: t.address,
      port: t.port,
      username: t.username,
      password: t.password,
      privateKey: t.privateKey,
      passphrase: t.passphrase,
      readyTimeout: opts.connectTimeoutMs,
      tryKeyboard: t.password !== undefined, // many network OSes offer keyboard-interactive only
      keepaliveInterval: 15_000,
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        opts.knownHosts.check(t.address, t.port, key).then(
          (verdict) => {
            if (!verdict.ok) hostKeyRefusal = `presented host key ${verdict.presented}, pinned ${verdict.expected}`;
            verify(verdict.ok);
          },
          () => verify(false),
        );
      },
    };
    conn.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => t.password ?? '')));
    conn.on('error', (err: Error & { level?: string; code?: string }) => {
      if (hostKeyRefusal) return fail(new SshFailure('SSH_HOSTKEY_CHANGED', `${where}: host key changed (${hostKeyRefusal}); refused. Remove its line from the known-hosts file if the change is expected`, false));
      if (err.level === 'client-authentication') return fail(new SshFailure('SSH_AUTH', `${where}: authentication failed for user "${t.username}"`, false));
      if (err.level === 'client-timeout') return fail(new SshFailure('SSH_TIMEOUT', `${where}: no SSH handshake within ${opts.connectTimeoutMs} ms`));
      if (err.code && UNREACHABLE.has(err.code)) return fail(new SshFailure('SSH_CONNECT', `${where}: ${err.code} (${err.message})`));
      fail(new SshFailure('SSH_CONNECT', `${where}: ${err.message}`));
    });
    conn.on('close', () => fail(new SshFailure('SSH_CONNECT', `${where}: connection closed during login`)));
    conn.on('ready', () => {
      conn.shell({ term: 'vt100', cols: 511, rows: 24 }, (err, shell) => {
        if (err) return fail(new SshFailure('SSH_CHANNEL', `${where}: shell refused: ${err.message}`));
        if (settled) return shell.end();
        settled = true;
        resolve({ conn, shell });
      });
    });
    try {
      conn.connect(config);
    } catch (err) {
      fail(new SshFailure('SSH_CONNECT', `${where}: ${(err as Error).message}`, false));
    }
  });
}
