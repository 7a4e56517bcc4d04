// Turning what an interactive CLI sends back into the command's output: terminal escape
// sequences and backspace erasures removed (terminal-text.ts), the pager's "more" prompt
// detected (so the session can answer it) and erased, the echoed command and the closing prompt
// cut off. Every step is one pass over the text: a device decides what it sends, up to the
// session's output cap, and must not be able to make the collector work quadratically on it.

import { TerminalText } from './terminal-text.js';

/** Pager prompts of the platforms we know: Junos "---(more)---", IOS/XR " --More-- ", SAOS "--more--"/"[more]". */
export const MORE_PROMPT = /(?:-{2,3}\s*\(?more(?: \d+%)?\)?\s*-{2,3}|\[more\]|<--- More --->)\s*$/i;
// The same anywhere in a text, its blanks kept within a line ([^\S\n], not \s).
const MORE_ANYWHERE = /(?:-{2,3}[^\S\n]*\(?more(?: \d+%)?\)?[^\S\n]*-{2,3}|\[more\]|<--- More --->)[^\S\n]*/gi;

/**
 * Longest line that may be a prompt or a pager prompt. A session looks at the last line after
 * every chunk; a longer line is output still arriving and is not looked at (which keeps that
 * check from costing the length of a megabyte-long line on every chunk).
 */
export const MAX_PROMPT_CHARS = 256;

export function cleanTerminal(text: string): string {
  const t = new TerminalText();
  t.push(text);
  t.end();
  return t.text();
}

export function endsWithMore(text: string): boolean {
  const t = new TerminalText();
  t.push(text);
  return isMorePrompt(t.lastLine(MAX_PROMPT_CHARS));
}

export function isMorePrompt(lastLine: string | null): boolean {
  return lastLine !== null && MORE_PROMPT.test(lastLine);
}

/** Removes pager prompts left inside the text (the line they sat on keeps its content). */
export function stripMore(text: string): string {
  return text.replace(MORE_ANYWHERE, '');
}

/**
 * The command's output from everything received after it was sent: without the echoed command
 * line (first line, when it contains the command) and without the final prompt line.
 */
export function extractOutput(received: string, command: string, prompt: RegExp): string {
  return commandOutput(cleanTerminal(received), command, prompt);
}

/** extractOutput of text already cleaned (TerminalText). */
export function commandOutput(text: string, command: string, prompt: RegExp): string {
  const lines = stripMore(text).split('\n');
  // Indices, not shift(): shifting a long array of blank lines one at a time is quadratic.
  let from = 0;
  let to = lines.length;
  if (to > from && lines[from].includes(command.trim())) from++;
  if (to > from && prompt.test(lines[to - 1])) to--;
  while (to > from && isBlank(lines[from])) from++;
  while (to > from && isBlank(lines[to - 1])) to--;
  return lines.slice(from, to).join('\n');
}

const isBlank = (line: string) => line.trim() === '';
