import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAvroSerde } from './serde.js';
import { testEnv } from '../test/env.js';
import { guarded } from '../common/http-handler.js';

/** An HTTP proxy in front of the real registry that counts the schema-id lookups it passes on. */
async function countingProxy(target: string) {
  const lookups = new Map<string, number>();
  const server = createServer(guarded(async (req, res) => {
    const m = /^\/schemas\/ids\/(\d+)/.exec(req.url ?? '');
    if (m) lookups.set(m[1], (lookups.get(m[1]) ?? 0) + 1);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const upstream = await fetch(new URL(req.url ?? '/', target), { method: req.method, headers: { 'content-type': req.headers['content-type'] ?? 'application/json' }, body: chunks.length ? Buffer.concat(chunks) : undefined });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  }, (err) => process.emitWarning(`counting proxy: ${String(err)}`)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, lookups, close: () => new Promise((r) => server.close(r)) };
}

test('a flood of messages with a made-up schema id costs one registry lookup, not one per message', { timeout: 60_000 }, async () => {
  const proxy = await countingProxy(testEnv.registryUrl);
  try {
    const serde = createAvroSerde({ registryUrl: proxy.url });
    const forged = Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 1, 2, 3]); // magic byte, id 2147483632, garbage
    const first = await serde.decodeMany('telemetry.live', Array.from({ length: 500 }, () => forged));
    assert.ok(first.every((d) => !d.ok && d.error.code === 'SERDE_SCHEMA_UNKNOWN'), 'each message is reported (dead-lettered by the consumer)');
    const afterFirst = proxy.lookups.get('2147483632') ?? 0;
    assert.ok(afterFirst >= 1, 'the registry was asked');
    assert.ok(afterFirst <= 6, `one lookup (with the client's retries) for 500 messages, saw ${afterFirst}`);
    const second = await serde.decodeMany('telemetry.live', Array.from({ length: 500 }, () => forged));
    assert.ok(second.every((d) => !d.ok && d.error.code === 'SERDE_SCHEMA_UNKNOWN'));
    assert.equal(proxy.lookups.get('2147483632') ?? 0, afterFirst, 'not asked again within the retry window');
  } finally {
    await proxy.close();
  }
});
