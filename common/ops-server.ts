// The operations endpoints every role serves: /healthz (the process is alive), /readyz (its
// dependencies answer and it has caught up enough to do its job) and Prometheus /metrics.
// Plain node:http so that a role without an HTTP API pays for nothing more.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import client from 'prom-client';
import { OpsError, type ErrorCode } from './errors.js';
import { guarded } from './http-handler.js';

export type ReadinessCheck = () => Promise<boolean> | boolean;

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

let defaultMetricsOn = false;

export function collectProcessMetrics(role: string): void {
  if (defaultMetricsOn) return;
  defaultMetricsOn = true;
  client.register.setDefaultLabels({ role });
  client.collectDefaultMetrics({ prefix: 'oc_process_' });
}

/**
 * Listens on host:port. Ports are fixed per role by default: a second replica on one host, or
 * another program, holds it; the error says which settings (`<setting>_HOST`, `<setting>_PORT`)
 * move it rather than Node's bare EADDRINUSE.
 */
export async function listenOrExplain(server: Server, o: { host: string; port: number; setting: string; code: ErrorCode }): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES')
        reject(new OpsError(o.code, `${o.setting}_PORT ${o.port} on ${o.setting}_HOST ${o.host} cannot be bound (${err.code}): another process holds it; set ${o.setting}_PORT to a free port, or 0 for any`, { cause: err }));
      else reject(err);
    });
    server.listen(o.port, o.host, () => resolve());
  });
}

export async function startOpsServer(opts: { host: string; port: number; ready: ReadinessCheck }): Promise<OpsServer> {
  const server: Server = createServer(guarded(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (path === '/healthz') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      } else if (path === '/readyz') {
        const ok = await opts.ready();
        res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ready\n' : 'not ready\n');
      } else if (path === '/metrics') {
        const body = await client.register.metrics();
        res.writeHead(200, { 'content-type': client.register.contentType }).end(body);
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      }
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`error: ${(err as Error).message}\n`);
    }
  }, (err) => process.emitWarning(`ops endpoint failed: ${String(err)}`)));
  await listenOrExplain(server, { ...opts, setting: 'OPS', code: 'OPS_PORT_IN_USE' });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
