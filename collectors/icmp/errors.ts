// The ICMP poller's errors (codes, meanings and canRetry in the one catalogue,
// common/error-codes/collectors.ts). Packet loss is not an error (it is sent - received); these
// codes say why a target's run produced no usable measurement. A code concerns one target
// unless it comes from the fping process itself, which fails every target of that run.
import { OpsError } from '../../common/errors.js';
import type { icmpErrors } from '../../common/error-codes/collectors.js';

/** The codes a probe's error carries (ICMP_CONFIG stops the poller at start instead). */
export type IcmpErrorCode = Exclude<keyof typeof icmpErrors, 'ICMP_CONFIG'>;

export interface IcmpError {
  code: IcmpErrorCode;
  message: string;
}

export function icmpConfigError(message: string): Error {
  return new OpsError('ICMP_CONFIG', message);
}
