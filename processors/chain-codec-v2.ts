// Changelog format 2 of a device's chain state, superseded by format 3 (chain-codec.ts): kept to
// read changelogs written before it (and format 1's, one JSON state per device), and as the writer
// of those in the upgrade tests.
//
// Why: a scored series carries its detector's seasonal profiles (~770 doubles: 48 half hours, 168
// hours, 48 daily maxima), ~147 KB a device of 17 scored series, and format 1 wrote all of it as
// JSON in every transaction that touched the device. A sample only moves the profile buckets
// around its own time, so a batch changes a few buckets per series.
//
// Records (all in the input's partition, as before):
// - `<deviceId>`: the head. Byte 0 is the format (2; a format 1 record is JSON and starts with
//   '{', and is still read), then the state as JSON (Maps and bigints tagged as in
//   streams/state-codec.ts) where each detector is only its packed header and scalars
//   (`{"$det": base64}`, detector-codec.ts), whose spare scalars also carry the band of the
//   series' last Baseline record (kept out of the JSON: see setPackedEmittedBand).
// - `<deviceId>\0<seriesKey>\0<firstTs>\0<d|w|m><block>`: one block of blockBuckets buckets of the
//   daily (offset, meanSquare, weight), weekly (same) or daily-maximum (value, time) arrays, as
//   float64 [2, ...values]. A block never written is all zeros, as a new detector's arrays are.
//   The baseline's first event time in the key keeps a re-created series (forgotten when idle,
//   seen again later) from reading an earlier one's blocks, which stay behind unread.
// Each LiveDetector knows the event-time span of its samples since the last checkpoint; the
// buckets in that span are the ones written. The numbers are stored bit for bit, so a restored
// state scores exactly as the one in memory would have.
import { stateReplacer, stateReviver, decodeState, type ChangelogCodec, type ChangelogRecord } from '../streams/state-codec.js';
import { packDetectorFloats, packedEmittedBand, packedFirstTs, packedLayout, setPackedEmittedBand, unpackDetectorFloats, type PackedLayout } from './anomaly/detector-codec.js';
import { LiveDetector, liveDetector } from './anomaly/score-series.js';
import type { DeviceChainState } from './chain.js';
import { SEP, blockBuckets, floatsOf, forTouchedBlocks, groupOf, groups, restoreError } from './chain-codec-blocks.js';

export const chainStateFormat = 2;

// Values are written with writeDoubleLE into pooled Buffers: a Float64Array (and a view per array
// range) per block cost more than the numbers it carries.
function blockValue(f: Float64Array, starts: number[], i0: number, i1: number): Buffer {
  const width = i1 - i0;
  const out = Buffer.allocUnsafe(8 * (1 + starts.length * width));
  out.writeDoubleLE(chainStateFormat, 0);
  let at = 8;
  for (const s of starts) for (let i = s + i0; i < s + i1; i++, at += 8) out.writeDoubleLE(f[i], at);
  return out;
}

function writeBlocks(records: ChangelogRecord[], prefix: string, live: LiveDetector, f: Float64Array, l: PackedLayout): void {
  for (const g of groups) {
    const { starts, n } = groupOf(g, l);
    forTouchedBlocks(g, live, n, false, (b) => {
      const i0 = b * blockBuckets;
      records.push({ key: `${prefix}${g}${b}`, value: blockValue(f, starts, i0, Math.min(i0 + blockBuckets, n)) });
    });
  }
}

const base64 = (f: Float64Array) => Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('base64');

/** The head's detector (header and scalars) and its blocks back into one packed state. */
function restoreDetector(deviceKey: string, seriesKey: string, head: Float64Array, records: Map<string, Buffer>): LiveDetector {
  const l = packedLayout(head);
  const f = new Float64Array(l.total);
  f.set(head);
  const prefix = `${deviceKey}${SEP}${seriesKey}${SEP}${packedFirstTs(head)}${SEP}`;
  for (const g of groups) {
    const { starts, n } = groupOf(g, l);
    for (let b = 0; b * blockBuckets < n; b++) {
      const key = `${prefix}${g}${b}`;
      const value = records.get(key);
      if (!value) continue; // never written: zeros
      const block = floatsOf(value);
      const i0 = b * blockBuckets;
      const width = Math.min(i0 + blockBuckets, n) - i0;
      if (block[0] !== chainStateFormat || block.length !== 1 + starts.length * width) throw restoreError(key, `block of format ${block[0]} and ${block.length} floats, expected ${1 + starts.length * width}`);
      starts.forEach((s, k) => f.set(block.subarray(1 + k * width, 1 + (k + 1) * width), s + i0));
    }
  }
  return new LiveDetector(unpackDetectorFloats(f));
}

export const chainStateCodecV2: ChangelogCodec<DeviceChainState> = {
  encode(key, state) {
    if (state === undefined) return [{ key, value: null }];
    const records: ChangelogRecord[] = [];
    const a = state.analysis;
    let analysis: unknown = a;
    if (a) {
      const series = new Map<string, unknown>();
      for (const [seriesKey, s] of a.series) {
        if (s.det === null) {
          series.set(seriesKey, s);
          continue;
        }
        // A detector still packed as restored from format 1 has no blocks yet: all of it is written.
        const live = (s.det = liveDetector(s.det));
        const f = packDetectorFloats(live.state);
        const l = packedLayout(f);
        writeBlocks(records, `${key}${SEP}${seriesKey}${SEP}${packedFirstTs(f)}${SEP}`, live, f, l);
        live.clean();
        if (s.baselineExpected !== undefined && s.baselineSpread !== undefined) setPackedEmittedBand(f, s.baselineExpected, s.baselineSpread, s.baselineSeasonal === true);
        // undefined fields are left out of the JSON: the band travels in the packed head.
        series.set(seriesKey, { ...s, det: { $det: base64(f.subarray(0, l.head)) }, baselineExpected: undefined, baselineSpread: undefined, baselineSeasonal: undefined });
      }
      analysis = { ...a, series };
    }
    const json = Buffer.from(JSON.stringify({ ...state, analysis }, stateReplacer));
    const value = Buffer.allocUnsafe(1 + json.length);
    value[0] = chainStateFormat;
    json.copy(value, 1);
    records.push({ key, value });
    return records;
  },

  decode(records) {
    const out = new Map<string, DeviceChainState>();
    for (const [key, value] of records) if (!key.includes(SEP)) out.set(key, decodeLegacyHead(key, value, records)); // blocks: read through their device's head
    return out;
  },
};

/** A device's state from its head record of format 1 or 2 (and, for 2, the blocks in `records`). */
export function decodeLegacyHead(key: string, value: Buffer, records: Map<string, Buffer>): DeviceChainState {
  if (value[0] !== chainStateFormat) return decodeState<DeviceChainState>(value); // format 1: the whole state as JSON
  const state = JSON.parse(value.toString('utf8', 1), stateReviver) as DeviceChainState;
  for (const [seriesKey, s] of state.analysis?.series ?? []) {
    const det = s.det as unknown as { $det?: string } | null;
    if (det === null) continue; // not scored
    if (typeof det !== 'object' || typeof det.$det !== 'string') throw restoreError(key, `series ${seriesKey} has no detector head`);
    const head = floatsOf(Buffer.from(det.$det, 'base64'));
    s.det = restoreDetector(key, seriesKey, head, records);
    // None in a head written before they were kept: the series then emits at its next due time.
    const band = packedEmittedBand(head);
    if (band) {
      s.baselineExpected = band.expected;
      s.baselineSpread = band.spread;
      s.baselineSeasonal = band.seasonal;
    }
  }
  return state;
}
