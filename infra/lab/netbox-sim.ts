// A small NetBox stand-in: GET /api/dcim/devices/ and /api/dcim/cables/ with limit/offset paging (count/next/previous/
// results), v1 `Token` and v2 `Bearer nbt_…` tokens, device JSON in NetBox 4.x shape (or 3.x with
// `device_role` when legacyRole is set). Tests and the demo change devices through the returned
// object (or POST/DELETE /_sim/devices) and can make the next responses fail (401, 500, garbage,
// an answer that does not end).

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { streamEndlessJson } from './endless-body.js';
import { guarded } from '../../common/http-handler.js';

export interface NetboxSimDevice {
  id: number;
  name: string;
  address: string | null; // with prefix length, as NetBox stores it ("10.0.0.1/32")
  status?: string; // active | planned | offline …
  site?: string;
  role?: string;
  platform?: string;
  manufacturer?: string;
  tags?: string[];
  customFields?: Record<string, unknown>;
  lastUpdated?: string;
}

/** A cable between two device interfaces (NetBox 4.x: terminations are lists, here of one interface each). */
export interface NetboxSimCable {
  id: number;
  a: { device: string; interface: string };
  b: { device: string; interface: string };
  status?: string; // connected | planned | decommissioning
}

export type NetboxSimFailure = 401 | 500 | 'garbage' | 'endless';

export interface NetboxSimOptions {
  host?: string;
  port?: number;
  token: string; // "0123…" (v1) or "nbt_key.secret" (v2)
  devices?: NetboxSimDevice[];
  cables?: NetboxSimCable[];
  legacyRole?: boolean; // NetBox ≤ 3.5: `device_role` instead of `role`
  maxPageSize?: number;
}

export interface NetboxSim {
  url: string;
  upsert(device: NetboxSimDevice): void;
  remove(name: string): boolean;
  devices(): NetboxSimDevice[];
  upsertCable(cable: NetboxSimCable): void;
  removeCable(id: number): boolean;
  cables(): NetboxSimCable[];
  failNext(failure: NetboxSimFailure, times?: number): void;
  toNetbox(device: NetboxSimDevice): Record<string, unknown>; // the JSON NetBox would serve
  requests: number;
  /** Bytes the 'endless' failures sent. */
  endlessBytes: number;
  close(): Promise<void>;
}

const nested = (id: number, slug: string | undefined, extra: Record<string, unknown> = {}) => (slug ? { id, url: `/api/x/${id}/`, display: slug, name: slug, slug, ...extra } : null);

