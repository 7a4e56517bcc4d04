// Error codes of the local tooling: the stack `npm start` and `npm test` run (infra/), the
// simulated device lab and the benches. Scripts and tests match on them. Part of the one catalogue
// (common/errors.ts).
import type { ErrorSpec } from '../errors.js';

// canRetry: whether the same call may succeed later without anyone changing anything (a port
// still held by a process that is shutting down), or not (a package that failed to install).
export const stackErrors = {
  INSTALL_FAILED: { canRetry: false, meaning: 'an install step (apt, Maven, pip, npm) failed or left something missing' },
  PORT_IN_USE: { canRetry: true, meaning: 'a port of the stack is held by another process' },
  SERVICE_START_FAILED: { canRetry: false, meaning: 'a service of the stack (Kafka, PostgreSQL, Redis, openssl) could not be started' },
  SERVICE_UNHEALTHY: { canRetry: true, meaning: 'a started service did not become healthy in time' },
  SERVICE_EXITED: { canRetry: false, meaning: 'a service exited while it was starting; the message has its log tail' },
  STACK_BUSY: { canRetry: true, meaning: 'the stack profile is owned by another live process but not usable yet' },
  STACK_MISMATCH: { canRetry: false, meaning: 'the stack profile is running with another broker count than requested' },
  LOCK_TIMEOUT: { canRetry: true, meaning: 'a file lock is still held by another process after the timeout' },
  BAD_ARGUMENT: { canRetry: false, meaning: 'a stack command or setting was given an unusable value (profile, broker count, OC_PORT_OFFSET…)' },
} as const satisfies Record<string, ErrorSpec>;

export const labErrors = {
  LAB_CONFIG: { canRetry: false, meaning: 'a lab option or a recorded walk it names is unusable' },
  LAB_BAD_DEVICE: { canRetry: false, meaning: 'a lab device of a platform the lab does not simulate' },
  LAB_BAD_SCENARIO: { canRetry: false, meaning: 'a scenario the lab cannot apply (unknown device, port or value): HTTP 400 from the control API' },
  LAB_SCENARIO_FAILED: { canRetry: false, meaning: 'applying a valid scenario failed (HTTP 500 from the control API)' },
  LAB_HTTP_LISTEN: { canRetry: false, meaning: 'the lab control API cannot listen on its port' },
  LAB_SNMP_PORT_IN_USE: { canRetry: false, meaning: "the lab's SNMP UDP port is held (another lab running?): set LAB_SNMP_PORT" },
  LAB_SNMPSIM_MISSING: { canRetry: false, meaning: 'snmpsim, or a Python package it needs, is not installed in the venv' },
  LAB_SNMPSIM_START: { canRetry: false, meaning: 'snmpsim exited during start or did not answer in time' },
  LAB_SNMPREC_VALUE: { canRetry: false, meaning: 'a snmprec record the lab cannot serve or write' },
  LAB_NETNS_FAILED: { canRetry: false, meaning: "the ICMP lab's network namespaces could not be set up" },
  LAB_TUN_FAILED: { canRetry: false, meaning: "the ICMP lab's TUN responder did not start or refused a setting" },
} as const satisfies Record<string, ErrorSpec>;

export const benchErrors = {
  BENCH_CLIENT_MISSING: { canRetry: false, meaning: 'a Kafka client the bench compares is not installed' },
  NAB_BAD_CSV: { canRetry: false, meaning: 'a NAB corpus CSV lacks a column' },
  NAB_BAD_TIMESTAMP: { canRetry: false, meaning: 'a NAB corpus timestamp cannot be parsed' },
} as const satisfies Record<string, ErrorSpec>;
