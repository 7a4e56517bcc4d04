// A small Ciena MCP for the lab (node:http on loopback): tokens, network constructs, active
// alarms, optical power per port and links (FREs, mcp-fres.ts) in the shapes the MCP collector
// reads. Scenarios (callable from the lab's HTTP API): degrade a port's receive power, raise and
// clear alarms, add and remove links, and faults for the bad-input tests (expire every token
// once, refuse every token, HTTP 500, garbage JSON, an answer that does not end, FREs whose
// fields have the wrong types).

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../../common/log.js';
import { OpsError } from '../../../common/errors.js';
import { streamEndlessJson } from '../endless-body.js';
import { freDocuments, selectFres, type SimConstruct, type SimLink, type SimLinkEnd } from './mcp-fres.js';

export type { SimLink, SimLinkEnd } from './mcp-fres.js';

export type McpFault = 'none' | 'expire-tokens-once' | 'refuse-tokens' | 'http-500' | 'garbage-json' | 'endless-body' | 'fres-wrong-types';
export const MCP_FAULTS: McpFault[] = ['none', 'expire-tokens-once', 'refuse-tokens', 'http-500', 'garbage-json', 'endless-body', 'fres-wrong-types'];

/** A link as a scenario or the lab gives it: the FRE id and the states are filled in. */
export type SimLinkInput = { a: SimLinkEnd; b: SimLinkEnd } & Partial<Pick<SimLink, 'freId' | 'serviceClass' | 'resourceState'>>;

export interface SimAlarm {
  alarmId: string;
  severity: string;
  condition: string;
  resource: string;
  serviceAffecting: boolean;
  raisedAt: number;
  text: string | null;
}

export interface SimElement {
  id: string;
  name: string;
  ipAddress: string;
  ports: Array<{ port: string; baseOprDbm: number; baseOptDbm: number; degradeDb: number; dark: boolean }>;
  alarms: SimAlarm[];
}

