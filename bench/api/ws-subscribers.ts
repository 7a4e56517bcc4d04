// Child process of `npm run bench -- api`: opens N graphql-ws connections to the API, each with
// one live subscription of K series, and records the delivery latency of every point (receipt
// time minus the publish time the bench put in the point's ts). Runs in its own process so the
// clients' CPU is not counted as the server's. Reads its job as JSON in argv[2]; prints
// "ready" once every subscription has its first point, then, when stdin closes, the figures.

import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';

interface Job { url: string; token: string; subscribers: number; seriesIds: string[]; perSubscriber: number; warmupMs: number }

const job = JSON.parse(process.argv[2]) as Job;
const WebSocketImpl = createRequire(import.meta.url)('ws') as unknown;
const now = () => performance.timeOrigin + performance.now();

const latencies: number[] = [];
let measuring = false;
let delivered = 0;
const clients: Client[] = [];
const started = new Set<number>();
const DOC = 'subscription L($ids: [ID!]!) { live(seriesIds: $ids, snapshot: false) { seriesId ts value } }';

for (let i = 0; i < job.subscribers; i++) {
  const client = createClient({ url: job.url, webSocketImpl: WebSocketImpl, connectionParams: { token: job.token }, retryAttempts: 0, lazy: true });
  clients.push(client);
  // Subscriber i watches perSubscriber consecutive series from a spread-out start: every series has watchers.
  const ids = Array.from({ length: job.perSubscriber }, (_, k) => job.seriesIds[(i * job.perSubscriber + k) % job.seriesIds.length]);
  client.subscribe<{ live: { ts: number } }>({ query: DOC, variables: { ids } }, {
    next: (r) => {
      started.add(i);
      if (!measuring || !r.data) return;
      latencies.push(now() - r.data.live.ts);
      delivered++;
    },
    error: (e) => process.stderr.write(`subscription ${i} failed: ${JSON.stringify(e).slice(0, 300)}\n`),
    complete: () => {},
  });
}

const readyTimer = setInterval(() => {
  if (started.size === job.subscribers) {
    clearInterval(readyTimer);
    setTimeout(() => {
      measuring = true;
      process.stdout.write('ready\n');
    }, job.warmupMs);
  }
}, 100);

process.stdin.resume();
process.stdin.on('end', () => void finish());

async function finish(): Promise<void> {
  measuring = false;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  process.stdout.write(JSON.stringify({ delivered, started: started.size, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: latencies[latencies.length - 1] ?? NaN }) + '\n');
  await Promise.all(clients.map(async (c) => c.dispose()));
  process.exit(0);
}
