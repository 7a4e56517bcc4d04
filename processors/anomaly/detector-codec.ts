// Packed detector state: one series' DetectorState (processors/detect) as base64 of one Float64Array.
// Why not the plain object: the processor runtime structuredClones a device's state per record and
// JSON-encodes it per batch; a plain DetectorState (~760 numbers) costs ~140 µs to clone and
// ~160 µs to stringify, a packed string ~3 µs and ~16 µs. Unpacking gives Float64Array views in
// place of the number[] fields: the detector reads and writes them exactly as arrays (doubles stored
// bit for bit), so scores are identical to the unpacked detector's (packed.test.ts proves it), and
// since every sample goes through pack/unpack, a state restored from the changelog continues
// exactly as the one in memory would have.
import type { DetectorState } from '../detect/detect.js';
import { detectDefaults } from '../detect/settings.js';
import type { SeasonalProfile } from '../baseline/seasonal.js';
import { OpsError } from '../../common/errors.js';

const formatVersion = 1;
const headerSize = 5; // formatVersion, daily, weekly, dailyMax lengths, scalar count
// 19 since the detector learns its tail quantile (tailLog, the last scalar). A head of 18, written
// before, is still read: its state starts that estimate afresh (at tailInitial).
const scalarCount = 19;
const legacyScalarCount = 18;
const knownScalarCount = (n: number) => n === scalarCount || n === legacyScalarCount;

// Field counts of the shapes this codec knows: a detector state with a new field must not be
// silently truncated, so pack refuses it (the test suite round-trips a real state too).
const detectorKeys = 9;
const baselineKeys = 13;
const profileKeys = 4;

function shapeError(what: string): OpsError {
  return new OpsError('TRANSFORM_FAILED', `detector state codec: unexpected ${what}; update processors/anomaly/detector-codec.ts`);
}

export function packDetectorState(s: DetectorState): string {
  const f = packDetectorFloats(s);
  return Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('base64');
}

export function unpackDetectorState(text: string): DetectorState {
  const bytes = Buffer.from(text, 'base64');
  // Float64Array needs 8-byte alignment; a small Buffer may be a slice of Node's shared pool.
  const f = bytes.byteOffset % 8 === 0 ? new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8) : new Float64Array(Uint8Array.from(bytes).buffer);
  return unpackDetectorFloats(f);
}

/** Where each part lives in the packed floats (lengths from the header). */
export interface PackedLayout {
  /** Header and scalars: everything but the per-bucket arrays. */
  head: number;
  daily: number;
  weekly: number;
  dailyMax: number;
  /** Starts of daily.offset/meanSquare/weight, weekly.offset/meanSquare/weight, dailyMax, dailyMaxTs. */
  dailyAt: [number, number, number];
  weeklyAt: [number, number, number];
  dailyMaxAt: [number, number];
  total: number;
}

/** The layout of a packed state from its header (the first `packedHeadSize` floats). */
export function packedLayout(head: ArrayLike<number>): PackedLayout {
  if (head[0] !== formatVersion || !knownScalarCount(head[4])) throw shapeError(`packed format ${head[0]} with ${head[4]} scalars`);
  const [nd, nw, nm] = [head[1], head[2], head[3]];
  const h = headerSize + head[4];
  const d = [h, h + nd, h + 2 * nd] as [number, number, number];
  const w0 = h + 3 * nd;
  const w = [w0, w0 + nw, w0 + 2 * nw] as [number, number, number];
  const m0 = w0 + 3 * nw;
  return { head: h, daily: nd, weekly: nw, dailyMax: nm, dailyAt: d, weeklyAt: w, dailyMaxAt: [m0, m0 + nm], total: m0 + 2 * nm };
}

/** Floats of the header and scalars this codec writes. */
export const packedHeadSize = headerSize + scalarCount;

/** Floats of the header and scalars of a packed head (a legacy one is shorter). */
export const packedHeadSizeOf = (head: ArrayLike<number>): number => headerSize + head[4];

// The last two scalars are not part of a detector's state (packDetectorFloats writes 0 there). The
// block changelog (chain-codec.ts) keeps in them the band of the series' last Baseline record
// (baseline-emission.ts): as three JSON fields per series, it would grow the head that changelog
// writes per device per transaction by ~15 %. The sign of the spread (never negative) carries the
// model; a spread of 0 reads as "none recorded", as in a head written before they were kept.
const emittedBandAt = headerSize + 16;

export function setPackedEmittedBand(f: Float64Array, expected: number, spread: number, seasonal: boolean): void {
  f[emittedBandAt] = expected;
  f[emittedBandAt + 1] = seasonal ? -spread : spread;
}

