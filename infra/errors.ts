// Errors of the local stack. `code` is stable (scripts and tests match on it); `canRetry` says
// whether the same call may succeed later without anyone changing anything (a port still held by
// a process that is shutting down) or not (a package that failed to install).

export type InfraErrorCode =
  | 'INSTALL_FAILED'
  | 'PORT_IN_USE'
  | 'SERVICE_START_FAILED'
  | 'SERVICE_UNHEALTHY'
  | 'SERVICE_EXITED'
  | 'STACK_BUSY'
  | 'STACK_MISMATCH'
  | 'LOCK_TIMEOUT'
  | 'BAD_ARGUMENT';

export class InfraError extends Error {
  readonly code: InfraErrorCode;
  readonly canRetry: boolean;

  constructor(code: InfraErrorCode, message: string, opts: { canRetry?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'InfraError';
    this.code = code;
    this.canRetry = opts.canRetry ?? false;
  }
}
