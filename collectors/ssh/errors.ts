// The SSH poller's errors (codes, meanings and canRetry in the one catalogue,
// common/error-codes/collectors.ts). A capture that fails is still published
// (RawSshCapture.error) with one of these codes; the message names the device, the command where
// there is one, and the cause, never a password or key.
import { OpsError } from '../../common/errors.js';
import type { sshErrors } from '../../common/error-codes/collectors.js';

/** The codes a capture's error carries (SSH_CONFIG stops the poller at start instead). */
export type SshErrorCode = Exclude<keyof typeof sshErrors, 'SSH_CONFIG'>;

export interface SshError {
  code: SshErrorCode;
  message: string;
}

/** Thrown inside the SSH layer, caught and turned into RawSshCapture.error by the poller. */
export class SshFailure extends OpsError {
  declare readonly code: SshErrorCode;
  constructor(code: SshErrorCode, message: string, canRetry?: boolean) {
    super(code, message, { canRetry });
    this.name = 'SshFailure';
  }
}

/** Thrown by a platform parser when the output does not have the expected shape. */
export class CliParseError extends OpsError {
  declare readonly code: 'CLI_PARSE';
  constructor(message: string) {
    super('CLI_PARSE', message);
    this.name = 'CliParseError';
  }
}

export function sshConfigError(message: string): Error {
  return new OpsError('SSH_CONFIG', message);
}
