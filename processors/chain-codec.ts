// Changelog format 3 of a device's chain state: a few records per checkpoint, numbers in binary.
//
// Why: format 2 (chain-codec-v2.ts) wrote, per checkpoint of an SNMP poll of 8 interfaces, a
// ~15 KB JSON head and a ~100-byte record per touched block per scored series: ~85 records and
// ~24 KB, ~330 µs of encoding, several times the analysis itself. The changelog was the
// processor's bottleneck. All series of a device are sampled by the same polls and so touch the
// same buckets at the same time: format 3 puts one block of every series into one record, keeps
// what never changes (series keys, labels, units) out of the per-checkpoint head, and writes the
// numbers as float64 rather than JSON.
//
// Records (all in the input's partition):
// - `<deviceId>` (head): byte 0 is the format (3; 2 and 1 are still read), bytes 1-4 the length
//   of a JSON part (u32 LE) {e: epoch, n: normalize state, v: analysis version, h: health memory, t: recent notifications,
//   x: [[slot, episode]…], r: file rules' violation start times, i: ifIndex → name, w: since when numbered ports wait for names} (Maps and bigints tagged as in streams/state-codec.ts), zeros to a
//   multiple of 8, then float64s per slot of the catalogue: SLOT_FLOATS fields (flags below, the
//   live throttle's last time, the series' scalars) and, for a scored series, its detector's
//   header and scalars (detector-codec.ts).
// - `<deviceId>\0c` (catalogue): JSON {e, s: [[seriesKey, metric, labels, unit] | [seriesKey]]},
//   the slots: the analysis' series in their map order, then keys only the live throttle knows.
//   Rewritten, with a new epoch, when the set of series changes.
// - `<deviceId>\0b<d|w|m><block>`: float64 [3, epoch, then per scored series that has the block:
//   slot, its baseline's firstTs, width, its values there]: blockBuckets buckets of the daily
//   (offset, meanSquare, weight), weekly (same) or daily-maximum (value, time) arrays. Written for
//   every block a series touched since the last checkpoint, with every scored series' values of
//   that block: the record replaces the previous one of its key. A series without an entry in the
//   latest record of a block (scored after it was written, or re-created with another firstTs)
//   reads zeros there, as a new detector's arrays are; so does a record of another epoch.
// A new epoch (the catalogue changed, or a state this codec has not written: new, restored from an
// older format, a structured clone) rewrites every block, so no record of an older epoch is needed.
// Epochs are max(previous + 1, Date.now()): a device deleted and re-created later never reads what
// its earlier life left behind. The numbers are stored bit for bit (float64 in the platform's byte
// order, little-endian wherever Node runs here), so a restored state scores exactly as the one in
// memory would have.
import { stateReplacer, stateReviver, type ChangelogCodec, type ChangelogRecord } from '../streams/state-codec.js';
import { packedFirstTs, packedHeadSize, packedHeadSizeOf, packedLayout, unpackDetectorFloats, writeDetectorHead } from './anomaly/detector-codec.js';
import { LiveDetector, liveDetector } from './anomaly/score-series.js';
import type { SeriesAnalysisState } from './anomaly/analyse.js';
import type { Episode } from './anomaly/lifecycle.js';
import type { DeviceChainState } from './chain.js';
import { SEP, blockBuckets, floatsOf, forTouchedBlocks, groupArrays, groupOf, groups, restoreError, type Group } from './chain-codec-blocks.js';
import { decodeLegacyHead } from './chain-codec-v2.js';

export const chainStateFormat = 3;

/** The fields of a SeriesAnalysisState this codec writes; a test fails when the state gains one. */
export const seriesFields = ['det', 'baselineAt', 'baselineExpected', 'baselineSpread', 'baselineSeasonal', 'metric', 'labels', 'unit', 'ts', 'value', 'expected', 'upper', 'seenUp', 'ruleStreak', 'episode'] as const;

// Flags of a slot (float 0).
const IN_ANALYSIS = 1;
const LIVE = 2;
const SCORED = 4;
const HAS_EXPECTED = 8;
const HAS_UPPER = 16;
const SEEN_UP = 32;
const HAS_BAND_EXPECTED = 64;
const HAS_BAND_SPREAD = 128;
const HAS_BAND_SEASONAL = 256;
const BAND_SEASONAL = 512;
// flags, liveEmitted, baselineAt, baselineExpected, baselineSpread, ts, value, expected, upper, ruleStreak
const SLOT_FLOATS = 10;

