// The ICMP poller's error catalogue. Packet loss is not an error (it is sent - received); these
// codes say why a target's run produced no usable measurement. A code concerns one target
// unless it comes from the fping process itself, which fails every target of that run.

export const ICMP_ERROR_CODES = [
  'ICMP_NO_REPLY', // every echo request of the run went unanswered (100 % loss): down or unreachable
  'ICMP_BAD_TARGET', // the address is not an IPv4/IPv6 literal; fping is not asked
  'ICMP_TARGET_REJECTED', // fping refused the target (its own error line) or left it out of its report
  'ICMP_MALFORMED_OUTPUT', // fping's line for the target could not be read
  'ICMP_FPING_MISSING', // the fping binary is not installed
  'ICMP_PERMISSION', // fping may not open a raw socket (needs root or cap_net_raw)
  'ICMP_FPING_FAILED', // fping exited abnormally or overran its time budget
  'ICMP_CANCELLED', // the poller was closed
] as const;
export type IcmpErrorCode = (typeof ICMP_ERROR_CODES)[number];

export interface IcmpError {
  code: IcmpErrorCode;
  message: string;
}

export function icmpConfigError(message: string): Error {
  return Object.assign(new Error(message), { code: 'ICMP_CONFIG', canRetry: false });
}
