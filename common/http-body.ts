// Reading the body of an HTTP answer from a service we call (NetBox, Ciena MCP) with a ceiling.
// `await res.text()` buffers whatever the other side sends: a broken or hostile server, or a proxy
// in between, can exhaust the role's memory with one endless answer. Here a declared
// Content-Length above the ceiling is refused before reading, and the stream is cut as soon as
// it passes the ceiling. fetch decompresses as it reads, so the ceiling bounds the decoded
// size: a small gzip bomb is cut like a large body.

export async function readCappedText(res: Response, maxBytes: number, tooLarge: (what: string) => Error): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes && !res.headers.has('content-encoding')) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge(`declares a body of ${declared} bytes, more than the ${maxBytes} allowed`);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(`sent a body of more than the ${maxBytes} bytes allowed; cut there`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