interface Written {
  epoch: number;
  keys: string[];
}
/** The epoch and slots each state was last written or read with (gone with the state). */
const written = new WeakMap<DeviceChainState, Written>();

type CatalogueEntry = [string, string, Record<string, string>, string] | [string];

interface HeadJson {
  e: number;
  n: DeviceChainState['normalize'];
  v: 1 | null;
  h: NonNullable<DeviceChainState['analysis']>['health'] | null;
  x: [number, Episode][];
  /** Notifications within the de-duplication window (absent when none). */
  t?: DeviceChainState['traps'];
  /** When each (series, file rule) started violating (absent when none does). */
  r?: Map<string, number>;
  /** ifIndex → interface name learnt from polls (absent until a poll showed names). */
  i?: DeviceChainState['ifNames'];
  /** Since when the device's numbered ports wait for names (absent once names are known or never waited). */
  w?: number;
}

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const align8 = (n: number) => (n + 7) & ~7;

/** The block records of a checkpoint: each touched (group, block) with every scored slot's values there. */
function writeBlocks(records: ChangelogRecord[], key: string, epoch: number, scored: [number, LiveDetector][], all: boolean): void {
  for (const g of groups) {
    const touched = new Set<number>();
    for (const [, live] of scored) forTouchedBlocks(g, live, groupArrays(g, live.state)[0].length, all, (b) => touched.add(b));
    for (const b of [...touched].sort((x, y) => x - y)) records.push({ key: `${key}${SEP}b${g}${b}`, value: blockValue(g, b, epoch, scored) });
  }
}

function blockValue(g: Group, b: number, epoch: number, scored: [number, LiveDetector][]): Buffer {
  const i0 = b * blockBuckets;
  let size = 2;
  for (const [, live] of scored) {
    const arrays = groupArrays(g, live.state);
    if (arrays[0].length > i0) size += 3 + arrays.length * (Math.min(i0 + blockBuckets, arrays[0].length) - i0);
  }
  const f = new Float64Array(size);
  f[0] = chainStateFormat;
  f[1] = epoch;
  let at = 2;
  for (const [slot, live] of scored) {
    const arrays = groupArrays(g, live.state);
    const n = arrays[0].length;
    if (n <= i0) continue;
    const width = Math.min(i0 + blockBuckets, n) - i0;
    f[at++] = slot;
    f[at++] = live.state.baseline.firstTs;
    f[at++] = width;
    for (const a of arrays) for (let i = i0; i < i0 + width; i++) f[at++] = a[i];
  }
  return Buffer.from(f.buffer);
}

