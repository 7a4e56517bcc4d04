// The SSH poller's error catalogue. A capture that fails is still published (RawSshCapture.error)
// with one of these codes; the message names the device, the command where there is one, and
// the cause, never a password or key.

export const SSH_ERROR_CODES = [
  'SSH_CONNECT', // TCP connection refused, host unreachable, connection reset before login
  'SSH_TIMEOUT', // no SSH handshake or login within the connect timeout
  'SSH_AUTH', // the device refused every credential offered
  'SSH_HOSTKEY_CHANGED', // the device presented a host key other than the pinned one: refused
  'SSH_CHANNEL', // logged in, but the device refused a shell or exec channel
  'SSH_COMMAND_TIMEOUT', // the command's output did not end in a prompt within the command timeout
  'SSH_SESSION_CLOSED', // the device closed the session in the middle of a command
  'SSH_OUTPUT_TOO_LARGE', // a reply longer than the output cap: the session is closed, the poll ends
  'CLI_ERROR', // the device answered the command with its own error ("syntax error", "% Invalid input")
  'CLI_PARSE', // the output is not in the shape the platform parser knows
  'SSH_PLATFORM_UNKNOWN', // no command set for the device's platform
  'SSH_TARGET_INVALID', // the inventory entry lacks what the platform needs (address, ports), or a port name is outside its grammar
  'SSH_CANCELLED', // the poller was closed
] as const;
export type SshErrorCode = (typeof SSH_ERROR_CODES)[number];

export interface SshError {
  code: SshErrorCode;
  message: string;
}

/** Thrown inside the SSH layer, caught and turned into RawSshCapture.error by the poller. */
export class SshFailure extends Error {
  readonly code: SshErrorCode;
  readonly canRetry: boolean;
  constructor(code: SshErrorCode, message: string, canRetry = true) {
    super(message);
    this.name = 'SshFailure';
    this.code = code;
    this.canRetry = canRetry;
  }
}

/** Thrown by a platform parser when the output does not have the expected shape. */
export class CliParseError extends Error {
  readonly code = 'CLI_PARSE';
  readonly canRetry = false;
  constructor(message: string) {
    super(message);
    this.name = 'CliParseError';
  }
}

export function sshConfigError(message: string): Error {
  return Object.assign(new Error(message), { code: 'SSH_CONFIG', canRetry: false });
}
