// PostgreSQL's binary COPY format for (ts, series_id, value) rows. Binary saves the server from
// parsing text timestamps and floats, which is most of COPY's cost for narrow rows.
// Format: signature, flags, header extension, then per row a field count and length-prefixed
// fields, then -1. Timestamps are microseconds since 2000-01-01 UTC.

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const ROW_BYTES = 2 + (4 + 8) * 3;

export function copyHeader(): Buffer {
  const b = Buffer.alloc(SIGNATURE.length + 8);
  SIGNATURE.copy(b, 0);
  return b; // flags 0 and no header extension: the 8 zero bytes after the signature
}

export const copyTrailer = Buffer.from([0xff, 0xff]);

const TWO_32 = 2 ** 32;

/** An int64 from a JS number without a BigInt per call (exact below 2^53, which covers µs
 *  timestamps for ±285 years around 2000 and every series id). */
function writeInt64(b: Buffer, n: number, o: number): number {
  if (Math.abs(n) >= Number.MAX_SAFE_INTEGER) return b.writeBigInt64BE(BigInt(n), o);
  const hi = Math.floor(n / TWO_32);
  b.writeInt32BE(hi, o);
  b.writeUInt32BE(n - hi * TWO_32, o + 4);
  return o + 8;
}

/** Encodes rows given as parallel columns, from `start` to `end`; ts in ms since epoch (sub-ms
 *  precision is kept, to the µs). */
export function encodePointRows(tsMs: ArrayLike<number>, seriesIds: ArrayLike<number | bigint>, values: ArrayLike<number>, start = 0, end = seriesIds.length): Buffer {
  const b = Buffer.allocUnsafe((end - start) * ROW_BYTES);
  let o = 0;
  for (let i = start; i < end; i++) {
    o = b.writeInt16BE(3, o);
    o = b.writeInt32BE(8, o);
    o = writeInt64(b, Math.round((tsMs[i] - PG_EPOCH_MS) * 1000), o);
    o = b.writeInt32BE(8, o);
    const id = seriesIds[i];
    o = typeof id === 'bigint' ? b.writeBigInt64BE(id, o) : writeInt64(b, id, o);
    o = b.writeInt32BE(8, o);
    o = b.writeDoubleBE(values[i], o);
  }
  return b;
}
