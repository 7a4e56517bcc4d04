// Reads devices and cables from NetBox's REST API: GET /api/dcim/devices/?limit=N&offset=M, following `next`
// until it is null. Tokens: a v1 token goes as `Authorization: Token <40 hex>`; NetBox 4.5's v2
// tokens (`nbt_<key>.<secret>`) as `Authorization: Bearer nbt_…`. HTTP and JSON failures become
// NetboxError with a code (NETBOX_AUTH, NETBOX_HTTP, NETBOX_BAD_JSON, NETBOX_UNREACHABLE,
// NETBOX_TIMEOUT, NETBOX_TOO_LARGE: an answer over maxBodyBytes, cut there); the token never
// appears in a message.

import { readCappedText } from '../../common/http-body.js';
import { OpsError } from '../../common/errors.js';
import type { netboxErrors } from '../../common/error-codes/inventory.js';

export interface NetboxClientOptions {
  url: string; // base, e.g. http://netbox.example:8000
  token: string;
  pageSize?: number;
  timeoutMs?: number;
  filter?: Record<string, string>; // extra query parameters (e.g. { status: 'active', site: 'nyc1' })
  maxBodyBytes?: number; // per answer (NETBOX_MAX_BODY_BYTES)
}

export const NETBOX_CLIENT_DEFAULTS = {
  pageSize: 200, // NetBox caps a page at MAX_PAGE_SIZE (1000 by default)
  timeoutMs: 15_000, // ms per request
  maxPages: 10_000, // a `next` loop must end
  // A page of 1,000 devices with config contexts is a few MB; nothing NetBox sends is near this.
  maxBodyBytes: 33_554_432, // 32 MiB
};

export class NetboxError extends OpsError {
  declare readonly code: keyof typeof netboxErrors;
  constructor(code: keyof typeof netboxErrors, message: string, canRetry?: boolean) {
    super(code, message, { canRetry });
    this.name = 'NetboxError';
  }
}

export function authorizationHeader(token: string): string {
  return token.startsWith('nbt_') ? `Bearer ${token}` : `Token ${token}`;
}

async function getJson(url: string, token: string, timeoutMs: number, maxBodyBytes: number): Promise<unknown> {
  const shown = url.replace(/[?&]?(token|key)=[^&]*/gi, '');
  let res: Response;
  try {
    res = await fetch(url, { headers: { authorization: authorizationHeader(token), accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') throw new NetboxError('NETBOX_TIMEOUT', `NetBox ${shown} did not answer within ${timeoutMs} ms`, true);
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new NetboxError('NETBOX_UNREACHABLE', `NetBox ${shown} cannot be reached (${cause})`, true);
  }
  let body: string;
  try {
    body = await readCappedText(res, maxBodyBytes, (what) => new NetboxError('NETBOX_TOO_LARGE', `NetBox ${shown} ${what} (NETBOX_MAX_BODY_BYTES); refused`, false));
  } catch (err) {
    if (err instanceof NetboxError) throw err;
    const name = (err as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') throw new NetboxError('NETBOX_TIMEOUT', `NetBox ${shown} did not finish its answer within ${timeoutMs} ms`, true);
    throw new NetboxError('NETBOX_UNREACHABLE', `NetBox ${shown}: connection lost while reading the answer (${(err as Error).message})`, true);
  }
  if (res.status === 401 || res.status === 403) throw new NetboxError('NETBOX_AUTH', `NetBox ${shown} refused the API token (HTTP ${res.status}); check NETBOX_TOKEN and its permissions`, false);
  if (!res.ok) throw new NetboxError('NETBOX_HTTP', `NetBox ${shown} answered HTTP ${res.status}: ${body.slice(0, 200).replace(/\s+/g, ' ')}`, res.status >= 500 || res.status === 429);
  try {
    return JSON.parse(body);
  } catch {
    throw new NetboxError('NETBOX_BAD_JSON', `NetBox ${shown} answered HTTP ${res.status} with a body that is not JSON (${body.length} bytes, starting ${JSON.stringify(body.slice(0, 40))})`, true);
  }
}

/** Every device NetBox lists (raw JSON objects), page by page. */
export function fetchNetboxDevices(opts: NetboxClientOptions): Promise<unknown[]> {
  return fetchNetboxList('/api/dcim/devices/', 'devices', opts);
}

/** Every cable NetBox lists (raw JSON, with a_terminations / b_terminations). NETBOX_FILTER is for devices: not applied here. */
export function fetchNetboxCables(opts: NetboxClientOptions): Promise<unknown[]> {
  return fetchNetboxList('/api/dcim/cables/', 'cables', { ...opts, filter: {} });
}

async function fetchNetboxList(path: string, what: string, opts: NetboxClientOptions): Promise<unknown[]> {
  const pageSize = opts.pageSize ?? NETBOX_CLIENT_DEFAULTS.pageSize;
  const timeoutMs = opts.timeoutMs ?? NETBOX_CLIENT_DEFAULTS.timeoutMs;
  const maxBodyBytes = opts.maxBodyBytes ?? NETBOX_CLIENT_DEFAULTS.maxBodyBytes;
  const first = new URL(path, opts.url);
  first.searchParams.set('limit', String(pageSize));
  first.searchParams.set('offset', '0');
  for (const [k, v] of Object.entries(opts.filter ?? {})) first.searchParams.set(k, v);
  const items: unknown[] = [];
  let next: string | null = first.toString();
  let expected: number | null = null;
  for (let page = 0; next; page++) {
    if (page >= NETBOX_CLIENT_DEFAULTS.maxPages) throw new NetboxError('NETBOX_BAD_JSON', `NetBox paging did not end after ${page} pages`, false);
    const body = (await getJson(next, opts.token, timeoutMs, maxBodyBytes)) as { count?: unknown; next?: unknown; results?: unknown };
    if (!body || typeof body !== 'object' || !Array.isArray(body.results)) throw new NetboxError('NETBOX_BAD_JSON', `NetBox ${new URL(next).pathname} answered JSON without a results list`, false);
    if (typeof body.count === 'number') expected = body.count;
    items.push(...body.results);
    // NetBox behind a proxy may return an absolute `next` with its own idea of the host: keep ours
    next = typeof body.next === 'string' && body.next ? rebase(body.next, opts.url) : null;
  }
  if (expected !== null && items.length < expected) {
    throw new NetboxError('NETBOX_INCOMPLETE', `NetBox said ${expected} ${what} but its pages held ${items.length} (${what} changed while paging); retry`, true);
  }
  return items;
}

function rebase(next: string, base: string): string {
  const n = new URL(next, base);
  const b = new URL(base);
  n.protocol = b.protocol;
  n.host = b.host;
  return n.toString();
}
