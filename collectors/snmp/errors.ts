// The poller's error catalogue. A device-level failure never throws out of poll(): it becomes
// RawSnmpPoll.error with one of these codes, because a failed poll is itself telemetry
// (availability). Codes are stable; messages name the device and the endpoint, never the
// community.
//
// SNMP_AUTH is reserved for SNMPv3 (USM reports: unknown user, wrong digest). In v2c an agent drops
// a request with an unknown community without a word, so a wrong community is indistinguishable
// from a dead agent and surfaces as SNMP_TIMEOUT; the message says so.

import snmp from 'net-snmp';

export const SNMP_POLL_ERROR_CODES = [
  'SNMP_TIMEOUT', // no answer within timeout × (retries + 1)
  'SNMP_AUTH', // v3 only, see above
  'SNMP_UNREACHABLE', // the network or host said no: ICMP port/host unreachable, local send failure
  'SNMP_MALFORMED', // the agent answered with something that is not a usable SNMP response
  'SNMP_ERROR_STATUS', // a well-formed response with error-status set (genErr, tooBig...)
  'SNMP_CANCELLED', // the poller was closed while this poll was in flight
] as const;
export type SnmpPollErrorCode = (typeof SNMP_POLL_ERROR_CODES)[number];

export interface PollError {
  code: SnmpPollErrorCode;
  message: string;
}

// Node system errors on send() that mean "cannot get there from here".
const UNREACHABLE_ERRNOS = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'ECONNREFUSED', 'EADDRNOTAVAIL', 'EACCES', 'EPERM', 'EINVAL', 'ENOTFOUND', 'EAI_AGAIN']);

export function isTimeout(err: unknown): boolean {
  return err instanceof snmp.RequestTimedOutError || (err as Error | undefined)?.name === 'RequestTimedOutError';
}

export function classifyError(err: unknown, where: string): PollError {
  const e = err as { name?: string; code?: unknown; message?: string; status?: number };
  const text = e?.message ?? String(err);
  if (isTimeout(err)) return { code: 'SNMP_TIMEOUT', message: `${where}: no response (${text})` };
  if (err instanceof snmp.RequestFailedError || e?.name === 'RequestFailedError') {
    return { code: 'SNMP_ERROR_STATUS', message: `${where}: agent returned error-status ${text}` };
  }
  if (err instanceof snmp.ResponseInvalidError || e?.name === 'ResponseInvalidError' || e?.code === 'SNMP_MALFORMED' || err instanceof RangeError) {
    return { code: 'SNMP_MALFORMED', message: `${where}: unusable response: ${text}` };
  }
  if (typeof e?.code === 'string' && UNREACHABLE_ERRNOS.has(e.code)) {
    return { code: 'SNMP_UNREACHABLE', message: `${where}: ${e.code}: ${text}` };
  }
  if (text === 'Socket forcibly closed') return { code: 'SNMP_CANCELLED', message: `${where}: poller closed during the poll` };
  return { code: 'SNMP_MALFORMED', message: `${where}: unexpected failure: ${text}` };
}
