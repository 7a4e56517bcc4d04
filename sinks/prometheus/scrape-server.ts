// The device-metrics endpoint: GET /metrics answers the OpenMetrics text of the latest values,
// gzipped when the scraper accepts it (Prometheus does). Expired series are dropped first, so a
// scrape never shows a series older than EXPORTER_STALE_AFTER_MS.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { listenOrExplain } from '../../common/ops-server.js';
import type { LatestValues } from './latest-values.js';
import { OPENMETRICS_CONTENT_TYPE } from './openmetrics-text.js';
import { exporterMetrics } from './metrics.js';
import { guarded } from '../../common/http-handler.js';

const gzipAsync = promisify(gzip);

export interface ScrapeServer {
  port: number;
  close(): Promise<void>;
}

export async function startScrapeServer(o: { host: string; port: number; latest: LatestValues; gzipLevel: number; expire: () => void }): Promise<ScrapeServer> {
  const server: Server = createServer(guarded(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: the device metrics are at /metrics\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
    const stop = exporterMetrics.renderSeconds.startTimer();
    try {
      o.expire();
      const text = Buffer.from(o.latest.render());
      // Compression runs on libuv's thread pool: the event loop keeps consuming meanwhile.
      const zipped = o.gzipLevel > 0 && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) ? await gzipAsync(text, { level: o.gzipLevel }) : undefined;
      const body = zipped ?? text;
      exporterMetrics.scrapes.inc({ encoding: zipped ? 'gzip' : 'identity' });
      exporterMetrics.scrapeBytes.set(body.length);
      res.writeHead(200, { 'content-type': OPENMETRICS_CONTENT_TYPE, ...(zipped ? { 'content-encoding': 'gzip' } : {}), 'content-length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`error: ${(err as Error).message}\n`);
    } finally {
      stop();
    }
  }, (err) => process.emitWarning(`device metrics scrape failed: ${String(err)}`)));
  await listenOrExplain(server, { host: o.host, port: o.port, setting: 'EXPORTER', code: 'EXPORTER_PORT_IN_USE' });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
