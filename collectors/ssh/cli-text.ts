// Turning what an interactive CLI sends back into the command's output: terminal escape
// sequences and backspace erasures removed, the pager's "more" prompt detected (so the session
// can answer it) and erased, the echoed command and the closing prompt cut off.

// CSI sequences (colours, cursor moves), OSC titles, and lone ESC x pairs.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[@-Z\\-_]/g;

/** Pager prompts of the platforms we know: Junos "---(more)---", IOS/XR " --More-- ", SAOS "--more--"/"[more]". */
export const MORE_PROMPT = /(?:-{2,3}\s*\(?more(?: \d+%)?\)?\s*-{2,3}|\[more\]|<--- More --->)\s*$/i;

export function cleanTerminal(text: string): string {
  let out = text.replace(ANSI, '').replace(/\r+\n/g, '\n').replace(/\r/g, '');
  // A pager erases its prompt with backspaces (or spaces + backspaces): apply them.
  while (/[^\n\x08]\x08/.test(out)) out = out.replace(/[^\n\x08]\x08/g, '');
  return out.replace(/\x08/g, '');
}

export function endsWithMore(text: string): boolean {
  return MORE_PROMPT.test(cleanTerminal(text).split('\n').pop() ?? '');
}

/** Removes pager prompts left inside the text (the line they sat on keeps its content). */
export function stripMore(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/(?:-{2,3}\s*\(?more(?: \d+%)?\)?\s*-{2,3}|\[more\]|<--- More --->)\s*/gi, ''))
    .join('\n');
}

/**
 * The command's output from everything received after it was sent: without the echoed command
 * line (first line, when it contains the command) and without the final prompt line.
 */
export function extractOutput(received: string, command: string, prompt: RegExp): string {
  const lines = stripMore(cleanTerminal(received)).split('\n');
  if (lines.length && lines[0].includes(command.trim())) lines.shift();
  if (lines.length && prompt.test(lines[lines.length - 1])) lines.pop();
  while (lines.length && lines[0].trim() === '') lines.shift();
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  return lines.join('\n');
}
