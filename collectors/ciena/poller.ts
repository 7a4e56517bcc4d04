// Ciena MCP poller: one RawCienaReading per device and kind. PM: optical power per port through
// the configured PM adapter; ALARM: the element's active alarms; INVENTORY: what MCP knows of
// the element (sync state). A device is found in MCP by its networkConstructId, or by name or
// address in MCP's network-element list (cached, refreshed on a miss and every
// inventoryRefreshMs). A poll never throws for anything MCP did: the reading carries `error`.

import type { Logger } from '../../common/log.js';
import { McpError, mcpConfigError, type McpErrorCode } from './errors.js';
import { McpClient, type McpClientOptions } from './mcp-client.js';
import { activeAlarms, listNetworkElements } from './mcp-resources.js';
import { cienaPollerMetrics } from './metrics.js';
import { PM_ADAPTER_LAB, readOpticalPower, validatePmAdapter, type PmAdapterConfig } from './pm-adapter.js';
import type { CienaReadingKind, CienaTarget, NetworkElement, RawCienaReading } from './types.js';
import { pollOutcomeLogger } from '../poll-outcome.js';

export type { CienaTarget, NetworkElement, RawCienaReading } from './types.js';

export interface CienaPollerOptions {
  mcp: McpClientOptions;
  pm?: PmAdapterConfig;
  collectorId: string;
  logger: Logger;
  inventoryRefreshMs?: number;
}

export interface CienaPoller {
  poll(target: CienaTarget, kind: CienaReadingKind): Promise<RawCienaReading>;
  /** MCP's network elements (for discovery and for mapping inventory devices to constructs). */
  networkElements(): Promise<NetworkElement[]>;
  close(): void;
}

export const CIENA_POLLER_DEFAULTS = { inventoryRefreshMs: 600_000 /* ms */ };

export function createCienaPoller(opts: CienaPollerOptions): CienaPoller {
  if (!/^https?:\/\//.test(opts.mcp.baseUrl ?? '')) throw mcpConfigError(`MCP baseUrl must be an http(s) URL, got "${opts.mcp.baseUrl}"`);
  const pm = validatePmAdapter(opts.pm ?? PM_ADAPTER_LAB);
  const refreshMs = opts.inventoryRefreshMs ?? CIENA_POLLER_DEFAULTS.inventoryRefreshMs;
  const logger = opts.logger.child({ component: 'ciena-poller' });
  const metrics = cienaPollerMetrics();
  const client = new McpClient(opts.mcp, metrics);
  const noteOutcome = pollOutcomeLogger(logger, 'mcp reading'); // per device and reading kind
  let cache: { at: number; list: NetworkElement[] } | null = null;
  let loading: Promise<NetworkElement[]> | null = null;
  let closed = false;

  function networkElements(): Promise<NetworkElement[]> {
    loading ??= listNetworkElements(client)
      .then((list) => {
        cache = { at: Date.now(), list };
        return list;
      })
      .finally(() => (loading = null));
    return loading;
  }

  // By id when the inventory knows it; else by name, and by address only when no name matches
  // (several elements can share a management address behind a gateway).
  const lookup = (t: CienaTarget, list: NetworkElement[]) =>
    t.networkConstructId !== undefined
      ? list.find((ne) => ne.id === t.networkConstructId)
      : ((t.name !== undefined ? list.find((ne) => ne.name.toLowerCase() === t.name!.toLowerCase()) : undefined) ??
        (t.address !== undefined ? list.find((ne) => ne.ipAddress === t.address) : undefined));

  async function resolve(t: CienaTarget): Promise<NetworkElement> {
    if (t.networkConstructId === undefined && t.name === undefined && t.address === undefined) {
      throw new McpError('MCP_NOT_FOUND', `device ${t.deviceId}: no networkConstructId, name or address to find it in MCP`, { canRetry: false });
    }
    const fresh = cache && Date.now() - cache.at < refreshMs;
    let found = fresh ? lookup(t, cache!.list) : undefined;
    if (!found) found = lookup(t, await networkElements());
    if (!found) throw new McpError('MCP_NOT_FOUND', `device ${t.deviceId}: MCP lists no network element with ${t.networkConstructId ? `id ${t.networkConstructId}` : t.name ? `name "${t.name}"` : `address ${t.address}`}`);
    return found;
  }

  function note(t: CienaTarget, kind: CienaReadingKind, error: RawCienaReading['error']): void {
    metrics.readings.inc({ kind, result: error ? 'error' : 'ok', code: error ? error.code : 'none' });
    noteOutcome(`${t.deviceId}/${kind}`, error, { deviceId: t.deviceId, kind });
  }

  async function poll(t: CienaTarget, kind: CienaReadingKind): Promise<RawCienaReading> {
    const reading: RawCienaReading = { deviceId: t.deviceId, networkConstructId: t.networkConstructId ?? '', collectorId: opts.collectorId, kind, readAt: Date.now(), values: [], alarms: null, error: null };
    try {
      if (closed) throw new McpError('MCP_CANCELLED', `device ${t.deviceId}: poller is closed`);
      const ne = await resolve(t);
      reading.networkConstructId = ne.id;
      if (kind === 'PM') {
        const read = await readOpticalPower(client, pm, ne);
        reading.values = read.values;
        if (read.binEnd !== null) reading.readAt = read.binEnd;
        if (read.skipped) metrics.skippedValues.inc(read.skipped);
      } else if (kind === 'ALARM') {
        reading.alarms = await activeAlarms(client, ne);
      } else {
        reading.values = [{ name: 'synchronized', port: '', unit: 'bool', value: /^synchroni[sz]ed$/i.test(ne.syncState ?? '') ? 1 : 0 }];
      }
      metrics.lastSuccess.set({ device: t.deviceId }, Date.now() / 1000);
    } catch (err) {
      const e = err as { code?: McpErrorCode; message?: string };
      reading.values = [];
      reading.alarms = null;
      const said = e.message ?? String(err);
      const named = said.startsWith(`device ${t.deviceId}:`) ? said : `device ${t.deviceId}: ${e.code ? '' : `unexpected failure reading ${kind}: `}${said}`;
      reading.error = { code: e.code ?? 'MCP_SHAPE', message: named };
    }
    note(t, kind, reading.error);
    return reading;
  }

  return {
    poll,
    networkElements,
    close() {
      closed = true;
    },
  };
}
