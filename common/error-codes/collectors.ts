// Error codes of the pollers and the trap receiver. A device-level failure is itself telemetry: it
// is published in the raw record's `error` with one of these codes (and counted by code), it does
// not stop the poller. Part of the one catalogue (common/errors.ts).
import type { ErrorSpec } from '../errors.js';

export const snmpErrors = {
  SNMP_TIMEOUT: { canRetry: true, meaning: 'no answer within timeout × (retries + 1); in v2c also a wrong community' },
  SNMP_AUTH: { canRetry: false, meaning: 'SNMPv3 authentication or privacy failed (unknown user, wrong key or protocol, time window)' },
  SNMP_UNREACHABLE: { canRetry: true, meaning: 'the network or host said no: ICMP port/host unreachable, local send failure' },
  SNMP_MALFORMED: { canRetry: true, meaning: 'the agent answered with something that is not a usable SNMP response' },
  SNMP_ERROR_STATUS: { canRetry: true, meaning: 'a well-formed response with error-status set (genErr, tooBig…)' },
  SNMP_CANCELLED: { canRetry: false, meaning: 'the poller was closed while this poll was in flight' },
  SNMP_CONFIG: { canRetry: false, meaning: 'the SNMP poller was given an unusable option or an unknown profile' },
  SNMP_PROFILE_INVALID: { canRetry: false, meaning: 'an SNMP profile file is malformed; the message lists every problem' },
} as const satisfies Record<string, ErrorSpec>;

// Packet loss is not an error (it is sent - received): these say why a target's run produced no
// usable measurement. The fping process's own failures fail every target of its run.
export const icmpErrors = {
  ICMP_NO_REPLY: { canRetry: true, meaning: 'every echo request of the run went unanswered (100 % loss): down or unreachable' },
  ICMP_BAD_TARGET: { canRetry: false, meaning: 'the address is not an IPv4/IPv6 literal; fping is not asked' },
  ICMP_TARGET_REJECTED: { canRetry: false, meaning: 'fping refused the target (its own error line) or left it out of its report' },
  ICMP_MALFORMED_OUTPUT: { canRetry: true, meaning: "fping's line for the target could not be read" },
  ICMP_FPING_MISSING: { canRetry: false, meaning: 'the fping binary is not installed (Debian package fping)' },
  ICMP_PERMISSION: { canRetry: false, meaning: 'fping may not open a raw socket (needs root or cap_net_raw)' },
  ICMP_FPING_FAILED: { canRetry: true, meaning: 'fping exited abnormally, could not start or overran its time budget' },
  ICMP_CANCELLED: { canRetry: false, meaning: 'the poller was closed' },
  ICMP_CONFIG: { canRetry: false, meaning: 'the ICMP poller was given an unusable option' },
} as const satisfies Record<string, ErrorSpec>;

// Messages name the device and the command, never a password or key.
export const sshErrors = {
  SSH_CONNECT: { canRetry: true, meaning: 'TCP connection refused, host unreachable, connection reset before login' },
  SSH_TIMEOUT: { canRetry: true, meaning: 'no SSH handshake or login within the connect timeout' },
  SSH_AUTH: { canRetry: false, meaning: 'the device refused every credential offered' },
  SSH_HOSTKEY_CHANGED: { canRetry: false, meaning: 'the device presented a host key other than the pinned one: refused' },
  SSH_CHANNEL: { canRetry: true, meaning: 'logged in, but the device refused a shell or exec channel' },
  SSH_COMMAND_TIMEOUT: { canRetry: true, meaning: "the command's output did not end in a prompt within the command timeout" },
  SSH_SESSION_CLOSED: { canRetry: true, meaning: 'the device closed the session in the middle of a command' },
  SSH_OUTPUT_TOO_LARGE: { canRetry: true, meaning: 'a reply longer than the output cap: the session is closed, the poll ends' },
  CLI_ERROR: { canRetry: false, meaning: 'the device answered the command with its own error ("syntax error", "% Invalid input")' },
  CLI_PARSE: { canRetry: false, meaning: 'the output is not in the shape the platform parser knows' },
  SSH_PLATFORM_UNKNOWN: { canRetry: false, meaning: "no command set for the device's platform" },
  SSH_TARGET_INVALID: { canRetry: false, meaning: 'the inventory entry lacks what the platform needs (address, ports), or a port name is outside its grammar' },
  SSH_CANCELLED: { canRetry: false, meaning: 'the poller was closed' },
  SSH_CONFIG: { canRetry: false, meaning: 'the SSH poller was given an unusable option' },
} as const satisfies Record<string, ErrorSpec>;

// Messages name the network element and the MCP call, never the password or the token.
export const mcpErrors = {
  MCP_CONNECT: { canRetry: true, meaning: 'MCP not reachable (refused, reset, DNS), or the connection was lost mid-reply' },
  MCP_TIMEOUT: { canRetry: true, meaning: 'no complete answer within the request timeout' },
  MCP_AUTH: { canRetry: false, meaning: 'credentials refused, or a fresh token refused again (401 after one re-login)' },
  MCP_HTTP: { canRetry: true, meaning: 'any other HTTP error status (403, 404, 5xx…); canRetry only for 5xx' },
  MCP_BAD_JSON: { canRetry: true, meaning: 'the body is not JSON' },
  MCP_TOO_LARGE: { canRetry: false, meaning: 'the body is larger than MCP_MAX_BODY_BYTES (cut there)' },
  MCP_SHAPE: { canRetry: true, meaning: 'JSON, but not in the shape the call returns (missing data array, token…)' },
  MCP_NOT_FOUND: { canRetry: false, meaning: 'the network element is not known to MCP, or the inventory gives nothing to find it by' },
  MCP_CANCELLED: { canRetry: false, meaning: 'the poller was closed' },
  MCP_CONFIG: { canRetry: false, meaning: 'the MCP poller or its PM adapter file was given an unusable option' },
} as const satisfies Record<string, ErrorSpec>;

export const trapErrors = {
  TRAP_UNKNOWN_SOURCE: { canRetry: false, meaning: 'no active inventory device has the address a notification came from (dead-lettered)' },
  TRAP_AMBIGUOUS_SOURCE: { canRetry: false, meaning: 'several inventory devices share the address a notification came from (dead-lettered)' },
  TRAP_MALFORMED: { canRetry: false, meaning: 'a v1 trap lacks enterprise or trap ids, or a v2c/v3 notification has no snmpTrapOID.0 (dead-lettered)' },
  TRAP_PORT_UNAVAILABLE: { canRetry: false, meaning: 'the trap receiver cannot listen on its UDP port (held, or below 1024 without the capability)' },
} as const satisfies Record<string, ErrorSpec>;
