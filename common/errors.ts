// One catalogue of error codes for the whole code base. A code is stable (dashboards, alerts,
// dead letters and API clients key on it), `canRetry` tells a caller whether trying again can help,
// and the message names the thing that failed. Retry decisions read `canRetry`, never messages.
//
// The codes are listed by component under common/error-codes/ and merged here into one union,
// so `new OpsError('SOME_TYPO', …)` does not compile. docs/errors.md is generated from this
// catalogue (`opsconductor errors`). Foreign errors (pg, Kafka, Node's errno) keep their own codes:
// errorCodeOf returns whatever string they carry.
import { configErrors, processorErrors, sinkErrors, streamErrors } from './error-codes/core.js';
import { icmpErrors, mcpErrors, snmpErrors, sshErrors, trapErrors } from './error-codes/collectors.js';
import { credentialErrors, inventoryErrors, netboxErrors } from './error-codes/inventory.js';
import { apiErrors, authFailureReasons, registryErrors } from './error-codes/services.js';
import { benchErrors, labErrors, stackErrors } from './error-codes/tooling.js';

export interface ErrorSpec {
  /** What a caller gets when it does not say: whether the same call may succeed later. */
  canRetry: boolean;
  /** One line: what went wrong, for docs/errors.md. */
  meaning: string;
}

/** The catalogue by component, in the order docs/errors.md lists them. */
export const errorGroups = [
  { component: 'Configuration and roles', codes: configErrors },
  { component: 'Kafka and the stream runtime', codes: streamErrors },
  { component: 'Processors', codes: processorErrors },
  { component: 'Sinks and the notifier', codes: sinkErrors },
  { component: 'SNMP', codes: snmpErrors },
  { component: 'ICMP', codes: icmpErrors },
  { component: 'SSH CLI', codes: sshErrors },
  { component: 'Ciena MCP', codes: mcpErrors },
  { component: 'SNMP traps', codes: trapErrors },
  { component: 'Inventory', codes: inventoryErrors },
  { component: 'NetBox', codes: netboxErrors },
  { component: 'Credential store', codes: credentialErrors },
  { component: 'API', codes: apiErrors },
  { component: 'API authentication failure reasons', codes: authFailureReasons },
  { component: 'Schema registry', codes: registryErrors },
  { component: 'Local stack', codes: stackErrors },
  { component: 'Device lab', codes: labErrors },
  { component: 'Benches', codes: benchErrors },
] as const;

type CodesOf<G> = G extends { codes: infer C } ? keyof C : never;
export type ErrorCode = CodesOf<(typeof errorGroups)[number]> & string;

/** The groups' codes in one record; throws when a code is in two groups. */
export function mergeErrorGroups(groups: readonly { component: string; codes: Record<string, ErrorSpec> }[]): Record<ErrorCode, ErrorSpec> {
  const all: Record<string, ErrorSpec> = {};
  const owner = new Map<string, string>();
  for (const g of groups) {
    for (const [code, spec] of Object.entries(g.codes)) {
      // Each code once: a code two components define would have two meanings on one dashboard.
      if (owner.has(code)) throw new Error(`error code ${code} is in the catalogue twice (${owner.get(code)} and ${g.component})`);
      owner.set(code, g.component);
      all[code] = spec;
    }
  }
  return all;
}

export const errorCatalogue: Readonly<Record<ErrorCode, ErrorSpec>> = Object.freeze(mergeErrorGroups(errorGroups));
export const errorCodes = Object.keys(errorCatalogue) as ErrorCode[];

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(errorCatalogue, code);
}

export class OpsError extends Error {
  readonly code: ErrorCode;
  readonly canRetry: boolean;
  /** canRetry defaults to the catalogue's; a caller that knows better (an HTTP 5xx) says so. */
  constructor(code: ErrorCode, message: string, opts: { canRetry?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'OpsError';
    this.code = code;
    this.canRetry = opts.canRetry ?? errorCatalogue[code].canRetry;
  }
}

export function errorCodeOf(err: unknown, fallback: ErrorCode = 'UNEXPECTED'): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : fallback;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
