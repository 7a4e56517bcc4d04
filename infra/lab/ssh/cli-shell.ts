// One interactive shell of a simulated device, behaving like a network OS behind a PTY: it
// echoes what is typed, answers a command line with its output and a new prompt, pages long
// output behind the platform's "more" prompt until paging is turned off, and follows the
// device's current mode (normal, silent: reads but never answers, garbage: answers in a shape
// no parser knows).

import type { DeviceState } from './device-state.js';
import type { PlatformCli } from './platform-cli.js';

export type DeviceMode = 'normal' | 'silent' | 'garbage';

export interface ShellStream {
  write(data: string): unknown;
  on(event: 'data', listener: (d: Buffer) => void): unknown;
}

export const PAGE_LINES = 20;

export function runCliShell(stream: ShellStream, opts: { hostname: string; cli: PlatformCli; state: DeviceState; mode: () => DeviceMode; ignorePagingOff: boolean }): void {
  const { cli, hostname } = opts;
  let line = '';
  let paging = true;
  let pending: string[] | null = null; // lines still behind the pager

  const prompt = () => stream.write(cli.prompt(hostname));
  const showPage = () => {
    const page = pending!.splice(0, PAGE_LINES);
    stream.write(page.join('\r\n') + '\r\n');
    if (pending!.length) stream.write(cli.more);
    else {
      pending = null;
      prompt();
    }
  };

  const execute = (command: string) => {
    if (command === '') return prompt();
    if (opts.mode() === 'silent') return; // swallowed: the collector must time out
    let out: string;
    if (opts.mode() === 'garbage') out = 'Internal error: backend not responding (retry)\nrpc-reply: <partial>';
    else {
      if (cli.pagingOff.test(command) && !opts.ignorePagingOff) paging = false;
      out = cli.answer(command, opts.state) ?? cli.unknown(command);
    }
    const lines = out === '' ? [] : out.split('\n');
    const noMore = /\|\s*no-more\s*$/.test(command);
    if (paging && !noMore && lines.length > PAGE_LINES) {
      pending = lines;
      return showPage();
    }
    if (lines.length) stream.write(lines.join('\r\n') + '\r\n');
    prompt();
  };

  stream.write(`\r\nWelcome to ${hostname} (lab simulation)\r\n\r\n`);
  prompt();
  stream.on('data', (data: Buffer) => {
    for (const ch of data.toString('utf8')) {
      if (pending) {
        // At the pager: space shows the next page, q abandons the rest; the prompt is erased.
        stream.write('\b'.repeat(cli.more.length) + ' '.repeat(cli.more.length) + '\b'.repeat(cli.more.length));
        if (ch === 'q') {
          pending = null;
          prompt();
        } else showPage();
        continue;
      }
      if (ch === '\r' || ch === '\n') {
        stream.write('\r\n');
        const command = line.trim();
        line = '';
        execute(command);
      } else if (ch === '\x7f' || ch === '\b') {
        if (line) {
          line = line.slice(0, -1);
          stream.write('\b \b');
        }
      } else if (ch >= ' ') {
        line += ch;
        stream.write(ch);
      }
    }
  });
}
