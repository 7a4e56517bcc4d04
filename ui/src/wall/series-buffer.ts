// A sliding window of one series' points as two Float64Arrays (x in seconds, as uPlot wants,
// and y), handed to uPlot as subarray views: no copying and no per-point allocation. Points
// older than the window are dropped as new ones arrive, so memory stays bounded even when no
// frame is drawn (a hidden tab gets no animation frames).

/** A stretch without points longer than this many usual steps is an outage (as in the explorer). */
export const GAP_STEPS = 3;
const GAP_SAMPLE = 33; // steps looked at for the usual one: recent, and cheap at every redraw

export class SeriesBuffer {
  private xs: Float64Array;
  private ys: Float64Array;
  private start = 0;
  private end = 0;

  constructor(private readonly windowS: number, initialCapacity = 2_048) {
    this.xs = new Float64Array(initialCapacity);
    this.ys = new Float64Array(initialCapacity);
  }

  get length(): number {
    return this.end - this.start;
  }

  get lastX(): number | undefined {
    return this.length > 0 ? this.xs[this.end - 1] : undefined;
  }

  get lastY(): number | undefined {
    return this.length > 0 ? this.ys[this.end - 1] : undefined;
  }

  /** Appends a point; an equal x replaces the last value, an older x is merged in order. */
  append(x: number, y: number): void {
    const last = this.lastX;
    if (last !== undefined && x < last) {
      this.merge([x], [y]);
      return;
    }
    if (last !== undefined && x === last) {
      this.ys[this.end - 1] = y;
      return;
    }
    if (this.end === this.xs.length) this.makeRoom(1);
    this.xs[this.end] = x;
    this.ys[this.end] = y;
    this.end++;
    this.trimBefore(x - this.windowS);
  }

  /** Merges sorted points (history, a backfill after a reconnect); existing points win ties. */
  merge(xsIn: ArrayLike<number>, ysIn: ArrayLike<number>): void {
    const n = this.length;
    const m = xsIn.length;
    const xs = new Float64Array(Math.max(this.xs.length, (n + m) * 2));
    const ys = new Float64Array(xs.length);
    let i = this.start;
    let j = 0;
    let k = 0;
    while (i < this.end || j < m) {
      const takeOld = j >= m || (i < this.end && this.xs[i] <= xsIn[j]);
      if (takeOld) {
        if (j < m && xsIn[j] === this.xs[i]) j++; // same timestamp: keep what we had
        xs[k] = this.xs[i]!;
        ys[k++] = this.ys[i++]!;
      } else {
        xs[k] = xsIn[j]!;
        ys[k++] = ysIn[j++]!;
      }
    }
    this.xs = xs;
    this.ys = ys;
    this.start = 0;
    this.end = k;
    if (k > 0) this.trimBefore(xs[k - 1] - this.windowS);
  }

  /** Drops points before minX, keeping the last one before it so the line enters at the edge. */
  trimBefore(minX: number): void {
    while (this.end - this.start > 1 && this.xs[this.start + 1] < minX) this.start++;
  }

  view(): [Float64Array, Float64Array] {
    return [this.xs.subarray(this.start, this.end), this.ys.subarray(this.start, this.end)];
  }

  /**
   * Where the series stopped for longer than GAP_STEPS of its usual step (the median of its last
   * GAP_SAMPLE steps): pairs of x [before, after] between which the chart draws no line.
   */
  outages(): Array<[number, number]> {
    const n = this.length;
    if (n < 3) return [];
    const from = Math.max(this.start + 1, this.end - GAP_SAMPLE);
    const steps: number[] = [];
    for (let i = from; i < this.end; i++) steps.push(this.xs[i] - this.xs[i - 1]);
    steps.sort((a, b) => a - b);
    const limit = GAP_STEPS * steps[Math.floor(steps.length / 2)];
    const out: Array<[number, number]> = [];
    for (let i = this.start + 1; i < this.end; i++) if (this.xs[i] - this.xs[i - 1] > limit) out.push([this.xs[i - 1], this.xs[i]]);
    return out;
  }

  private makeRoom(extra: number): void {
    const n = this.length;
    if (this.start > 0 && n + extra <= this.xs.length / 2) {
      this.xs.copyWithin(0, this.start, this.end);
      this.ys.copyWithin(0, this.start, this.end);
    } else {
      const xs = new Float64Array(Math.max(this.xs.length * 2, n + extra));
      const ys = new Float64Array(xs.length);
      xs.set(this.xs.subarray(this.start, this.end));
      ys.set(this.ys.subarray(this.start, this.end));
      this.xs = xs;
      this.ys = ys;
    }
    this.start = 0;
    this.end = n;
  }
}
