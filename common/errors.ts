// One catalogue of error codes for the whole pipeline. A code is stable (dashboards and alerts key
// on it), `canRetry` tells a caller whether trying again can help, and the message names the
// thing that failed. Retry decisions read `canRetry`, never messages.

export const errorCodes = [
  'CONFIG_INVALID',
  'CONFIG_MISSING',
  'CONFIG_UNKNOWN_KEY',
  'KAFKA_UNAVAILABLE',
  'KAFKA_AUTH_FAILED', // a broker refused the SASL login (names the KAFKA_SASL_* setting to fix)
  'KAFKA_TLS_FAILED', // the TLS handshake with a broker failed (names the KAFKA_SSL_* setting to fix)
  'SERDE_DECODE_FAILED',
  'SERDE_ENCODE_FAILED',
  'SERDE_SCHEMA_UNKNOWN',
  'TRANSFORM_FAILED',
  'SINK_WRITE_FAILED',
  'SINK_ROW_REJECTED',
  'STACK_COMPONENT_FAILED',
  'OPS_PORT_IN_USE', // another process holds the role's OPS_PORT (two roles of one kind on a host)
  'EXPORTER_PORT_IN_USE', // another process holds the exporter role's EXPORTER_PORT
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export class OpsError extends Error {
  readonly code: ErrorCode | string;
  readonly canRetry: boolean;
  constructor(code: ErrorCode | string, message: string, opts: { canRetry?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'OpsError';
    this.code = code;
    this.canRetry = opts.canRetry ?? false;
  }
}

export function errorCodeOf(err: unknown, fallback = 'UNEXPECTED'): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : fallback;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
