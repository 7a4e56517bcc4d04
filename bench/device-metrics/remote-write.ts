// The other candidate of the device-metrics bench: a Prometheus remote-write (1.0) body of the
// series that changed since the last send. Protobuf written by hand (WriteRequest → TimeSeries →
// Label, Sample) with each series' label bytes encoded once, as a real sink would cache them, so
// the comparison with the exposition (whose label text is cached too) is like for like.

function varintLen(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

function writeVarint(buf: Buffer, o: number, n: number): number {
  while (n >= 0x80) {
    buf[o++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[o++] = n;
  return o;
}

function field(tag: number, body: Buffer): Buffer {
  const head = Buffer.allocUnsafe(1 + varintLen(body.length));
  head[0] = tag;
  writeVarint(head, 1, body.length);
  return Buffer.concat([head, body]);
}

/** The Label messages of a series (field 1 of TimeSeries), sorted by name as the spec requires. */
export function encodeLabels(name: string, labels: [string, string][]): Buffer {
  const all = ([['__name__', name], ...labels] as [string, string][]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.concat(all.map(([k, v]) => field(0x0a, Buffer.concat([field(0x0a, Buffer.from(k)), field(0x12, Buffer.from(v))]))));
}

export interface ChangedSample {
  labels: Buffer;
  value: number;
  ts: number;
}

/** The uncompressed WriteRequest of one send. */
export function encodeWriteRequest(changed: ChangedSample[]): Buffer {
  let size = 0;
  for (const c of changed) {
    const body = c.labels.length + 2 + 1 + 8 + 1 + varintLen(c.ts);
    size += 1 + varintLen(body) + body;
  }
  const buf = Buffer.allocUnsafe(size);
  let o = 0;
  for (const c of changed) {
    const sample = 1 + 8 + 1 + varintLen(c.ts);
    buf[o++] = 0x0a; // WriteRequest.timeseries
    o = writeVarint(buf, o, c.labels.length + 2 + sample);
    o += c.labels.copy(buf, o);
    buf[o++] = 0x12; // TimeSeries.samples
    buf[o++] = sample;
    buf[o++] = 0x09; // Sample.value, fixed64 double
    o = buf.writeDoubleLE(c.value, o);
    buf[o++] = 0x10; // Sample.timestamp, varint ms
    o = writeVarint(buf, o, c.ts);
  }
  return buf;
}
