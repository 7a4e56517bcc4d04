// Optical power per port through MCP's performance-monitoring API. Its path, parameters and
// field names differ between MCP releases, so all of them are configuration: where the request
// goes, where the item array sits in the reply, and which dotted path in an item holds the port,
// the parameter name, the value, its unit and the end of its bin. Templates take
// {networkConstructId} and {name}. Only the parameters listed (MCP name → our name) are kept.

import { McpError, mcpConfigError } from './errors.js';
import type { McpClient } from './mcp-client.js';
import type { CienaValue, NetworkElement } from './types.js';

export interface PmAdapterConfig {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  body?: unknown; // JSON body for POST, string leaves templated
  itemsPath: string; // dotted path to the array of PM items in the reply ("data")
  fields: { port: string; parameter: string; value: string; unit?: string; binEnd?: string };
  parameters: Record<string, string>; // e.g. { OPR: 'OPR', 'OPR-AVG': 'OPR', OPT: 'OPT' }
  defaultUnit: string;
}

/** The shape the lab's MCP simulator speaks; a real MCP release gets its own entry in the config. */
export const PM_ADAPTER_LAB: PmAdapterConfig = {
  method: 'GET',
  path: '/pm/api/v1/opticalPower',
  query: { networkConstructId: '{networkConstructId}' },
  itemsPath: 'data',
  fields: { port: 'attributes.facility', parameter: 'attributes.parameter', value: 'attributes.value', unit: 'attributes.unit', binEnd: 'attributes.binEnd' },
  parameters: { OPR: 'OPR', OPT: 'OPT' },
  defaultUnit: 'dBm',
};

export function validatePmAdapter(cfg: PmAdapterConfig): PmAdapterConfig {
  if (cfg.method !== 'GET' && cfg.method !== 'POST') throw mcpConfigError(`PM adapter method must be GET or POST, got "${cfg.method}"`);
  if (!cfg.path.startsWith('/')) throw mcpConfigError(`PM adapter path must start with "/", got "${cfg.path}"`);
  for (const f of ['port', 'parameter', 'value'] as const) if (!cfg.fields?.[f]) throw mcpConfigError(`PM adapter fields.${f} is required (a dotted path inside one PM item)`);
  if (!cfg.itemsPath) throw mcpConfigError('PM adapter itemsPath is required (dotted path to the item array, e.g. "data")');
  if (!cfg.parameters || Object.keys(cfg.parameters).length === 0) throw mcpConfigError('PM adapter parameters must map at least one MCP parameter name');
  return Object.freeze({ ...cfg });
}

function at(obj: unknown, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

function fill<T>(template: T, ne: NetworkElement): T {
  if (typeof template === 'string') return template.replaceAll('{networkConstructId}', ne.id).replaceAll('{name}', ne.name) as T;
  if (Array.isArray(template)) return template.map((t) => fill(t, ne)) as T;
  if (template && typeof template === 'object') return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fill(v, ne)])) as T;
  return template;
}

export interface PmRead {
  values: CienaValue[];
  binEnd: number | null; // latest bin end MCP reported, ms
  skipped: number; // items without a usable value or port
}

export async function readOpticalPower(client: McpClient, cfg: PmAdapterConfig, ne: NetworkElement): Promise<PmRead> {
  const path = fill(cfg.path, ne);
  const what = `MCP ${cfg.method} ${path} (PM) for ${ne.name}`;
  const body = await client.request(cfg.method, path, { query: cfg.query ? fill(cfg.query, ne) : undefined, body: cfg.body === undefined ? undefined : fill(cfg.body, ne), what });
  const items = at(body, cfg.itemsPath);
  if (!Array.isArray(items)) throw new McpError('MCP_SHAPE', `${what}: no array at "${cfg.itemsPath}" in the reply`);
  const out: PmRead = { values: [], binEnd: null, skipped: 0 };
  for (const item of items) {
    const name = cfg.parameters[String(at(item, cfg.fields.parameter))];
    if (!name) continue; // a parameter nobody asked for
    const raw = at(item, cfg.fields.value);
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    const port = at(item, cfg.fields.port);
    if (!Number.isFinite(value) || (typeof port !== 'string' && typeof port !== 'number')) {
      out.skipped++;
      continue;
    }
    const unit = cfg.fields.unit ? at(item, cfg.fields.unit) : undefined;
    out.values.push({ name, port: String(port), unit: typeof unit === 'string' && unit ? unit : cfg.defaultUnit, value });
    const end = cfg.fields.binEnd ? Date.parse(String(at(item, cfg.fields.binEnd) ?? '')) : NaN;
    if (!Number.isNaN(end)) out.binEnd = Math.max(out.binEnd ?? end, end);
  }
  return out;
}
