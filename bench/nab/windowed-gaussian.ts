// NAB's "windowed Gaussian" reference detector, from its description: the mean and standard
// deviation of a window of past values (filled to `windowSize`, then slid forward `stepSize`
// values at a time), and the anomaly score of a value is one minus its two-sided Gaussian tail
// probability, folded so that values below the mean are as surprising as values above it.
// Used only by the bench, to score the reference detector with our scorer on every file.

export const windowedGaussianDefaults = {
  windowSize: 6400, // values
  stepSize: 100, // values
  minStd: 0.000001, // a constant window would otherwise divide by zero
};

/** erfc(x) for x ≥ 0, accurate to ~1e-15 relative: series for small x, continued fraction above. */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) {
    // erf by its Taylor series: sum (-1)^n x^(2n+1) / (n! (2n+1))
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (x > 27) return 0; // below the smallest double
  // Lentz's continued fraction: erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

export interface WindowedGaussianState {
  window: number[];
  stepBuffer: number[];
  mean: number;
  std: number;
}

export function windowedGaussianScores(values: ArrayLike<number>, opts = windowedGaussianDefaults): Float64Array {
  const out = new Float64Array(values.length);
  const s: WindowedGaussianState = { window: [], stepBuffer: [], mean: 0, std: opts.minStd };
  const refresh = () => {
    let sum = 0;
    for (const v of s.window) sum += v;
    s.mean = sum / s.window.length;
    let sq = 0;
    for (const v of s.window) sq += (v - s.mean) * (v - s.mean);
    s.std = Math.sqrt(sq / s.window.length) || opts.minStd;
  };
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (s.window.length > 0) {
      const folded = v < s.mean ? 2 * s.mean - v : v;
      const z = (folded - s.mean) / s.std;
      out[i] = 1 - 0.5 * erfc(z / Math.SQRT2);
    }
    if (s.window.length < opts.windowSize) {
      s.window.push(v);
      refresh();
    } else {
      s.stepBuffer.push(v);
      if (s.stepBuffer.length === opts.stepSize) {
        s.window = s.window.slice(opts.stepSize).concat(s.stepBuffer);
        s.stepBuffer = [];
        refresh();
      }
    }
  }
  return out;
}
