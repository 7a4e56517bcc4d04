// Snappy's block format (what Prometheus remote-write bodies are compressed with), compress only:
// the project has no snappy package, and the device-metrics bench must price a remote-write body
// honestly. Greedy matching on a 4-byte hash within 64 KiB blocks, as the reference does without
// its skip heuristic; Prometheus decoding what the bench posts is its correctness test.

const BLOCK = 65_536;
const HASH_BITS = 14;

function varint(n: number, out: number[]): void {
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
}

export function snappyCompress(input: Buffer): Buffer {
  const out = Buffer.allocUnsafe(32 + input.length + Math.ceil(input.length / 6));
  const head: number[] = [];
  varint(input.length, head);
  let o = 0;
  for (const b of head) out[o++] = b;
  const table = new Int32Array(1 << HASH_BITS);

  const literal = (from: number, to: number) => {
    let n = to - from;
    if (n <= 0) return;
    n -= 1;
    if (n < 60) out[o++] = n << 2;
    else if (n < 256) {
      out[o++] = 60 << 2;
      out[o++] = n;
    }
    else {
      out[o++] = 61 << 2;
      out[o++] = n & 0xff;
      out[o++] = n >> 8;
    }
    input.copy(out, o, from, to);
    o += to - from;
  };
  const copy = (offset: number, len: number) => {
    while (len > 0) {
      const n = Math.min(len, 64);
      out[o++] = ((n - 1) << 2) | 2;
      out[o++] = offset & 0xff;
      out[o++] = offset >> 8;
      len -= n;
    }
  };

  for (let start = 0; start < input.length; start += BLOCK) {
    const end = Math.min(start + BLOCK, input.length);
    table.fill(-1);
    let lit = start;
    let i = start;
    while (i + 4 <= end) {
      const word = input.readUInt32LE(i);
      const h = Math.imul(word, 0x1e35a7bd) >>> (32 - HASH_BITS);
      const cand = table[h];
      table[h] = i;
      if (cand >= start && input.readUInt32LE(cand) === word) {
        literal(lit, i);
        let len = 4;
        while (i + len < end && input[cand + len] === input[i + len]) len++;
        copy(i - cand, len);
        i += len;
        lit = i;
      } else i++;
    }
    literal(lit, end);
  }
  return out.subarray(0, o);
}