function encode(key: string, state: DeviceChainState): ChangelogRecord[] {
  const series = state.analysis?.series ?? new Map<string, SeriesAnalysisState>();
  const keys = [...series.keys()];
  for (const k of state.liveEmitted.keys()) if (!series.has(k)) keys.push(k);
  const before = written.get(state);
  const newEpoch = before === undefined || !sameKeys(before.keys, keys);
  const epoch = newEpoch ? Math.max((before?.epoch ?? 0) + 1, Date.now()) : before.epoch;

  const scored: [number, LiveDetector][] = [];
  const episodes: [number, Episode][] = [];
  keys.forEach((k, slot) => {
    const s = series.get(k);
    if (s?.det) scored.push([slot, (s.det = liveDetector(s.det))]);
    if (s?.episode) episodes.push([slot, s.episode]);
  });
  const a = state.analysis;
  const head: HeadJson = { e: epoch, n: state.normalize, v: a ? a.version : null, h: a ? a.health : null, x: episodes, ...(state.traps?.size ? { t: state.traps } : {}), ...(a?.ruleSince?.size ? { r: a.ruleSince } : {}), ...(state.ifNames?.size ? { i: state.ifNames } : {}), ...(state.portNamesWaitSince !== undefined && !state.ifNames?.size ? { w: state.portNamesWaitSince } : {}) };
  const json = Buffer.from(JSON.stringify(head, stateReplacer));
  const floatsAt = align8(5 + json.length);
  const bytes = new ArrayBuffer(floatsAt + 8 * (keys.length * SLOT_FLOATS + scored.length * packedHeadSize));
  const value = Buffer.from(bytes);
  value[0] = chainStateFormat;
  value.writeUInt32LE(json.length, 1);
  json.copy(value, 5);
  const f = new Float64Array(bytes, floatsAt);
  let at = 0;
  for (const k of keys) {
    const s = series.get(k);
    const liveAt = state.liveEmitted.get(k);
    let flags = liveAt === undefined ? 0 : LIVE;
    f[at + 1] = liveAt ?? 0;
    if (s) {
      flags |= IN_ANALYSIS | (s.det ? SCORED : 0) | (s.seenUp ? SEEN_UP : 0);
      f[at + 2] = s.baselineAt;
      if (s.baselineExpected !== undefined) {
      flags |= HAS_BAND_EXPECTED;
      f[at + 3] = s.baselineExpected;
    }
      if (s.baselineSpread !== undefined) {
      flags |= HAS_BAND_SPREAD;
      f[at + 4] = s.baselineSpread;
    }
      if (s.baselineSeasonal !== undefined) flags |= HAS_BAND_SEASONAL | (s.baselineSeasonal ? BAND_SEASONAL : 0);
      f[at + 5] = s.ts;
      f[at + 6] = s.value;
      if (s.expected !== null) {
      flags |= HAS_EXPECTED;
      f[at + 7] = s.expected;
    }
      if (s.upper !== null) {
      flags |= HAS_UPPER;
      f[at + 8] = s.upper;
    }
      f[at + 9] = s.ruleStreak;
    }
    f[at] = flags;
    at += SLOT_FLOATS;
    if (s?.det) {
      writeDetectorHead((s.det as LiveDetector).state, f, at);
      at += packedHeadSize;
    }
  }

  const records: ChangelogRecord[] = [];
  writeBlocks(records, key, epoch, scored, newEpoch);
  for (const [, live] of scored) live.clean();
  if (newEpoch) {
    const entries: CatalogueEntry[] = keys.map((k) => {
      const s = series.get(k);
      return s ? [k, s.metric, s.labels, s.unit] : [k];
    });
    records.push({ key: `${key}${SEP}c`, value: Buffer.from(JSON.stringify({ e: epoch, s: entries })) });
  }
  records.push({ key, value });
  written.set(state, { epoch, keys });
  return records;
}

/** The entries of one block record of the head's epoch, by slot (none: an older epoch's, or never written). */
function blockEntries(records: Map<string, Buffer>, recordKey: string, g: Group, epoch: number): Map<number, { firstTs: number; width: number; at: number; f: Float64Array }> {
  const out = new Map<number, { firstTs: number; width: number; at: number; f: Float64Array }>();
  const value = records.get(recordKey);
  if (!value) return out;
  const f = floatsOf(value);
  if (f[0] !== chainStateFormat) throw restoreError(recordKey, `block of format ${f[0]}`);
  if (f[1] !== epoch) return out;
  const arrays = g === 'm' ? 2 : 3;
  for (let at = 2; at < f.length; ) {
    const width = f[at + 2];
    if (!(width >= 1 && width <= blockBuckets) || at + 3 + arrays * width > f.length) throw restoreError(recordKey, `entry at float ${at} of width ${width}`);
    out.set(f[at], { firstTs: f[at + 1], width, at: at + 3, f });
    at += 3 + arrays * width;
  }
  return out;
}