export function packedEmittedBand(f: ArrayLike<number>): { expected: number; spread: number; seasonal: boolean } | null {
  const signed = f[emittedBandAt + 1];
  if (signed === 0 || !Number.isFinite(signed) || !Number.isFinite(f[emittedBandAt])) return null;
  return { expected: f[emittedBandAt], spread: Math.abs(signed), seasonal: signed < 0 };
}

/** The baseline's first event time in packed floats: it never changes over a state's life. */
export const packedFirstTs = (f: ArrayLike<number>): number => f[headerSize + 4];

/** The arrays of a state in packed order: daily offset/meanSquare/weight, weekly the same, daily maxima and their times. */
export function detectorArrays(s: DetectorState): number[][] {
  const b = s.baseline;
  return [b.daily.offset, b.daily.meanSquare, b.daily.weight, b.weekly.offset, b.weekly.meanSquare, b.weekly.weight, s.dailyMax, s.dailyMaxTs];
}

/** Writes a state's header and scalars (`packedHeadSize` floats) into `out` at `at`. */
export function writeDetectorHead(s: DetectorState, out: Float64Array, at: number): void {
  const b = s.baseline;
  if (Object.keys(s).length !== detectorKeys || Object.keys(b).length !== baselineKeys) throw shapeError('detector state fields');
  if (Object.keys(b.daily).length !== profileKeys || Object.keys(b.weekly).length !== profileKeys) throw shapeError('seasonal profile fields');
  if (s.version !== 1 || b.version !== 1) throw shapeError(`version ${s.version}/${b.version}`);
  out[at] = formatVersion;
  out[at + 1] = b.daily.offset.length;
  out[at + 2] = b.weekly.offset.length;
  out[at + 3] = s.dailyMax.length;
  out[at + 4] = scalarCount;
  let i = at + headerSize;
  out[i++] = s.shortResidual; out[i++] = s.recentMax; out[i++] = s.lastAlarmTs; out[i++] = s.lastAlarmSurprise;
  out[i++] = b.firstTs; out[i++] = b.lastTs; out[i++] = b.sampleCount; out[i++] = b.intervalMs; out[i++] = b.mean;
  out[i++] = b.variance; out[i++] = b.level; out[i++] = b.errRolling; out[i++] = b.errDaily; out[i++] = b.errWeekly;
  out[i++] = b.daily.periodMs; out[i++] = b.weekly.periodMs; out[i++] = 0; out[i++] = 0;
  out[i++] = s.tailLog;
}

/** A state as one Float64Array (header, scalars, then the arrays): the unit changelog formats 1 and 2 store. */
export function packDetectorFloats(s: DetectorState): Float64Array {
  const arrays = detectorArrays(s);
  const f = new Float64Array(headerSize + scalarCount + arrays.reduce((n, a) => n + a.length, 0));
  writeDetectorHead(s, f, 0);
  let i = headerSize + scalarCount;
  for (const a of arrays) {
    f.set(a, i);
    i += a.length;
  }
  return f;
}

/** The state whose arrays are views into `f` (which it then owns). */
export function unpackDetectorFloats(f: Float64Array): DetectorState {
  if (f[0] !== formatVersion || !knownScalarCount(f[4])) throw shapeError(`packed format ${f[0]} with ${f[4]} scalars`);
  const [nd, nw, nm] = [f[1], f[2], f[3]];
  let i = headerSize + f[4];
  const take = (n: number) => {
    const v = f.subarray(i, i + n);
    i += n;
    return v as unknown as number[];
  };
  const profile = (periodMs: number, n: number): SeasonalProfile => ({ periodMs, offset: take(n), meanSquare: take(n), weight: take(n) });
  const h = headerSize;
  const daily = profile(f[h + 14], nd);
  const weekly = profile(f[h + 15], nw);
  const dailyMax = take(nm);
  const dailyMaxTs = take(nm);
  if (i !== f.length) throw shapeError('packed length');
  return {
    version: 1,
    baseline: {
      version: 1,
      firstTs: f[h + 4], lastTs: f[h + 5], sampleCount: f[h + 6], intervalMs: f[h + 7],
      mean: f[h + 8], variance: f[h + 9], level: f[h + 10], daily, weekly,
      errRolling: f[h + 11], errDaily: f[h + 12], errWeekly: f[h + 13],
    },
    shortResidual: f[h], recentMax: f[h + 1], lastAlarmTs: f[h + 2], lastAlarmSurprise: f[h + 3],
    dailyMax, dailyMaxTs,
    tailLog: f[4] === scalarCount ? f[h + 18] : Math.log(detectDefaults.tailInitial),
  };
}