export async function startNetboxSim(opts: NetboxSimOptions): Promise<NetboxSim> {
  const byName = new Map<string, NetboxSimDevice>((opts.devices ?? []).map((d) => [d.name, d]));
  const cables = new Map<number, NetboxSimCable>((opts.cables ?? []).map((c) => [c.id, c]));
  const failures: NetboxSimFailure[] = [];
  const maxPage = opts.maxPageSize ?? 1_000;
  const expectedAuth = opts.token.startsWith('nbt_') ? `Bearer ${opts.token}` : `Token ${opts.token}`;
  let baseUrl = '';

  const toNetbox = (d: NetboxSimDevice): Record<string, unknown> => {
    const role = nested(d.id * 10 + 1, d.role);
    return {
      id: d.id,
      url: `${baseUrl}/api/dcim/devices/${d.id}/`,
      display: d.name,
      name: d.name,
      device_type: { id: 1, model: 'sim', manufacturer: nested(2, d.manufacturer) },
      ...(opts.legacyRole ? { device_role: role } : { role }),
      platform: d.platform ? nested(d.id * 10 + 2, d.platform, { manufacturer: nested(2, d.manufacturer) }) : null,
      site: nested(d.id * 10 + 3, d.site, { region: nested(4, 'emea') }),
      status: { value: d.status ?? 'active', label: (d.status ?? 'active').replace(/^./, (c) => c.toUpperCase()) },
      primary_ip: d.address ? { id: d.id, family: d.address.includes(':') ? 6 : 4, address: d.address } : null,
      primary_ip4: d.address && !d.address.includes(':') ? { id: d.id, family: 4, address: d.address } : null,
      primary_ip6: d.address && d.address.includes(':') ? { id: d.id, family: 6, address: d.address } : null,
      tags: (d.tags ?? []).map((t, i) => ({ id: i + 1, name: t, slug: t, display: t })),
      custom_fields: d.customFields ?? {},
      last_updated: d.lastUpdated ?? '2026-11-23T12:00:00.000000Z',
    };
  };

  const termination = (cableId: number, side: 'a' | 'b', end: NetboxSimCable['a']) => {
    const device = byName.get(end.device);
    const interfaceId = cableId * 2 + (side === 'a' ? 0 : 1);
    return {
      object_type: 'dcim.interface',
      object_id: interfaceId,
      object: { id: interfaceId, url: `${baseUrl}/api/dcim/interfaces/${interfaceId}/`, display: end.interface, name: end.interface, cable: cableId, device: { id: device?.id ?? 0, display: end.device, name: end.device } },
    };
  };
  const cableJson = (c: NetboxSimCable): Record<string, unknown> => ({
    id: c.id,
    url: `${baseUrl}/api/dcim/cables/${c.id}/`,
    display: `#${c.id}`,
    type: 'smf',
    status: { value: c.status ?? 'connected', label: (c.status ?? 'connected').replace(/^./, (ch) => ch.toUpperCase()) },
    a_terminations: [termination(c.id, 'a', c.a)],
    b_terminations: [termination(c.id, 'b', c.b)],
  });

  const send = (res: ServerResponse, status: number, body: string, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

  const sim = {
    url: '',
    requests: 0,
    endlessBytes: 0,
    upsert: (d: NetboxSimDevice) => void byName.set(d.name, d),
    remove: (name: string) => byName.delete(name),
    devices: () => [...byName.values()],
    upsertCable: (c: NetboxSimCable) => void cables.set(c.id, c),
    removeCable: (id: number) => cables.delete(id),
    cables: () => [...cables.values()],
    failNext: (f: NetboxSimFailure, times = 1) => {
      for (let i = 0; i < times; i++) failures.push(f);
    },
    toNetbox,
  } as NetboxSim;

  async function body(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  const server = createServer(guarded(async (req, res) => {
    const url = new URL(req.url ?? '/', baseUrl);
    if (url.pathname === '/_sim/devices' && req.method === 'POST') {
      sim.upsert(JSON.parse(await body(req)) as NetboxSimDevice);
      return send(res, 204, '');
    }
    if (url.pathname.startsWith('/_sim/devices/') && req.method === 'DELETE') return send(res, sim.remove(decodeURIComponent(url.pathname.slice(14))) ? 204 : 404, '');
    const listing = url.pathname === '/api/dcim/devices/' ? 'devices' : url.pathname === '/api/dcim/cables/' ? 'cables' : null;
    if (!listing || req.method !== 'GET') return send(res, 404, JSON.stringify({ detail: 'Not found.' }));
    sim.requests++;
    const failure = failures.shift();
    if (failure === 401 || req.headers.authorization !== expectedAuth) return send(res, 403 - 2 * Number(failure === 401), JSON.stringify({ detail: 'Invalid token' }));
    if (failure === 500) return send(res, 500, '<html><body>Server Error (500)</body></html>', 'text/html');
    if (failure === 'garbage') return send(res, 200, '{"count": 3, "results": [ {"id": 1, "na');
    if (failure === 'endless') {
      const counter = { sent: 0 };
      res.on('close', () => (sim.endlessBytes += counter.sent));
      return streamEndlessJson(res, counter);
    }
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 50) || 50, maxPage);
    const offset = Number(url.searchParams.get('offset') ?? 0) || 0;
    const all: Array<{ id: number }> = listing === 'devices' ? [...byName.values()] : [...cables.values()];
    all.sort((a, b) => a.id - b.id);
    const page = all.slice(offset, offset + limit);
    const render = (item: { id: number }) => (listing === 'devices' ? toNetbox(item as NetboxSimDevice) : cableJson(item as NetboxSimCable));
    const link = (o: number) => {
      const u = new URL(url);
      u.searchParams.set('limit', String(limit));
      u.searchParams.set('offset', String(o));
      return u.toString();
    };
    send(res, 200, JSON.stringify({ count: all.length, next: offset + limit < all.length ? link(offset + limit) : null, previous: offset > 0 ? link(Math.max(0, offset - limit)) : null, results: page.map(render) }));
  }, (err, req) => process.emitWarning(`NetBox simulator: ${req.method} ${req.url}: ${String(err)}`)));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${opts.host ?? '127.0.0.1'}:${port}`;
  sim.url = baseUrl;
  sim.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return sim;
}