function decodeHead(key: string, value: Buffer, records: Map<string, Buffer>): DeviceChainState {
  const jsonLength = value.readUInt32LE(1);
  const head = JSON.parse(value.toString('utf8', 5, 5 + jsonLength), stateReviver) as HeadJson;
  const catalogueValue = records.get(`${key}${SEP}c`);
  if (!catalogueValue) throw restoreError(key, 'no catalogue record');
  const catalogue = JSON.parse(catalogueValue.toString('utf8')) as { e: number; s: CatalogueEntry[] };
  if (catalogue.e !== head.e) throw restoreError(key, `catalogue of epoch ${catalogue.e}, head of ${head.e}`);
  const f = floatsOf(value.subarray(align8(5 + jsonLength)));
  const episodes = new Map(head.x);
  const series = new Map<string, SeriesAnalysisState>();
  const liveEmitted = new Map<string, number>();
  const detectorHeads: [SeriesAnalysisState, number, Float64Array][] = [];
  let at = 0;
  catalogue.s.forEach((entry, slot) => {
    if (at + SLOT_FLOATS > f.length) throw restoreError(key, `${catalogue.s.length} slots in the catalogue, fewer in the head`);
    const flags = f[at];
    if (flags & LIVE) liveEmitted.set(entry[0], f[at + 1]);
    if (flags & IN_ANALYSIS) {
      if (entry.length !== 4) throw restoreError(key, `slot ${slot} (${entry[0]}) has no metric in the catalogue`);
      const s: SeriesAnalysisState = {
        det: null,
        baselineAt: f[at + 2],
        baselineExpected: flags & HAS_BAND_EXPECTED ? f[at + 3] : undefined,
        baselineSpread: flags & HAS_BAND_SPREAD ? f[at + 4] : undefined,
        baselineSeasonal: flags & HAS_BAND_SEASONAL ? (flags & BAND_SEASONAL) !== 0 : undefined,
        metric: entry[1],
        labels: entry[2],
        unit: entry[3],
        ts: f[at + 5],
        value: f[at + 6],
        expected: flags & HAS_EXPECTED ? f[at + 7] : null,
        upper: flags & HAS_UPPER ? f[at + 8] : null,
        seenUp: (flags & SEEN_UP) !== 0,
        ruleStreak: f[at + 9],
        episode: episodes.get(slot) ?? null,
      };
      series.set(entry[0], s);
      if (flags & SCORED) {
        // Its own size: a head written before the detector's last scalar was added is shorter.
        const size = packedHeadSizeOf(f.subarray(at + SLOT_FLOATS, at + SLOT_FLOATS + 5));
        detectorHeads.push([s, slot, f.subarray(at + SLOT_FLOATS, at + SLOT_FLOATS + size)]);
        at += size;
      }
    }
    at += SLOT_FLOATS;
  });
  if (at !== f.length) throw restoreError(key, `head of ${f.length} floats, ${at} expected from the catalogue`);

  // Each scored series' packed state: its head, then its values from the blocks.
  const packed = detectorHeads.map(([s, slot, h]) => {
    const l = packedLayout(h);
    const p = new Float64Array(l.total);
    p.set(h);
    return { s, slot, l, p };
  });
  for (const g of groups) {
    const blocks = Math.max(0, ...packed.map(({ l }) => Math.ceil(groupOf(g, l).n / blockBuckets)));
    for (let b = 0; b < blocks; b++) {
      const entries = blockEntries(records, `${key}${SEP}b${g}${b}`, g, head.e);
      for (const { slot, l, p } of packed) {
        const e = entries.get(slot);
        if (!e || e.firstTs !== packedFirstTs(p)) continue; // zeros
        const { starts, n } = groupOf(g, l);
        const i0 = b * blockBuckets;
        if (e.width !== Math.min(i0 + blockBuckets, n) - i0) throw restoreError(`${key}${SEP}b${g}${b}`, `slot ${slot} of width ${e.width}, its layout has ${n} buckets`);
        starts.forEach((start, k) => p.set(e.f.subarray(e.at + k * e.width, e.at + (k + 1) * e.width), start + i0));
      }
    }
  }
  for (const { s, p } of packed) s.det = new LiveDetector(unpackDetectorFloats(p));

  const state: DeviceChainState = { normalize: head.n, liveEmitted };
  if (head.v !== null) state.analysis = { version: head.v, series, health: head.h!, ...(head.r ? { ruleSince: head.r } : {}) };
  if (head.t) state.traps = head.t;
  if (head.i) state.ifNames = head.i;
  if (head.w !== undefined) state.portNamesWaitSince = head.w;
  written.set(state, { epoch: head.e, keys: catalogue.s.map((entry) => entry[0]) });
  return state;
}

export const chainStateCodec: ChangelogCodec<DeviceChainState> = {
  encode: (key, state) => (state === undefined ? [{ key, value: null }] : encode(key, state)),
  decode(records) {
    const out = new Map<string, DeviceChainState>();
    for (const [key, value] of records) {
      if (key.includes(SEP)) continue; // catalogue and blocks: read through their device's head
      out.set(key, value[0] === chainStateFormat ? decodeHead(key, value, records) : decodeLegacyHead(key, value, records));
    }
    return out;
  },
};
