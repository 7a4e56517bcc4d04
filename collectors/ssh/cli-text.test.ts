// What a PTY session sends back, reduced to the command's output.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { cleanTerminal, endsWithMore, extractOutput } from './cli-text.js';
import { TerminalText } from './terminal-text.js';

const prompt = /^[\w.@-]+[>#] ?$/;

test('echo, CRLF, colours and the closing prompt are removed', () => {
  const received = 'show version\r\n\x1b[1mModel: mx204\x1b[0m\r\nJunos: 23.2R1\r\n\r\nlab@r1> ';
  assert.equal(extractOutput(received, 'show version', prompt), 'Model: mx204\nJunos: 23.2R1');
});

test('pager prompts are detected on the last line and erased inside the text', () => {
  assert.ok(endsWithMore('line 1\r\n---(more)---'));
  assert.ok(endsWithMore('line 1\r\n --More-- '));
  assert.ok(endsWithMore('line 1\r\n---(more 45%)---'));
  assert.ok(!endsWithMore('line 1\r\nmore or less\r\n'));
  const received = 'show x\r\nline 1\r\n --More-- \x08\x08\x08\x08\x08\x08\x08\x08\x08\x08          \x08\x08\x08\x08\x08\x08\x08\x08\x08\x08line 2\r\nr1# ';
  assert.equal(extractOutput(received, 'show x', /^r1# ?$/), 'line 1\nline 2');
});

test('backspaces erase what they follow', () => {
  assert.equal(cleanTerminal('abc\x08\x08d'), 'ad');
});

// Hostile output, up to the session's 1 MiB cap. Linear work is proven by a bound, not by
// comparing sizes: at 1 MB these take milliseconds, the quadratic code took minutes (85 ms at
// 20 kB, 1.3 s at 80 kB), so a bound of seconds cannot flake on a loaded machine and still fails
// the old code by orders of magnitude. Ratios of small sizes are noise at millisecond scale.
const MB = 1_000_000;
const BOUND_MS = 2_000;

function within<T>(what: string, run: () => T): T {
  const started = performance.now();
  const result = run();
  const ms = performance.now() - started;
  assert.ok(ms < BOUND_MS, `${what}: ${ms.toFixed(0)} ms for 1 MB`);
  return result;
}

test('hostile output: 1 MB of spaces and backspaces, a 1 MB line, carriage returns and blank lines are cleaned in bounded time', () => {
  const prompt = /^r1# ?$/;
  const erased = 'show x\r\n' + ' '.repeat(MB / 2) + '\b'.repeat(MB / 2) + 'line 1\r\nr1# ';
  assert.equal(within('spaces then backspaces', () => extractOutput(erased, 'show x', prompt)), 'line 1');
  assert.equal(within('backspaces alone', () => cleanTerminal('\b'.repeat(MB))), '');
  const line = 'x'.repeat(MB);
  assert.equal(within('a 1 MB line', () => extractOutput(`show x\r\n${line}\r\nr1# `, 'show x', prompt)), line);
  assert.equal(within('a 1 MB line at the end', () => endsWithMore(`show x\r\n${line} --More-- `)), false, 'a long last line is not a pager prompt');
  assert.equal(within('carriage returns', () => cleanTerminal('\r'.repeat(MB) + 'a')), 'a');
  assert.equal(within('blank lines', () => extractOutput('show x\n' + '\n'.repeat(MB) + 'r1# ', 'show x', prompt)), '');
  assert.equal(within('unfinished titles', () => cleanTerminal('\x1b]'.repeat(MB / 2))), '', 'an unfinished title loses its ESC ]');
  assert.equal(within('an unfinished colour', () => cleanTerminal('\x1b[' + '1'.repeat(MB))).length, MB + 2, 'a "sequence" longer than any real one is text');
});

test('escape sequences and backspaces split across chunks read as if they came whole', () => {
  const received = 'a\x1b[1;32mgreen\x1b[0m \x1b]0;title\x07b\x1b(Bc\r\n---(more)---\b\b\b\b\b\b\b\b\b\b\b\b            \b\b\b\b\b\b\b\b\b\b\b\bd\x1b[;;x';
  const whole = cleanTerminal(received);
  assert.equal(whole, 'agreen b\x1b(Bc\nd', 'colours, titles and the erased pager prompt removed; ESC ( B is not a sequence we drop');
  for (const size of [1, 2, 3, 7]) {
    const t = new TerminalText();
    for (let i = 0; i < received.length; i += size) t.push(received.slice(i, i + size));
    t.end();
    assert.equal(t.text(), whole, `chunks of ${size}`);
  }
});
