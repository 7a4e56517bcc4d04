// Coalesces chart updates: any number of points marked between two animation frames become one
// flush (one uPlot setData) per chart in a following frame. A frame spends at most `budgetMs` on
// flushes; charts left over keep their place in line for the next frame, so 48 charts that all
// tick on the same second are spread over a few frames instead of making one long one.
// Text labels (each chart's big value) are the opposite case: a DOM text change costs a style,
// layout and paint pass of the page whatever its size, so all pending labels are written
// together, at most once per `labelEveryMs`.

export interface Flushable {
  flush(nowMs: number): void;
}

export const FRAME_DEFAULTS = {
  budgetMs: 4, // of a 16.7 ms frame; the rest is for the browser's own layout, paint and input
  labelEveryMs: 1_000, // the values tick once a second: one DOM pass for all of them
} as const;

export class FrameScheduler {
  private readonly dirty = new Set<Flushable>();
  private readonly labels = new Map<HTMLElement, string>();
  private labelsWrittenAt = 0;
  private handle = 0;

  constructor(
    private readonly budgetMs: number = FRAME_DEFAULTS.budgetMs,
    private readonly labelEveryMs: number = FRAME_DEFAULTS.labelEveryMs,
  ) {}

  /** Sets an element's text with the next batch of labels. */
  setText(el: HTMLElement, text: string): void {
    this.labels.set(el, text);
    this.scheduleLabels();
  }

  // Labels not yet due wait on a timer, not on a frame loop that would spin until they are.
  private labelTimer: ReturnType<typeof setTimeout> | undefined;
  private scheduleLabels(): void {
    if (this.handle !== 0 || this.labelTimer !== undefined) return;
    const waitMs = this.labelsWrittenAt + this.labelEveryMs - Date.now();
    if (waitMs <= 0) this.handle = requestAnimationFrame(this.run);
    else
      this.labelTimer = setTimeout(() => {
        this.labelTimer = undefined;
        if (this.handle === 0) this.handle = requestAnimationFrame(this.run);
      }, waitMs);
  }

  mark(target: Flushable): void {
    this.dirty.add(target);
    if (this.handle === 0) this.handle = requestAnimationFrame(this.run);
  }

  cancel(target: Flushable): void {
    this.dirty.delete(target);
  }

  dispose(): void {
    if (this.handle !== 0) cancelAnimationFrame(this.handle);
    this.handle = 0;
    clearTimeout(this.labelTimer);
    this.labelTimer = undefined;
    this.dirty.clear();
    this.labels.clear();
  }

  private readonly run = (): void => {
    this.handle = 0;
    const started = performance.now();
    const now = Date.now();
    if (this.labels.size > 0 && now - this.labelsWrittenAt >= this.labelEveryMs) {
      for (const [el, text] of this.labels) el.textContent = text;
      this.labels.clear();
      this.labelsWrittenAt = now;
    }
    // A Set iterates in insertion order: the longest-waiting chart goes first.
    for (const target of this.dirty) {
      this.dirty.delete(target);
      target.flush(now);
      if (performance.now() - started >= this.budgetMs) break;
    }
    // A flush may already have asked for a frame (a label that was due).
    if (this.dirty.size > 0) {
      if (this.handle === 0) this.handle = requestAnimationFrame(this.run);
    } else if (this.labels.size > 0) this.scheduleLabels();
  };
}
