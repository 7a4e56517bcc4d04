// Links as Ciena MCP knows them: FREs (forwarding relationship entities) from the NSI search API,
// `GET /nsi/api/v2/search/fres?include=tpes,networkConstructs`, paged like every MCP collection.
// An FRE of a link has two endPoints ("<freId>:1", ":2"), each terminating on one TPE; the TPE
// names its port (attributes.nativeName) and its network construct (relationships), whose
// attributes.name is the element's name. Asked for: links MCP discovered (resourceState
// discovered or plannedAndDiscovered, not planned-only intent), of service class LLDP (Ethernet
// links MCP found through its elements' LLDP) and Fiber (photonic spans).
//
// A reply of the wrong shape (a field of the wrong type, an endpoint or TPE missing from
// "included") is an McpError MCP_SHAPE naming the FRE and the field: the links sync then keeps the
// MCP links it last saw rather than publish a partial picture. An FRE that is well formed but not
// a link between two ports (a multipoint service, an endpoint on a LAG) is skipped with a reason.

import { McpError } from './errors.js';
import type { McpClient } from './mcp-client.js';
import { readPages, type McpResource } from './mcp-resources.js';

export const MCP_LINKS_PATH = '/nsi/api/v2/search/fres';
export const MCP_LINKS_QUERY = { include: 'tpes,networkConstructs', serviceClass: 'LLDP,Fiber', resourceState: 'discovered,plannedAndDiscovered' };

export interface McpLinkEnd {
  networkConstructId: string;
  /** The element's name when MCP included its network construct. */
  neName: string | null;
  port: string;
}

export interface McpLink {
  freId: string;
  a: McpLinkEnd;
  b: McpLinkEnd;
}

export interface McpLinksRead {
  links: McpLink[];
  skipped: string[];
}

const WHAT = `MCP GET ${MCP_LINKS_PATH}`;
const shape = (message: string) => new McpError('MCP_SHAPE', `${WHAT}: ${message}`);
const seen = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? `"${v.slice(0, 40)}"` : `a ${typeof v}`);

function text(v: unknown, where: string): string {
  if (typeof v !== 'string' || v === '') throw shape(`${where} is ${v === undefined ? 'missing' : seen(v)}, not a non-empty string`);
  return v;
}

/** The ids of a relationship: to-many is an array of identifiers, to-one a single identifier. */
function related(r: McpResource, name: string, where: string, many: boolean): string[] {
  const rel = r.relationships?.[name] as { data?: unknown } | undefined;
  const data = rel?.data;
  if (many ? !Array.isArray(data) : !data || typeof data !== 'object' || Array.isArray(data)) {
    throw shape(`${where} relationships.${name}.data is ${data === undefined ? 'missing' : seen(data)}, not ${many ? 'an array' : 'one identifier'}`);
  }
  const list = (many ? data : [data]) as unknown[];
  return list.map((d, i) => text((d as { id?: unknown } | null)?.id, `${where} relationships.${name}.data[${i}].id`));
}

/** The links of FRE pages (data and included of every page). */
export function mcpLinksOf(data: McpResource[], included: McpResource[]): McpLinksRead {
  const index = new Map<string, McpResource>();
  included.forEach((r, i) => index.set(`${text(r?.type, `included[${i}].type`)}/${text(r?.id, `included[${i}].id`)}`, r));
  const out: McpLinksRead = { links: [], skipped: [] };
  const endOf = (endpointId: string, freId: string): McpLinkEnd | string => {
    const ep = index.get(`endPoints/${endpointId}`);
    if (!ep) throw shape(`endpoint ${endpointId} of FRE ${freId} is not in "included"`);
    const tpes = related(ep, 'tpes', `endpoint ${endpointId}`, true);
    if (tpes.length !== 1) return `FRE ${freId}: endpoint ${endpointId} terminates on ${tpes.length} TPEs (a LAG or a protected pair), not one port`;
    const tpe = index.get(`tpes/${tpes[0]}`);
    if (!tpe) throw shape(`TPE ${tpes[0]} of FRE ${freId} is not in "included" (include=tpes)`);
    const port = text(tpe.attributes?.nativeName, `TPE ${tpes[0]} attributes.nativeName`);
    const [nc] = related(tpe, 'networkConstruct', `TPE ${tpes[0]}`, false) as [string];
    const name = index.get(`networkConstructs/${nc}`)?.attributes?.name;
    return { networkConstructId: nc, neName: name === undefined ? null : text(name, `network construct ${nc} attributes.name`), port };
  };
  data.forEach((fre, i) => {
    const freId = text(fre?.id, `FRE #${i} id`);
    const endpoints = related(fre, 'endPoints', `FRE ${freId}`, true);
    if (endpoints.length !== 2) {
      out.skipped.push(`FRE ${freId} has ${endpoints.length} endpoints, not a link between two ports`);
      return;
    }
    const [a, b] = endpoints.map((id) => endOf(id, freId)) as [McpLinkEnd | string, McpLinkEnd | string];
    if (typeof a === 'string' || typeof b === 'string') out.skipped.push(typeof a === 'string' ? a : (b as string));
    else out.links.push({ freId, a, b });
  });
  return out;
}

export async function readMcpLinks(client: McpClient): Promise<McpLinksRead> {
  const { data, included } = await readPages(client, MCP_LINKS_PATH, MCP_LINKS_QUERY, 'limit', WHAT);
  return mcpLinksOf(data, included);
}
