// What a PTY session sends back, reduced to the command's output.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanTerminal, endsWithMore, extractOutput } from './cli-text.js';

const prompt = /^[\w.@\-]+[>#] ?$/;

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
