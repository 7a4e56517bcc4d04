// Errors of the local stack (codes, meanings and canRetry in the one catalogue,
// common/error-codes/tooling.ts). `code` is stable (scripts and tests match on it); `canRetry` says
// whether the same call may succeed later without anyone changing anything (a port still held by
// a process that is shutting down) or not (a package that failed to install).
import { OpsError } from '../common/errors.js';
import type { stackErrors } from '../common/error-codes/tooling.js';

export type InfraErrorCode = keyof typeof stackErrors;

export class InfraError extends OpsError {
  declare readonly code: InfraErrorCode;
  constructor(code: InfraErrorCode, message: string, opts: { canRetry?: boolean; cause?: unknown } = {}) {
    super(code, message, opts);
    this.name = 'InfraError';
  }
}
