// What the changelog formats 2 and 3 (chain-codec-v2.ts, chain-codec.ts) share: how a detector's
// seasonal arrays are cut into blocks of buckets, and which blocks a checkpoint must write.
import { positionInto, type Position } from './baseline/seasonal.js';
import { dailyMaxBucket } from './detect/detect.js';
import type { PackedLayout } from './anomaly/detector-codec.js';
import type { LiveDetector } from './anomaly/score-series.js';
import type { DetectorState } from './detect/detect.js';
import { OpsError } from '../common/errors.js';
import { DAY_MS } from '../common/time-units.js';

export const blockBuckets = 4;
/** Separates a device's id from the rest of a record key (ids never hold it). */
export const SEP = '\u0000';

/** d: daily profile (offset, meanSquare, weight); w: weekly (same); m: daily maxima (value, time). */
export type Group = 'd' | 'w' | 'm';
export const groups: readonly Group[] = ['d', 'w', 'm'];

/** Float ranges [start of each array] and bucket count of a block group in the packed layout. */
export function groupOf(g: Group, l: PackedLayout): { starts: number[]; n: number } {
  return g === 'd' ? { starts: l.dailyAt, n: l.daily } : g === 'w' ? { starts: l.weeklyAt, n: l.weekly } : { starts: l.dailyMaxAt, n: l.dailyMax };
}

/** The arrays of a group in a live state, in the order of `groupOf`'s starts. */
export function groupArrays(g: Group, s: DetectorState): number[][] {
  const b = s.baseline;
  return g === 'd' ? [b.daily.offset, b.daily.meanSquare, b.daily.weight] : g === 'w' ? [b.weekly.offset, b.weekly.meanSquare, b.weekly.weight] : [s.dailyMax, s.dailyMaxTs];
}

const scratchPos: Position = { lo: 0, hi: 0, frac: 0.5 };

/**
 * The buckets a series' samples from `from` to `to` may have changed: [first, count] walking
 * forward (cyclically), or null for all of them. Each sample's time moves forward (analyse skips
 * samples not newer than the last), so the span covers every bucket written in between.
 */
function touchedBuckets(g: Group, st: DetectorState, n: number, from: number, to: number): [number, number] | null {
  const periodMs = g === 'd' ? st.baseline.daily.periodMs : g === 'w' ? st.baseline.weekly.periodMs : DAY_MS;
  // Near a whole period the walk could wrap onto itself: write everything instead.
  if (to - from >= periodMs - (2 * periodMs) / n) return null;
  let first: number;
  let last: number;
  if (g === 'm') {
    first = dailyMaxBucket(from, n);
    last = dailyMaxBucket(to, n);
  } else {
    const profile = g === 'd' ? st.baseline.daily : st.baseline.weekly;
    first = positionInto(profile, from, scratchPos).lo;
    last = positionInto(profile, to, scratchPos).hi;
  }
  return [first, (((last - first) % n) + n) % n + 1];
}

/** Calls `visit` once per block of group `g` (n buckets) that the checkpoint must write. */
export function forTouchedBlocks(g: Group, live: LiveDetector, n: number, all: boolean, visit: (block: number) => void): void {
  if (!all && !live.wholeDirty && live.touchedFrom === null) return;
  const span = all || live.wholeDirty ? null : touchedBuckets(g, live.state, n, live.touchedFrom!, live.touchedTo);
  if (span === null) {
    for (let b = 0; b * blockBuckets < n; b++) visit(b);
    return;
  }
  // The walk is cyclic and contiguous: blocks come in order, and only a walk that wraps could
  // come back to its first block.
  const firstBlock = Math.floor(span[0] / blockBuckets);
  let previous = -1;
  for (let k = 0; k < span[1]; k++) {
    const b = Math.floor(((span[0] + k) % n) / blockBuckets);
    if (b === previous || (k > 0 && b === firstBlock)) continue;
    visit(b);
    previous = b;
  }
}

/** The float64s of a record value (copied: a Buffer may start anywhere in its pool, unaligned). */
export function floatsOf(value: Buffer): Float64Array {
  const copy = new Uint8Array(value.length);
  copy.set(value);
  return new Float64Array(copy.buffer, 0, value.length >> 3);
}

export function restoreError(key: string, what: string): OpsError {
  return new OpsError('STATE_RESTORE_FAILED', `changelog record ${JSON.stringify(key)}: ${what}`);
}
