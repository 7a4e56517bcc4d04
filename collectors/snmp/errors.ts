// The poller's errors (codes, meanings and canRetry in the one catalogue,
// common/error-codes/collectors.ts). A device-level failure never throws out of poll(): it becomes
// RawSnmpPoll.error with one of these codes, because a failed poll is itself telemetry
// (availability). Codes are stable; messages name the device and the endpoint, never the
// community.
//
// SNMP_AUTH is SNMPv3's: the agent answers a request it cannot accept with a Report PDU carrying one
// of the usmStats counters (1.3.6.1.6.3.15.1.1.N.0: unsupportedSecLevels, notInTimeWindows,
// unknownUserNames, unknownEngineIDs, wrongDigests, decryptionErrors), which net-snmp turns into a
// ResponseInvalidError with code EAuthFailure and the counter's name as message; a reply that our
// own keys cannot decrypt or authenticate is ECouldNotDecrypt / EAuthFailure too. net-snmp's own
// message for a digest mismatch carries both digests (and the error object the user and keys), so
// the message here is rebuilt from the counter name only. In v2c an agent drops a request with an
// unknown community without a word, so a wrong community is indistinguishable from a dead agent
// and surfaces as SNMP_TIMEOUT; the message says so.

import snmp from 'net-snmp';
import type { snmpErrors } from '../../common/error-codes/collectors.js';

/** The codes a poll's error carries (SNMP_CONFIG and SNMP_PROFILE_INVALID stop the poller at start instead). */
export type SnmpPollErrorCode = Exclude<keyof typeof snmpErrors, 'SNMP_CONFIG' | 'SNMP_PROFILE_INVALID'>;

export interface PollError {
  code: SnmpPollErrorCode;
  message: string;
}

// Node system errors on send() that mean "cannot get there from here".
const UNREACHABLE_ERRNOS = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'ECONNREFUSED', 'EADDRNOTAVAIL', 'EACCES', 'EPERM', 'EINVAL', 'ENOTFOUND', 'EAI_AGAIN']);

export function isTimeout(err: unknown): boolean {
  return err instanceof snmp.RequestTimedOutError || (err as Error | undefined)?.name === 'RequestTimedOutError';
}

// usmStats counter names as net-snmp words them; anything else is reported generically.
const USM_REPORTS: Record<string, string> = {
  'Unsupported Security Level': 'the agent does not accept this security level for the user (usmStatsUnsupportedSecLevels)',
  'Not In Time Window': 'the request was outside the agent\'s time window (usmStatsNotInTimeWindows)',
  'Unknown User Name': 'the agent does not know the user (usmStatsUnknownUserNames)',
  'Unknown Engine ID': 'the agent rejected the engine id (usmStatsUnknownEngineIDs)',
  'Wrong Digest (incorrect password, community or key)': 'wrong authentication key or protocol (usmStatsWrongDigests)',
  'Decryption Error': 'wrong privacy key or protocol: the agent could not decrypt the request (usmStatsDecryptionErrors)',
};

function v3AuthFailure(e: { name?: string; code?: unknown; message?: string }, where: string): PollError | null {
  if (e?.name !== 'ResponseInvalidError') return null;
  const codes = snmp.ResponseInvalidCode;
  if (e.code === codes.EAuthFailure) {
    const reason = USM_REPORTS[e.message ?? ''] ?? (e.message?.startsWith('Authentication digest') ? 'the reply failed authentication with our key (wrong authentication key or protocol)' : 'SNMPv3 authentication failed');
    return { code: 'SNMP_AUTH', message: `${where}: ${reason}` };
  }
  if (e.code === codes.ECouldNotDecrypt) return { code: 'SNMP_AUTH', message: `${where}: the reply could not be decrypted with our key (wrong privacy key or protocol)` };
  if (e.code === codes.ENotInTimeWindow) return { code: 'SNMP_AUTH', message: `${where}: the reply was outside the SNMPv3 time window` };
  return null;
}

export function classifyError(err: unknown, where: string): PollError {
  const e = err as { name?: string; code?: unknown; message?: string; status?: number };
  const text = e?.message ?? String(err);
  if (isTimeout(err)) return { code: 'SNMP_TIMEOUT', message: `${where}: no response (${text})` };
  const auth = v3AuthFailure(e, where);
  if (auth) return auth;
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
