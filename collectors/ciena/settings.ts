// The MCP account, shared by the collector (PM, alarms) and `inventory sync-links` (MCP's links).
import { defineSettings } from '../../common/config.js';

export const mcpAccountSettings = defineSettings({
  mcpUrl: { kind: 'string', env: 'MCP_URL', default: '', doc: 'Ciena MCP base URL (empty: no MCP collection, no MCP links)' },
  mcpUsername: { kind: 'string', env: 'MCP_USERNAME', default: 'admin', doc: 'MCP account' },
  mcpPassword: { kind: 'secret', env: 'MCP_PASSWORD', default: '', fromFile: true, doc: 'MCP password' },
  mcpMaxBodyBytes: { kind: 'int', env: 'MCP_MAX_BODY_BYTES', default: 33_554_432, min: 65_536, max: 1_073_741_824, doc: 'largest MCP answer read; a larger one ends that reading (or links read) with MCP_TOO_LARGE' },
});

/** The client options of the account, or null when no MCP is configured. */
export function mcpClientOptionsOf(c: { mcpUrl: string; mcpUsername: string; mcpPassword: string; mcpMaxBodyBytes: number }) {
  return c.mcpUrl ? { baseUrl: c.mcpUrl, username: c.mcpUsername, password: c.mcpPassword, maxBodyBytes: c.mcpMaxBodyBytes } : null;
}
