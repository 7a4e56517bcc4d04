// The Ciena MCP poller's error catalogue. A failed read is still published
// (RawCienaReading.error); messages name the network element and the MCP call, never the
// password or the token.

export const MCP_ERROR_CODES = [
  'MCP_CONNECT', // MCP not reachable (refused, reset, DNS)
  'MCP_TIMEOUT', // no complete answer within the request timeout
  'MCP_AUTH', // credentials refused, or a fresh token refused again (401 after one re-login)
  'MCP_HTTP', // any other HTTP error status (403, 404, 5xx…)
  'MCP_BAD_JSON', // the body is not JSON
  'MCP_TOO_LARGE', // the body is larger than MCP_MAX_BODY_BYTES (cut there)
  'MCP_SHAPE', // JSON, but not in the shape the call returns (missing data array, token…)
  'MCP_NOT_FOUND', // the network element is not known to MCP
  'MCP_CANCELLED', // the poller was closed
] as const;
export type McpErrorCode = (typeof MCP_ERROR_CODES)[number];

export class McpError extends Error {
  readonly code: McpErrorCode;
  readonly canRetry: boolean;
  readonly status?: number;
  constructor(code: McpErrorCode, message: string, opts: { canRetry?: boolean; status?: number } = {}) {
    super(message);
    this.name = 'McpError';
    this.code = code;
    this.canRetry = opts.canRetry ?? (code !== 'MCP_AUTH' && code !== 'MCP_TOO_LARGE');
    this.status = opts.status;
  }
}

export function mcpConfigError(message: string): Error {
  return Object.assign(new Error(message), { code: 'MCP_CONFIG', canRetry: false });
}