export interface McpSimulator {
  url: string;
  username: string;
  password: string;
  elements: SimElement[];
  element(name: string): SimElement | undefined;
  degrade(name: string, port: string, db: number): void;
  /** No light at the port (a fibre cut, the far end down): OPR at the receiver floor. */
  setDark(name: string, port: string, dark: boolean): void;
  raiseAlarm(name: string, alarm: Partial<SimAlarm> & { condition: string; resource: string }): SimAlarm;
  clearAlarms(name: string): void;
  /** The links MCP reports (FREs), in the order added. */
  links: SimLink[];
  addLink(link: SimLinkInput): SimLink;
  removeLink(freId: string): boolean;
  setFault(fault: McpFault): void;
  /** Logins, requests, and bytes sent by the endless-body fault. */
  stats(): { logins: number; requests: number; endlessBytes: number };
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

/** A port of a given element: its facility name and the levels its SNMP agent serves, so both report one port alike. */
export interface SimPortSpec {
  port: string;
  oprDbm: number;
  optDbm: number;
  dark: boolean;
}

const NO_LIGHT_DBM = -40;

/** `elements`: how many to invent (lab-waveserver-N), or the lab's own Ciena devices by name and address (and ports). */
export async function startMcpSimulator(opts: {
  elements?: number | Array<{ name: string; ipAddress: string; ports?: SimPortSpec[] }>;
  portsPerElement?: number;
  /** Links between element ports, or from one to a device MCP does not manage (by its name). */
  links?: SimLinkInput[];
  pageSize?: number;
  port?: number;
  logger: Logger;
}): Promise<McpSimulator> {
  const username = 'admin';
  const password = `mcp-${randomBytes(4).toString('hex')}`;
  const tokens = new Set<string>();
  const counts = { logins: 0, requests: 0 };
  const endless = { sent: 0 };
  const maxPage = opts.pageSize ?? 2; // small on purpose: the collector must page
  let fault: McpFault = 'none';
  let alarmSeq = 1000;
  const given: Array<{ name: string; ipAddress: string; ports?: SimPortSpec[] }> = Array.isArray(opts.elements) ? opts.elements : Array.from({ length: opts.elements ?? 3 }, (_, i) => ({ name: `lab-waveserver-${i + 1}`, ipAddress: `127.0.1.${i + 1}` }));
  const elements: SimElement[] = given.map(({ name, ipAddress, ports }, i) => ({
    id: `nc-${(0x5a00 + i).toString(16)}-${i}`,
    name,
    ipAddress,
    ports:
      ports?.map((p) => ({ port: p.port, baseOprDbm: p.oprDbm, baseOptDbm: p.optDbm, degradeDb: 0, dark: p.dark })) ??
      Array.from({ length: opts.portsPerElement ?? 4 }, (_, p) => ({ port: `1-${p + 1}`, baseOprDbm: -6 - ((i + p) % 4) * 0.5, baseOptDbm: 0.5 + (p % 2) * 0.2, degradeDb: 0, dark: false })),
    alarms: [],
  }));
  const find = (name: string) => elements.find((e) => e.name === name);
  const manual = new Map<string, SimConstruct>();
  const constructOf = (name: string): SimConstruct => {
    const e = find(name);
    if (e) return { id: e.id, name: e.name, type: 'networkElement' };
    let m = manual.get(name);
    if (!m) manual.set(name, (m = { id: `nc-manual-${manual.size + 1}`, name, type: 'manual' }));
    return m;
  };
  const links: SimLink[] = [];
  let freSeq = 0;
  const addLink = (l: SimLinkInput): SimLink => {
    const link: SimLink = { serviceClass: 'LLDP', resourceState: 'discovered', ...l, freId: l.freId ?? `fre-${(++freSeq).toString().padStart(6, '0')}` };
    links.push(link);
    return link;
  };
  for (const l of opts.links ?? []) addLink(l);
  const must = (name: string) => find(name) ?? (() => { throw new OpsError('LAB_BAD_SCENARIO', `mcp simulator: no element "${name}"`); })();
  const mustPort = (name: string, port: string) => must(name).ports.find((x) => x.port === port) ?? (() => { throw new OpsError('LAB_BAD_SCENARIO', `mcp simulator: element ${name} has no port ${port}`); })();

  const page = (url: URL, all: unknown[], sizeParam: string, totalKey: string) => {
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const size = Math.min(Number(url.searchParams.get(sizeParam) ?? maxPage), maxPage);
    const data = all.slice(offset, offset + size);
    const nextUrl = new URL(url.toString());
    nextUrl.searchParams.set('offset', String(offset + size));
    const next = offset + size < all.length ? nextUrl.pathname + nextUrl.search : undefined;
    return { data, links: { self: url.pathname + url.search, ...(next ? { next } : {}) }, meta: { [totalKey]: all.length } };
  };

  const fres = (url: URL) => {
    const selected = selectFres(links, constructOf, url.searchParams);
    const p = page(url, selected, 'limit', 'total');
    const docs = freDocuments(p.data as SimLink[], constructOf, (url.searchParams.get('include') ?? '').split(','));
    if (fault === 'fres-wrong-types') {
      // What a broken proxy or a changed release could send: ids as numbers, a relationship as an object.
      for (const d of docs.data) Object.assign(d, { id: 7, relationships: { endPoints: { data: { type: 'endPoints', id: `${d.id}:1` } } } });
      for (const d of docs.included) if (d.type === 'tpes') d.attributes = { nativeName: 42 };
    }
    return { ...p, data: docs.data, included: docs.included };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    counts.requests++;
    const url = new URL(req.url ?? '/', 'http://mcp.lab');
    if (req.method === 'POST' && url.pathname === '/tron/api/v1/tokens') {
      const body = await readBody(req);
      let creds: Record<string, string> = {};
      try {
        creds = (req.headers['content-type'] ?? '').includes('json') ? JSON.parse(body) : Object.fromEntries(new URLSearchParams(body));
      } catch {
        return json(res, 400, { errors: [{ title: 'bad login body' }] });
      }
      if (creds.username !== username || creds.password !== password) return json(res, 401, { errors: [{ title: 'Invalid credentials' }] });
      counts.logins++;
      const token = randomBytes(16).toString('hex');
      tokens.add(token);
      return json(res, 201, { token, expires_in: 86_400, user: username, tenant: creds.tenant ?? 'master' });
    }
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (fault === 'expire-tokens-once') {
      tokens.clear();
      fault = 'none';
    }
    if (!token || !tokens.has(token) || fault === 'refuse-tokens') return json(res, 401, { errors: [{ title: 'Unauthorized' }] });
    if (fault === 'http-500') return json(res, 500, { errors: [{ title: 'Internal Server Error' }] });
    if (fault === 'endless-body') return streamEndlessJson(res, endless);
    if (fault === 'garbage-json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{"data": [ {"id": "nc-1", "attributes": {"name": "trunc');
    }
    if (req.method === 'GET' && url.pathname === '/nsi/api/search/networkConstructs') {
      const all = elements.map((e) => ({
        id: e.id,
        type: 'networkConstructs',
        attributes: { name: e.name, ipAddress: e.ipAddress, deviceType: 'WaveServer Ai', softwareVersion: '2.4.1', typeGroup: 'Ciena6500', displayData: { displayName: e.name, displaySyncState: 'SYNCHRONIZED' } },
      }));
      return json(res, 200, page(url, all, 'limit', 'total'));
    }
    if (req.method === 'GET' && url.pathname === '/nsi/api/v2/search/fres') return json(res, 200, fres(url));
    if (req.method === 'GET' && url.pathname === '/nsa/api/v2_0/alarms/filter/filteredAlarms') {
      const names = url.searchParams.getAll('filter[deviceName][]');
      const states = url.searchParams.getAll('filter[state][]');
      const all = elements
        .filter((e) => names.length === 0 || names.includes(e.name))
        .flatMap((e) =>
          (states.length === 0 || states.includes('ACTIVE') ? e.alarms : []).map((a) => ({
            id: a.alarmId,
            type: 'alarms',
            attributes: {
              'alarm-id': a.alarmId,
              'device-name': e.name,
              'ip-address': e.ipAddress,
              state: 'ACTIVE',
              'condition-severity': a.severity,
              'native-condition-type': a.condition,
              resource: a.resource,
              'service-affecting': a.serviceAffecting ? 'SERVICE_AFFECTING' : 'NON_SERVICE_AFFECTING',
              'additional-text': a.text,
              'first-raise-time': new Date(a.raisedAt).toISOString(),
              'last-raise-time': new Date(a.raisedAt).toISOString(),
            },
          })),
        );
      return json(res, 200, page(url, all, 'pageSize', 'query-total'));
    }
    if (req.method === 'GET' && url.pathname === '/pm/api/v1/opticalPower') {
      const e = elements.find((x) => x.id === url.searchParams.get('networkConstructId'));
      if (!e) return json(res, 404, { errors: [{ title: 'network construct not found' }] });
      const now = Date.now();
      const binEnd = new Date(Math.floor(now / 900_000) * 900_000).toISOString(); // 15-minute bins
      const wave = (p: number) => 0.15 * Math.sin(now / 20_000 + p);
      const data = e.ports.flatMap((p, i) => [
        { id: `${e.id}-${p.port}-OPR`, attributes: { facility: p.port, parameter: 'OPR', value: p.dark ? NO_LIGHT_DBM : +Math.max(NO_LIGHT_DBM, p.baseOprDbm + wave(i) - p.degradeDb).toFixed(2), unit: 'dBm', binEnd } },
        { id: `${e.id}-${p.port}-OPT`, attributes: { facility: p.port, parameter: 'OPT', value: +(p.baseOptDbm + wave(i) / 3).toFixed(2), unit: 'dBm', binEnd } },
        { id: `${e.id}-${p.port}-TEMP`, attributes: { facility: p.port, parameter: 'TEMP', value: 41, unit: 'celsius', binEnd } },
      ]);
      return json(res, 200, { data });
    }
    json(res, 404, { errors: [{ title: `no route ${req.method} ${url.pathname}` }] });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => json(res, 500, { errors: [{ title: String(err) }] }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  opts.logger.info('mcp simulator up', { url, elements: elements.length });

  return {
    url,
    username,
    password,
    elements,
    element: find,
    degrade: (name, port, db) => void (mustPort(name, port).degradeDb = db),
    setDark: (name, port, dark) => void (mustPort(name, port).dark = dark),
    raiseAlarm(name, a) {
      const alarm: SimAlarm = { alarmId: String(++alarmSeq), severity: 'MAJOR', serviceAffecting: true, raisedAt: Date.now(), text: null, ...a };
      must(name).alarms.push(alarm);
      return alarm;
    },
    clearAlarms: (name) => void (must(name).alarms = []),
    links,
    addLink,
    removeLink(freId) {
      const i = links.findIndex((l) => l.freId === freId);
      if (i >= 0) links.splice(i, 1);
      return i >= 0;
    },
    setFault: (f) => void (fault = f),
    stats: () => ({ ...counts, endlessBytes: endless.sent }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
