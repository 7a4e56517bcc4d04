// Ciena MCP's links (collectors/ciena/mcp-links.ts) → link sightings between inventory devices.
// An MCP end is matched to the inventory by the element's id (label mcp.networkConstructId), else
// its name (label mcp.name, then a device id, a hostname or its first label, as LLDP neighbours
// are). An end the inventory does not hold (a customer's CPE MCP learnt by LLDP) is counted, not
// drawn. A failed read throws the McpError: the caller keeps the MCP links it last saw.

import type { Device } from '../../schemas/types.js';
import type { LinkSighting } from '../../devices/links.js';
import { McpClient, type McpClientOptions } from '../ciena/mcp-client.js';
import { readMcpLinks, type McpLinkEnd } from '../ciena/mcp-links.js';
import { cienaPollerMetrics } from '../ciena/metrics.js';
import { deviceResolver } from './lldp-neighbours.js';

export interface McpObservation {
  sightings: LinkSighting[];
  /** FREs that are not a link between two ports, with the reason. */
  skipped: string[];
  /** Ends no inventory device matches, as "<element> <port>". */
  unknownEnds: string[];
}

export function mcpEndResolver(devices: Device[]): (end: McpLinkEnd) => string | null {
  const byConstruct = new Map<string, string>();
  const byMcpName = new Map<string, string>();
  for (const d of devices) {
    const labels = d.labels ?? {};
    if (labels['mcp.networkConstructId']) byConstruct.set(labels['mcp.networkConstructId'], d.deviceId);
    if (labels['mcp.name']) byMcpName.set(labels['mcp.name'].toLowerCase(), d.deviceId);
  }
  const byName = deviceResolver(devices);
  return (end) => byConstruct.get(end.networkConstructId) ?? (end.neName ? (byMcpName.get(end.neName.toLowerCase()) ?? byName(end.neName)) : null);
}

export async function observeMcp(devices: Device[], mcp: McpClientOptions): Promise<McpObservation> {
  const read = await readMcpLinks(new McpClient(mcp, cienaPollerMetrics()));
  const resolve = mcpEndResolver(devices);
  const out: McpObservation = { sightings: [], skipped: read.skipped, unknownEnds: [] };
  for (const link of read.links) {
    const ends = [link.a, link.b].map((e) => ({ e, deviceId: resolve(e) }));
    const unknown = ends.filter((x) => x.deviceId === null).map((x) => `${x.e.neName ?? x.e.networkConstructId} ${x.e.port}`);
    if (unknown.length > 0) {
      out.unknownEnds.push(...unknown);
      continue;
    }
    const [a, b] = ends.map((x) => ({ deviceId: x.deviceId!, ifName: x.e.port })) as [LinkSighting['a'], LinkSighting['b']];
    out.sightings.push({ source: 'mcp', a, b });
  }
  return out;
}
