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

/** Encodes rows given as parallel columns; ts in ms since epoch (sub-ms precision is kept). */
export function encodePointRows(tsMs: Float64Array | number[], seriesIds: (number | bigint)[], values: Float64Array | number[], count = seriesIds.length): Buffer {
  const b = Buffer.allocUnsafe(count * ROW_BYTES);
  let o = 0;
  for (let i = 0; i < count; i++) {
    o = b.writeInt16BE(3, o);
    o = b.writeInt32BE(8, o);
    o = b.writeBigInt64BE(BigInt(Math.round((tsMs[i] - PG_EPOCH_MS) * 1000)), o);
    o = b.writeInt32BE(8, o);
    o = b.writeBigInt64BE(BigInt(seriesIds[i]), o);
    o = b.writeInt32BE(8, o);
    o = b.writeDoubleBE(values[i], o);
  }
  return b;
}
