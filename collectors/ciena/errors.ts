// The Ciena MCP poller's errors (codes, meanings and canRetry in the one catalogue,
// common/error-codes/collectors.ts). A failed read is still published (RawCienaReading.error);
// messages name the network element and the MCP call, never the password or the token.
import { OpsError } from '../../common/errors.js';
import type { mcpErrors } from '../../common/error-codes/collectors.js';

/** The codes a reading's error carries (MCP_CONFIG stops the poller at start instead). */
export type McpErrorCode = Exclude<keyof typeof mcpErrors, 'MCP_CONFIG'>;

export class McpError extends OpsError {
  declare readonly code: McpErrorCode;
  readonly status?: number;
  constructor(code: McpErrorCode, message: string, opts: { canRetry?: boolean; status?: number } = {}) {
    super(code, message, { canRetry: opts.canRetry });
    this.name = 'McpError';
    this.status = opts.status;
  }
}

export function mcpConfigError(message: string): Error {
  return new OpsError('MCP_CONFIG', message);
}
