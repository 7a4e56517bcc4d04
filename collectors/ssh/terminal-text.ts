// What a PTY shows, reduced to text as it streams in: escape sequences dropped, carriage returns
// dropped, backspaces applied (they erase the character before them, never a line break). One
// pass over each character as it arrives, so a reply costs time in proportion to its length
// whatever a device sends: the regular expressions this replaces, re-run over the whole reply
// for every chunk, took minutes on a hostile megabyte of spaces and backspaces.

const ESC = 0x1b;
const BEL = 0x07;
const BS = 0x08;
const CR = 0x0d;
const LF = 0x0a;

/**
 * Longest escape sequence taken as one: real colour, cursor and title sequences are a few dozen
 * characters. A longer "sequence" is not one; its characters are kept as text, which also
 * bounds what is held back while a sequence is incomplete.
 */
const MAX_SEQUENCE = 256;

type State = 'text' | 'esc' | 'csiParams' | 'csiIntermediates' | 'osc' | 'oscEsc';

export class TerminalText {
  private buf = new Uint16Array(4_096);
  private len = 0;
  private lastBreak = -1; // index of the last line break in buf (a backspace never erases one)
  private state: State = 'text';
  private sequence: number[] = []; // the escape sequence read so far, kept until it is complete

  /** Appends what the device sent next. */
  push(chunk: string): void {
    for (let i = 0; i < chunk.length; i++) this.read(chunk.charCodeAt(i));
  }

  /** The text is complete: an escape sequence still unfinished is text after all. */
  end(): void {
    while (this.state !== 'text') this.notASequence(this.state === 'oscEsc' ? ESC : null);
  }

  /** Everything shown so far, as text (an unfinished escape sequence is not shown yet). */
  text(): string {
    return decode(this.buf, 0, this.len);
  }

  /** Whether a line break was shown (the first line is the echo of a command). */
  get hasLineBreak(): boolean {
    return this.lastBreak >= 0;
  }

  /**
   * The last (unfinished) line, or null when it is longer than max: prompts are short, and
   * looking at the tail of a long line on every chunk would cost its length each time.
   */
  lastLine(max: number): string | null {
    const start = this.lastBreak + 1;
    return this.len - start > max ? null : decode(this.buf, start, this.len);
  }

  // CSI (ESC [ params intermediates final), OSC (ESC ] text, ended by BEL or ESC \) and
  // two-character ESC X (X in @–_) are dropped; anything else starting with ESC is kept as text.
  private read(c: number): void {
    switch (this.state) {
      case 'text':
        if (c === ESC) this.begin('esc', c);
        else this.show(c);
        return;
      case 'esc':
        if (c === 0x5b) this.begin('csiParams', c);
        else if (c === 0x5d) this.begin('osc', c);
        else if (c >= 0x40 && c <= 0x5f) this.state = 'text'; // complete: dropped
        else this.notASequence(c);
        return;
      case 'csiParams':
      case 'csiIntermediates':
        if (c >= 0x30 && c <= 0x3f && this.state === 'csiParams') this.hold(c);
        else if (c >= 0x20 && c <= 0x2f) this.begin('csiIntermediates', c);
        else if (c >= 0x40 && c <= 0x7e) this.state = 'text'; // complete: dropped
        else this.notASequence(c);
        return;
      case 'osc':
        if (c === BEL) this.state = 'text'; // complete: dropped
        else if (c === ESC) this.state = 'oscEsc';
        else if (c === LF) this.notASequence(c); // a title never spans lines
        else this.hold(c);
        return;
      case 'oscEsc':
        if (c === 0x5c) this.state = 'text'; // ESC \ ends it: dropped
        else {
          this.notASequence(ESC);
          this.read(c);
        }
        return;
    }
  }

  private begin(state: State, c: number): void {
    if (state === 'esc') this.sequence = [];
    this.state = state;
    this.hold(c);
  }

  private hold(c: number): void {
    this.sequence.push(c);
    if (this.sequence.length > MAX_SEQUENCE) this.notASequence(null);
  }

  /**
   * What was held back is text after all; `next` (the character that broke it) is read anew.
   * An unfinished title loses its ESC ] alone, as ESC followed by @–_ always does; what it
   * held contains no ESC (an ESC ends it), so nothing held is read twice.
   */
  private notASequence(next: number | null): void {
    const held = this.state === 'osc' || this.state === 'oscEsc' ? this.sequence.slice(2) : this.sequence;
    this.sequence = [];
    this.state = 'text';
    for (const c of held) this.show(c);
    if (next !== null) this.read(next);
  }

  private show(c: number): void {
    if (c === CR) return;
    if (c === BS) {
      if (this.len > this.lastBreak + 1) this.len--;
      return;
    }
    if (this.len === this.buf.length) {
      const bigger = new Uint16Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    if (c === LF) this.lastBreak = this.len;
    this.buf[this.len++] = c;
  }
}

function decode(buf: Uint16Array, from: number, to: number): string {
  const parts: string[] = [];
  // String.fromCharCode takes its codes as arguments: a few thousand at a time.
  for (let i = from; i < to; i += 8_192) parts.push(String.fromCharCode(...buf.subarray(i, Math.min(i + 8_192, to))));
  return parts.join('');
}
