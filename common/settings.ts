// Settings every role has: where its operations endpoints listen.
import { defineSettings } from './config.js';

/** Default port of each role's /healthz, /readyz and /metrics: fixed and distinct, so roles on one
 * host can all be scraped without configuration and a Prometheus config can name them. */
export const DEFAULT_OPS_PORTS = {
  collector: 9471,
  processor: 9472,
  sink: 9473,
  api: 9474,
  notifier: 9475,
  registry: 9476,
  traps: 9477,
  exporter: 9478,
} as const;

/** The roles that serve /metrics (the keys above). */
export type OpsRole = keyof typeof DEFAULT_OPS_PORTS;

export function servesMetrics(role: string): role is OpsRole {
  return Object.hasOwn(DEFAULT_OPS_PORTS, role);
}

export function opsSettingsFor(role: OpsRole) {
  return defineSettings({
    opsHost: { kind: 'string', env: 'OPS_HOST', default: '127.0.0.1', doc: 'address of /healthz, /readyz and /metrics' },
    opsPort: {
      kind: 'int',
      env: 'OPS_PORT',
      default: DEFAULT_OPS_PORTS[role],
      min: 0,
      max: 65_535,
      doc: `port of /healthz, /readyz and /metrics (0: any free port, logged at start; taken: the role stops with OPS_PORT_IN_USE)`,
    },
  });
}
