// HTTP client for Ciena MCP (Manage, Control and Plan): a token from `POST /tron/api/v1/tokens`
// (JSON or form body; the reply's `token`), sent as `Authorization: Bearer`, and one re-login
// when MCP answers 401 (tokens expire; a second 401 with a fresh token means the account lost
// its rights: MCP_AUTH). Every failure is an McpError with a code; neither the password nor the
// token ever appears in a message. An answer is read up to maxBodyBytes and cut there
// (MCP_TOO_LARGE): a broken or hostile MCP, or a proxy, cannot fill the collector's memory.

import { performance } from 'node:perf_hooks';
import { readCappedText } from '../../common/http-body.js';
import { McpError } from './errors.js';
import type { CienaPollerMetrics } from './metrics.js';

export interface McpClientOptions {
  baseUrl: string; // e.g. https://mcp.example.net
  username: string;
  password: string;
  tenant?: string; // MCP tenant, "master" by default on a single-tenant install
  loginBody?: 'json' | 'form';
  timeoutMs?: number;
  maxBodyBytes?: number; // per answer (MCP_MAX_BODY_BYTES)
}

export const MCP_CLIENT_DEFAULTS = {
  loginBody: 'json' as const,
  timeoutMs: 15_000, // ms
  tenant: 'master',
  // The collector reads pages (alarms, constructs) and one element's PM bins at a time: a few MB at most.
  maxBodyBytes: 33_554_432, // 32 MiB
};

type Query = Record<string, string | number | string[] | undefined>;

function apiOf(path: string): string {
  return path.startsWith('/tron/') ? 'tokens' : path.startsWith('/nsi/') ? 'nsi' : path.startsWith('/nsa/') ? 'nsa' : path.startsWith('/pm/') ? 'pm' : 'other';
}

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) params.append(k, String(one));
  }
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

export class McpClient {
  private token: string | null = null;
  private loggingIn: Promise<string> | null = null;
  private readonly cfg: Required<McpClientOptions>;

  constructor(
    opts: McpClientOptions,
    private readonly metrics: CienaPollerMetrics,
  ) {
    this.cfg = { ...MCP_CLIENT_DEFAULTS, ...opts };
    this.cfg.baseUrl = this.cfg.baseUrl.replace(/\/+$/, '');
  }

  /** GET (or POST with a JSON body) an MCP API path and return its parsed JSON. */
  async request(method: 'GET' | 'POST', path: string, opts: { query?: Query; body?: unknown; what: string }): Promise<unknown> {
    const url = withQuery(path, opts.query);
    let token = this.token ?? (await this.login());
    let res = await this.send(method, url, opts.body, token, opts.what);
    if (res.status === 401) {
      await res.body?.cancel();
      if (this.token === token) this.token = null; // a concurrent request may already have renewed it
      token = this.token ?? (await this.login());
      res = await this.send(method, url, opts.body, token, opts.what);
      if (res.status === 401) {
        await res.body?.cancel();
        throw new McpError('MCP_AUTH', `${opts.what}: MCP refused a freshly issued token for user "${this.cfg.username}" (HTTP 401 after re-login)`, { status: 401 });
      }
    }
    return this.readJson(res, opts.what);
  }

  private login(): Promise<string> {
    this.loggingIn ??= this.doLogin().finally(() => (this.loggingIn = null));
    return this.loggingIn;
  }

  private async doLogin(): Promise<string> {
    const what = `MCP login (POST /tron/api/v1/tokens as "${this.cfg.username}")`;
    const fields = { username: this.cfg.username, password: this.cfg.password, tenant: this.cfg.tenant };
    const form = this.cfg.loginBody === 'form';
    const body = form ? new URLSearchParams(fields).toString() : JSON.stringify(fields);
    const res = await this.fetchTimed('POST', '/tron/api/v1/tokens', what, {
      headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json', accept: 'application/json' },
      body,
    });
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      this.metrics.logins.inc({ result: 'error' });
      throw new McpError('MCP_AUTH', `${what}: credentials refused (HTTP ${res.status})`, { status: res.status });
    }
    let reply: unknown;
    try {
      reply = await this.readJson(res, what);
    } catch (err) {
      this.metrics.logins.inc({ result: 'error' });
      throw err;
    }
    const token = (reply as { token?: unknown } | null)?.token;
    if (typeof token !== 'string' || token === '') {
      this.metrics.logins.inc({ result: 'error' });
      throw new McpError('MCP_SHAPE', `${what}: the reply has no "token" string`);
    }
    this.metrics.logins.inc({ result: 'ok' });
    this.token = token;
    return token;
  }

  private send(method: string, url: string, body: unknown, token: string, what: string): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return this.fetchTimed(method, url, what, { headers, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  private async fetchTimed(method: string, url: string, what: string, init: { headers: Record<string, string>; body?: string }): Promise<Response> {
    const api = apiOf(url);
    const started = performance.now();
    try {
      const res = await fetch(this.cfg.baseUrl + url, { method, ...init, signal: AbortSignal.timeout(this.cfg.timeoutMs) });
      this.metrics.requests.inc({ api, status: `${Math.floor(res.status / 100)}xx` });
      return res;
    } catch (err) {
      this.metrics.requests.inc({ api, status: 'error' });
      const e = err as Error & { cause?: { code?: string; message?: string } };
      if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new McpError('MCP_TIMEOUT', `${what}: no answer from MCP within ${this.cfg.timeoutMs} ms`);
      throw new McpError('MCP_CONNECT', `${what}: MCP unreachable: ${e.cause?.code ?? e.cause?.message ?? e.message}`);
    } finally {
      this.metrics.duration.observe({ api }, (performance.now() - started) / 1000);
    }
  }

  private async readJson(res: Response, what: string): Promise<unknown> {
    let text: string;
    try {
      text = await readCappedText(res, this.cfg.maxBodyBytes, (detail) => new McpError('MCP_TOO_LARGE', `${what}: MCP ${detail} (MCP_MAX_BODY_BYTES)`, { status: res.status }));
    } catch (err) {
      if (err instanceof McpError) throw err;
      const e = err as Error;
      if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new McpError('MCP_TIMEOUT', `${what}: body not received within ${this.cfg.timeoutMs} ms`);
      throw new McpError('MCP_CONNECT', `${what}: connection lost while reading the reply: ${e.message}`);
    }
    if (res.status >= 400) {
      throw new McpError('MCP_HTTP', `${what}: HTTP ${res.status} ${res.statusText}: ${text.slice(0, 200).replace(/\s+/g, ' ')}`, { status: res.status, canRetry: res.status >= 500 });
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new McpError('MCP_BAD_JSON', `${what}: the reply is not JSON (HTTP ${res.status}, ${text.length} bytes, starts "${text.slice(0, 40).replace(/\s+/g, ' ')}")`);
    }
  }
}
