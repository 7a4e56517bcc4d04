// A hostile answer for the simulators: status 200, JSON that never closes, written as fast as the
// client reads, without Content-Length, until the client goes away or `limit` bytes are out (a
// client without a ceiling then fails on the JSON instead of on memory). The tests of the clients'
// body ceilings read `sent` to check the client stopped reading early.
import type { ServerResponse } from 'node:http';

export const ENDLESS_BODY_LIMIT = 64 << 20; // 64 MiB

export function streamEndlessJson(res: ServerResponse, counter: { sent: number }, limit = ENDLESS_BODY_LIMIT): void {
  const chunk = Buffer.from('{"id":"x","attributes":{"name":"padding padding padding padding padding"}},'.repeat(256));
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"data":[');
  let gone = false;
  res.on('close', () => (gone = true));
  const pump = () => {
    while (!gone && counter.sent < limit) {
      counter.sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!gone) res.end('"no end"');
  };
  pump();
}
