// Coalesces chart updates: any number of points marked between two animation frames become one
// flush (one uPlot setData) per chart in the next frame.

export interface Flushable {
  flush(nowMs: number): void;
}

export class FrameScheduler {
  private readonly dirty = new Set<Flushable>();
  private handle = 0;

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
    this.dirty.clear();
  }

  private readonly run = (): void => {
    this.handle = 0;
    const now = Date.now();
    const targets = [...this.dirty];
    this.dirty.clear();
    for (const t of targets) t.flush(now);
  };
}
