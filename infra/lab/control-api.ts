// The lab's small HTTP control surface: what devices exist (so tests, the stack script and a
// person can find them) and whether the simulator is alive. node:http keeps the lab free of the
// API's framework and plugins.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../common/log.js';
import { OpsError } from '../../common/errors.js';
import { guarded } from '../../common/http-handler.js';

export interface ControlApiOptions {
  host: string;
  port: number; // 0 picks a free port
  devices: () => unknown[];
  healthy: () => boolean;
  /** The protocol labs (SSH, MCP, ICMP) and their scenarios; absent when the lab runs SNMP only. */
  protocols?: { describe(): unknown; scenario(kind: string, body: unknown): Promise<unknown> };
  logger: Logger;
}

export interface ControlApi {
  url: string;
  close(): Promise<void>;
}

function sendJson(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function startControlApi(opts: ControlApiOptions): Promise<ControlApi> {
  const server: Server = createServer(guarded(async (req, res) => {
    const route = `${req.method} ${(req.url ?? '/').split('?')[0]}`;
    if (route === 'GET /devices') return sendJson(res, 200, opts.devices());
    if (route === 'GET /protocols') return sendJson(res, 200, opts.protocols?.describe() ?? {});
    const scenario = /^POST \/scenarios\/(snmp|ssh|ciena|icmp)$/.exec(route);
    if (scenario) {
      // POST /scenarios/{snmp|ssh|ciena|icmp} with a JSON body: snmp takes {"reboot": true}; the
      // others are described in infra/lab/<kind>/scenarios.ts.
      let body: unknown;
      try {
        let text = '';
        for await (const chunk of req) text += chunk;
        body = JSON.parse(text || '{}');
      } catch {
        return sendJson(res, 400, { error: 'LAB_BAD_SCENARIO', message: 'body must be JSON' });
      }
      try {
        return sendJson(res, 200, await opts.protocols!.scenario(scenario[1], body));
      } catch (err) {
        const e = err as { code?: string; message: string };
        return sendJson(res, e.code === 'LAB_BAD_SCENARIO' || !opts.protocols ? 400 : 500, { error: e.code ?? 'LAB_SCENARIO_FAILED', message: e.message });
      }
    }
    if (route === 'GET /healthz') {
      const ok = opts.healthy();
      return sendJson(res, ok ? 200 : 503, { status: ok ? 'ok' : 'snmpsim not running' });
    }
    sendJson(res, 404, { error: `no route ${route}` });
  }, (err, req) => opts.logger.error('lab control API request failed', { err, url: req.url })));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(new OpsError('LAB_HTTP_LISTEN', `lab control API cannot listen on ${opts.host}:${opts.port}: ${err.message}`)),
    );
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`;
  opts.logger.info('lab control API listening', { url });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
