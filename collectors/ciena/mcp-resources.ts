// The two MCP collections the poller reads: network elements from the NSI search API and active
// alarms from the NSA alarm API (links, FREs, in mcp-links.ts). All are JSON:API-style pages
// ({ data: [], included: [], links: { next }, meta }); pages are followed by `links.next` when MCP
// gives it, else by offset until the total MCP announced (`meta.total`, `meta["query-total"]` for
// alarms) is reached.

import { McpError } from './errors.js';
import type { McpClient } from './mcp-client.js';
import type { CienaAlarm, NetworkElement } from './types.js';

export const MCP_PAGING = { pageSize: 200, maxPages: 500 };

/** A JSON:API resource as MCP sends it; nothing in it is trusted until a reader checks it. */
export type McpResource = { id?: unknown; type?: unknown; attributes?: Record<string, unknown>; relationships?: Record<string, unknown> };

interface Page {
  data: McpResource[];
  included: McpResource[];
  next: string | null;
  total: number | null;
}

function asPage(body: unknown, what: string): Page {
  const b = body as { data?: unknown; included?: unknown; links?: { next?: unknown }; meta?: Record<string, unknown> } | null;
  if (!b || !Array.isArray(b.data)) throw new McpError('MCP_SHAPE', `${what}: the reply has no "data" array`);
  if (b.included !== undefined && !Array.isArray(b.included)) throw new McpError('MCP_SHAPE', `${what}: "included" is a ${typeof b.included}, not an array`);
  const total = b.meta?.total ?? b.meta?.['query-total'];
  return { data: b.data, included: b.included ?? [], next: typeof b.links?.next === 'string' && b.links.next ? b.links.next : null, total: typeof total === 'number' ? total : null };
}

async function readAll(client: McpClient, path: string, query: Record<string, string | string[]>, sizeParam: 'limit' | 'pageSize', what: string) {
  return (await readPages(client, path, query, sizeParam, what)).data;
}

/** Every page's data and included resources. Follows `links.next` (a path or a full URL on the MCP host) or offsets, whichever MCP offers. */
export async function readPages(client: McpClient, path: string, query: Record<string, string | string[]>, sizeParam: 'limit' | 'pageSize', what: string) {
  const items: Page['data'] = [];
  const included: Page['included'] = [];
  let next: string | null = null;
  for (let page = 0; page < MCP_PAGING.maxPages; page++) {
    const body = next
      ? await client.request('GET', pathOf(next), { what })
      : await client.request('GET', path, { query: { ...query, offset: String(items.length), [sizeParam]: String(MCP_PAGING.pageSize) }, what });
    const p = asPage(body, what);
    items.push(...p.data);
    included.push(...p.included);
    if (p.data.length === 0 || (p.total !== null && items.length >= p.total)) return { data: items, included };
    if (p.next) next = p.next;
    else if (p.total === null && p.data.length < MCP_PAGING.pageSize) return { data: items, included };
    else next = null;
  }
  throw new McpError('MCP_SHAPE', `${what}: more than ${MCP_PAGING.maxPages} pages; paging does not end`);
}

function pathOf(next: string): string {
  if (next.startsWith('/')) return next;
  const u = new URL(next);
  return u.pathname + u.search;
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

export async function listNetworkElements(client: McpClient): Promise<NetworkElement[]> {
  const what = 'MCP GET /nsi/api/search/networkConstructs';
  const items = await readAll(client, '/nsi/api/search/networkConstructs', {}, 'limit', what);
  return items.flatMap((item) => {
    const a = item.attributes ?? {};
    const id = str(item.id);
    const name = str(a.name) ?? str((a.displayData as Record<string, unknown> | undefined)?.displayName);
    if (!id || !name) return [];
    return [
      {
        id,
        name,
        ipAddress: str(a.ipAddress),
        deviceType: str(a.deviceType),
        softwareVersion: str(a.softwareVersion),
        syncState: str((a.displayData as Record<string, unknown> | undefined)?.displaySyncState),
      },
    ];
  });
}

const SEVERITIES = new Set(['CRITICAL', 'MAJOR', 'MINOR', 'WARNING', 'INDETERMINATE', 'INFO']);

/** Active alarms of one NE. MCP's alarm attributes are kebab-case ("condition-severity"…). */
export async function activeAlarms(client: McpClient, ne: NetworkElement): Promise<CienaAlarm[]> {
  const what = `MCP GET /nsa/api/v2_0/alarms/filter/filteredAlarms for ${ne.name}`;
  const items = await readAll(client, '/nsa/api/v2_0/alarms/filter/filteredAlarms', { 'filter[state][]': ['ACTIVE'], 'filter[deviceName][]': [ne.name] }, 'pageSize', what);
  return items.map((item) => {
    const a = item.attributes ?? {};
    const alarmId = str(a['alarm-id']) ?? str(item.id);
    const raised = Date.parse(String(a['last-raise-time'] ?? a['first-raise-time'] ?? ''));
    const severity = String(a['condition-severity'] ?? '').toUpperCase();
    if (!alarmId || Number.isNaN(raised)) throw new McpError('MCP_SHAPE', `${what}: alarm without "alarm-id" or a parsable raise time`);
    return {
      alarmId,
      severity: SEVERITIES.has(severity) ? severity : 'INDETERMINATE',
      condition: str(a['native-condition-type']) ?? 'UNKNOWN',
      resource: str(a.resource) ?? '',
      serviceAffecting: a['service-affecting'] === 'SERVICE_AFFECTING' || a['service-affecting'] === true,
      raisedAt: raised,
      description: str(a['additional-text']),
    };
  });
}
